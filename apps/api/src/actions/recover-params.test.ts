import { recoverInputs } from './recover-params';

describe('recoverInputs', () => {
  it('takes the operation in any case and stores it upper case', () => {
    expect(recoverInputs({ operation: 'rebuild' }, 'cluster')).toEqual({ operation: 'REBUILD' });
    expect(recoverInputs({ operation: 'Reboot', operation_params: { type: 'hard' } }, 'node')).toEqual({
      operation: 'REBOOT',
      operation_params: { type: 'hard' },
    });
  });

  it('reads the flags each kind allows as booleans', () => {
    expect(recoverInputs({ check: 'true', check_capacity: false }, 'cluster')).toEqual({
      check: true,
      check_capacity: false,
    });
    expect(recoverInputs({ check: 1, delete_timeout: '30', force_recreate: 'yes' }, 'node')).toEqual({
      check: true,
      delete_timeout: 30,
      force_recreate: true,
    });
  });

  it("refuses what Senlin's conductor refuses, in its words", () => {
    expect(() => recoverInputs({ operation: 'dance' }, 'cluster')).toThrow(
      "Operation value 'dance' has to be one of the following: REBOOT, REBUILD, RECREATE.",
    );
    expect(() => recoverInputs({ operation: 3 }, 'cluster')).toThrow('operation has to be a string.');
    expect(() => recoverInputs({ operation: 'REBOOT', operation_params: { type: 'gentle' } }, 'node')).toThrow(
      "Type field 'gentle' in operation_params has to be one of the following: SOFT, HARD.",
    );
    expect(() => recoverInputs({ operation: 'REBOOT', operation_params: 'x' }, 'node')).toThrow(
      'operation_params must be a map.',
    );
    expect(() => recoverInputs({ k1: 'v1' }, 'cluster')).toThrow("Action parameter ['k1'] is not recognizable.");
    // operation_params without an operation is not read, so it is unknown (Senlin).
    expect(() => recoverInputs({ operation_params: {} }, 'cluster')).toThrow(
      "Action parameter ['operation_params'] is not recognizable.",
    );
    expect(() => recoverInputs({ delete_timeout: 5 }, 'cluster')).toThrow(
      "Action parameter ['delete_timeout'] is not recognizable.",
    );
    expect(() => recoverInputs({ check_capacity: true }, 'node')).toThrow(
      "Action parameter ['check_capacity'] is not recognizable.",
    );
    expect(() => recoverInputs({ check: 'maybe' }, 'node')).toThrow(
      /^Unrecognized value 'maybe', acceptable values are/,
    );
    expect(() => recoverInputs({ delete_timeout: -1 }, 'node')).toThrow(
      /delete_timeout must be a non-negative integer/,
    );
  });
});
