import { BadRequest, type ActionInputs } from '@grove/core';
import { parseBool, pyRepr, unrecognizedBool } from '../http/senlin-validators';

const OPERATIONS = ['REBOOT', 'REBUILD', 'RECREATE'] as const;
const REBOOT_TYPES = ['SOFT', 'HARD'];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type RecoverInputs = ActionInputs['CLUSTER_RECOVER'] & ActionInputs['NODE_RECOVER'];

/**
 * Reads the map of a `recover` request as Senlin's conductor does, into the inputs the engine
 * reads (ActionInputs): `operation` in any case (stored upper case), `operation_params` only
 * with an operation (for REBOOT its `type` must be SOFT or HARD), then the keys the target kind
 * allows (`check`, `check_capacity` for clusters; `check`, `delete_timeout`, `force_recreate` for
 * nodes). Anything left over is refused by name.
 */
export function recoverInputs(params: Record<string, unknown>, kind: 'cluster' | 'node'): RecoverInputs {
  const rest = { ...params };
  const inputs: RecoverInputs = {};
  if ('operation' in rest) {
    const op = rest.operation;
    delete rest.operation;
    if (typeof op !== 'string') throw new BadRequest('operation has to be a string');
    const upper = op.toUpperCase() as (typeof OPERATIONS)[number];
    if (!OPERATIONS.includes(upper)) {
      throw new BadRequest(`Operation value '${op}' has to be one of the following: ${OPERATIONS.join(', ')}.`);
    }
    inputs.operation = upper;
    if ('operation_params' in rest) {
      const opParams = rest.operation_params;
      delete rest.operation_params;
      // Senlin checks the map only for REBOOT; the engine reads every operation's params as a map.
      if (!isMap(opParams)) throw new BadRequest('operation_params must be a map');
      if (upper === 'REBOOT' && 'type' in opParams) {
        const t = opParams.type;
        if (typeof t !== 'string' || !REBOOT_TYPES.includes(t.toUpperCase())) {
          throw new BadRequest(
            `Type field '${typeof t === 'string' ? t : pyRepr(t)}' in operation_params has to be one of the following: ${REBOOT_TYPES.join(', ')}.`,
          );
        }
      }
      inputs.operation_params = opParams;
    }
  }
  const flag = (key: 'check' | 'check_capacity' | 'force_recreate') => {
    if (!(key in rest)) return;
    const v = parseBool(rest[key]);
    if (v === undefined) throw new BadRequest(unrecognizedBool(rest[key]));
    inputs[key] = v;
    delete rest[key];
  };
  flag('check');
  if (kind === 'cluster') flag('check_capacity');
  if (kind === 'node') {
    if ('delete_timeout' in rest) {
      const raw = rest.delete_timeout;
      const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw new BadRequest(`The value for delete_timeout must be a non-negative integer: '${String(raw)}'.`);
      }
      inputs.delete_timeout = n;
      delete rest.delete_timeout;
    }
    flag('force_recreate');
  }
  const unknown = Object.keys(rest);
  if (unknown.length) throw new BadRequest(`Action parameter ${pyRepr(unknown)} is not recognizable.`);
  return inputs;
}
