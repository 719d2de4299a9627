import { lifetimeOf } from './process-model';

const of = (cmd: string[] | null, o: { entrypoint?: string[]; tty?: boolean } = {}) =>
  lifetimeOf({ cmd, entrypoint: o.entrypoint ?? null, extraConfig: o.tty ? { Tty: true } : {} });

describe('the main process of a simulated container', () => {
  it.each([
    [['true'], { exitCode: 0, afterMs: 0 }],
    [['false'], { exitCode: 1, afterMs: 0 }],
    [['sleep', '2'], { exitCode: 0, afterMs: 2000 }],
    [['sleep', '1m'], { exitCode: 0, afterMs: 60_000 }],
    [['sh'], { exitCode: 0, afterMs: 0 }],
    [['/bin/sh', '-c', 'sleep 1; exit 4'], { exitCode: 4, afterMs: 1000 }],
    [['sh', '-c', 'echo "a; b" && true'], { exitCode: 0, afterMs: 0 }],
  ])('%j ends by itself', (cmd, expected) => {
    expect(of(cmd)).toEqual(expected);
  });

  it.each([
    [['nginx', '-g', 'daemon off;']],
    [['sleep', 'infinity']],
    [['redis-server']],
    [['sh', '-c', 'while true; do sleep 1; done']],
    [['/sbin/init']],
    [null],
  ])('%j runs until stopped', (cmd) => {
    expect(of(cmd)).toBeNull();
  });

  it('keeps an interactive shell running', () => {
    expect(of(['sh'], { tty: true })).toBeNull();
  });

  it('reads the entrypoint before the command', () => {
    expect(of(['5'], { entrypoint: ['sleep'] })).toEqual({ exitCode: 0, afterMs: 5000 });
  });
});
