import type { Container } from '@grove/drivers';
import { containerSpec } from './adopt-container';
import { splitCommand } from './split-command';

const container = (Cmd: unknown): Container => ({
  id: 'c1',
  name: 'box',
  status: 'running',
  image: 'busybox:1.36',
  labels: {},
  raw: { Config: { Cmd } },
});

describe('containerSpec', () => {
  it('takes the image, the name and a command line that splits back into Docker’s Cmd', () => {
    const spec = containerSpec(container(['sh', '-c', 'echo hi && sleep 1']));
    expect(spec).toEqual({ image: 'busybox:1.36', name: 'box', command: "sh -c 'echo hi && sleep 1'" });
    expect(splitCommand(spec.command as string)).toEqual(['sh', '-c', 'echo hi && sleep 1']);
  });

  it('gives no command when Docker shows none', () => {
    expect(containerSpec(container(null))).toEqual({ image: 'busybox:1.36', name: 'box' });
    expect(containerSpec(container([]))).toEqual({ image: 'busybox:1.36', name: 'box' });
  });
});
