import { renderSchema } from '@grove/core';
import { PolicyRegistry } from '../registry';
import { cluster, contextFor, member, specError, withoutDescriptions } from '../test-support';
import { batchPolicy } from './batch.policy';
import type { BatchProps } from './batch.properties';

const registry = new PolicyRegistry([batchPolicy as never]);
const validate = (properties: Record<string, unknown>) =>
  registry.validate({ type: 'senlin.policy.batch', version: '1.0', properties }).properties;

const DEFAULTS: BatchProps = { min_in_service: 1, max_batch_size: -1, pause_time: 60 };

describe('senlin.policy.batch', () => {
  it("fills in Senlin's defaults", () => {
    expect(validate({})).toEqual(DEFAULTS);
  });

  it('writes the update plan of the members, bad ones first', async () => {
    const members = [member({ id: 'a' }), member({ id: 'b' }), member({ id: 'c', status: 'ERROR' })];
    const ctx = contextFor(DEFAULTS, { action: 'CLUSTER_UPDATE', cluster: cluster({ members }) });
    // Three nodes, one kept in service: batches of two.
    expect(await batchPolicy.before!(ctx)).toEqual({
      kind: 'allow',
      data: { update: { pause_time: 60, plan: [['c', 'a'], ['b']] } },
    });
  });

  it("renders Senlin's schema", () => {
    const item = (dflt: number) => ({ type: 'Integer', default: dflt, required: false, updatable: false });
    expect(withoutDescriptions(renderSchema(batchPolicy.properties))).toEqual({
      min_in_service: item(1),
      max_batch_size: item(-1),
      pause_time: item(60),
    });
  });

  it.each([
    [{ max_batch_size: 0 }, 'max_batch_size', "the 'max_batch_size' must be > 0, or -1 for no limit"],
    [{ max_batch_size: -2 }, 'max_batch_size', "the 'max_batch_size' must be > 0, or -1 for no limit"],
    [{ pause_time: -1 }, 'pause_time', "the 'pause_time' must be >= 0"],
    [
      { min_in_service: 'all' },
      'min_in_service',
      "The value 'all' is not a valid Integer (spec item 'min_in_service')",
    ],
  ])('refuses %j', (properties, path, reason) => {
    expect(specError(() => validate(properties))).toEqual({ path, reason });
  });

  it('accepts batches of any positive size and no pause', () => {
    expect(validate({ max_batch_size: 1, pause_time: 0, min_in_service: 0 })).toEqual({
      min_in_service: 0,
      max_batch_size: 1,
      pause_time: 0,
    });
  });
});
