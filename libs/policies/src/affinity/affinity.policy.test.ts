import { renderSchema } from '@grove/core';
import { PolicyRegistry } from '../registry';
import { cluster, contextFor, member, withoutDescriptions, specError } from '../test-support';
import { affinityPolicy as affinity } from './affinity.policy';
import type { AffinityProps } from './affinity.properties';

const registry = new PolicyRegistry([affinity as never]);
const spec = (properties: Record<string, unknown>) => ({ type: 'senlin.policy.affinity', version: '1.0', properties });
const props = (properties: Record<string, unknown>) =>
  registry.validate(spec(properties)).properties as unknown as AffinityProps;

describe('senlin.policy.affinity', () => {
  it('is one of the types Grove knows', () => {
    expect(new PolicyRegistry().has('senlin.policy.affinity-1.0')).toBe(true);
  });

  it('is registered as in Senlin', () => {
    expect(registry.keys()).toEqual(['senlin.policy.affinity-1.0']);
    expect(affinity).toMatchObject({
      priority: 300,
      singleton: true,
      className: 'AffinityPolicy',
      profileTypes: ['os.nova.server-1.0'],
      targets: { before: ['CLUSTER_SCALE_OUT', 'CLUSTER_RESIZE', 'NODE_CREATE'] },
    });
  });

  it("shows Senlin's schema on the wire", () => {
    expect(withoutDescriptions(renderSchema(affinity.properties))).toEqual({
      servergroup: {
        type: 'Map',
        required: false,
        updatable: false,
        schema: {
          name: { type: 'String', required: false, updatable: false },
          policies: {
            type: 'String',
            required: false,
            updatable: false,
            default: 'anti-affinity',
            constraints: [
              {
                type: 'AllowedValues',
                constraint: ['affinity', 'soft-affinity', 'anti-affinity', 'soft-anti-affinity'],
              },
            ],
          },
        },
      },
      availability_zone: { type: 'String', required: false, updatable: false },
      enable_drs_extension: { type: 'Boolean', required: false, updatable: false, default: false },
    });
  });

  it('refuses an unknown group policy', () => {
    expect(specError(() => props({ servergroup: { policies: 'together' } }))).toEqual({
      path: 'servergroup.policies',
      reason:
        "'together' must be one of the allowed values: affinity, soft-affinity, anti-affinity, soft-anti-affinity (spec item 'servergroup.policies')",
    });
  });

  it('places the nodes a scale-out creates into the bound group', async () => {
    const ctx = contextFor(props({ availability_zone: 'az1' }), {
      action: 'CLUSTER_SCALE_OUT',
      inputs: { count: 2 },
      cluster: cluster({ members: [member()] }),
      binding: { data: { servergroup_id: 'sg-1', inherited_group: false } },
    });
    expect(await affinity.before!(ctx)).toEqual({
      kind: 'allow',
      data: {
        placement: {
          count: 2,
          placements: [
            { servergroup: 'sg-1', zone: 'az1' },
            { servergroup: 'sg-1', zone: 'az1' },
          ],
        },
      },
    });
  });

  it('places nothing for a shrinking resize', async () => {
    const ctx = contextFor(props({}), {
      action: 'CLUSTER_RESIZE',
      inputs: { adjustment_type: 'EXACT_CAPACITY', number: 0, strict: true },
      cluster: cluster({ members: [member()] }),
      binding: { data: { servergroup_id: 'sg-1' } },
    });
    expect(await affinity.before!(ctx)).toEqual({ kind: 'allow' });
  });
});
