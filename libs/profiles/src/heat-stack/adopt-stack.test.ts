import type { Stack } from '@grove/drivers';
import { stackSpec } from './adopt-stack';

const stack = (raw: Record<string, unknown>, parameters: Record<string, unknown>): Stack => ({
  id: 'st-1',
  name: 'app',
  status: 'CREATE_COMPLETE',
  statusReason: '',
  outputs: {},
  tags: [],
  parameters,
  raw,
});

describe('stackSpec', () => {
  const sources = {
    template: { heat_template_version: '2016-04-08' },
    environment: { parameters: {} },
    files: { a: 'b' },
  };

  it("takes the stack's sources and settings, and its parameters without Heat's OS:: ones", () => {
    const s = stack(
      { timeout_mins: 5, disable_rollback: false },
      { 'OS::stack_id': 'st-1', 'OS::project_id': 'p', size: '3' },
    );
    expect(stackSpec(s, sources)).toEqual({
      ...sources,
      parameters: { size: '3' },
      timeout: 5,
      disable_rollback: false,
    });
  });

  it('leaves the timeout out when the stack has none, and rollback disabled unless Heat says otherwise', () => {
    expect(stackSpec(stack({ timeout_mins: null }, {}), sources)).toEqual({
      ...sources,
      parameters: {},
      disable_rollback: true,
    });
  });
});
