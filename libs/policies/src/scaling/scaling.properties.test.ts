import { renderSchema } from '@grove/core';
import { PolicyRegistry } from '../registry';
import { specError, withoutDescriptions } from '../test-support';
import { scalingPolicy } from './scaling.policy';

const registry = new PolicyRegistry([scalingPolicy as never]);
const spec = (properties: Record<string, unknown>) => ({ type: 'senlin.policy.scaling', version: '1.0', properties });
const validate = (properties: Record<string, unknown>) => registry.validate(spec(properties)).properties;

// What Senlin 14's ScalingPolicy.get_schema() renders, descriptions left out.
const SENLIN_SCHEMA = {
  event: {
    type: 'String',
    required: true,
    updatable: false,
    constraints: [{ type: 'AllowedValues', constraint: ['CLUSTER_SCALE_IN', 'CLUSTER_SCALE_OUT'] }],
  },
  adjustment: {
    type: 'Map',
    required: false,
    updatable: false,
    schema: {
      type: {
        type: 'String',
        default: 'CHANGE_IN_CAPACITY',
        required: false,
        updatable: false,
        constraints: [
          { type: 'AllowedValues', constraint: ['EXACT_CAPACITY', 'CHANGE_IN_CAPACITY', 'CHANGE_IN_PERCENTAGE'] },
        ],
      },
      number: { type: 'Number', default: 1, required: false, updatable: false },
      min_step: { type: 'Integer', default: 1, required: false, updatable: false },
      best_effort: { type: 'Boolean', default: false, required: false, updatable: false },
      cooldown: { type: 'Integer', default: 0, required: false, updatable: false },
    },
  },
};

describe('senlin.policy.scaling-1.0 properties', () => {
  it("renders Senlin's schema, with a description for every item", () => {
    const shown = renderSchema(scalingPolicy.properties);
    expect(withoutDescriptions(shown)).toEqual(SENLIN_SCHEMA);
    const descriptions = JSON.stringify(shown).match(/"description":"[^"]+"/g) ?? [];
    expect(descriptions).toHaveLength(7);
  });

  it("fills in Senlin's defaults", () => {
    expect(validate({ event: 'CLUSTER_SCALE_IN', adjustment: {} })).toEqual({
      event: 'CLUSTER_SCALE_IN',
      adjustment: { type: 'CHANGE_IN_CAPACITY', number: 1, min_step: 1, best_effort: false, cooldown: 0 },
    });
    expect(
      validate({
        event: 'CLUSTER_SCALE_OUT',
        adjustment: { type: 'CHANGE_IN_PERCENTAGE', number: '12.5', best_effort: 'yes' },
      }),
    ).toMatchObject({ adjustment: { type: 'CHANGE_IN_PERCENTAGE', number: 12.5, best_effort: true } });
  });

  it.each([
    [{}, 'event', "Required spec item 'event' not provided"],
    [
      { event: 'CLUSTER_RESIZE' },
      'event',
      "'CLUSTER_RESIZE' must be one of the allowed values: CLUSTER_SCALE_IN, CLUSTER_SCALE_OUT (spec item 'event')",
    ],
    [
      { event: 'CLUSTER_SCALE_IN', adjustment: { type: 'ALL' } },
      'adjustment.type',
      "'ALL' must be one of the allowed values: EXACT_CAPACITY, CHANGE_IN_CAPACITY, CHANGE_IN_PERCENTAGE (spec item 'adjustment.type')",
    ],
    [
      { event: 'CLUSTER_SCALE_IN', adjustment: { number: 0 } },
      'adjustment.number',
      "the 'number' for 'adjustment' must be > 0",
    ],
    [
      { event: 'CLUSTER_SCALE_IN', adjustment: { number: -2.5 } },
      'adjustment.number',
      "the 'number' for 'adjustment' must be > 0",
    ],
    [
      { event: 'CLUSTER_SCALE_IN', adjustment: { min_step: -1 } },
      'adjustment.min_step',
      "the 'min_step' for 'adjustment' must be >= 0",
    ],
    [
      { event: 'CLUSTER_SCALE_IN', adjustment: { cooldown: -1 } },
      'adjustment.cooldown',
      "the 'cooldown' for 'adjustment' must be >= 0",
    ],
    [
      { event: 'CLUSTER_SCALE_IN', adjustment: { cooldown: 'soon' } },
      'adjustment.cooldown',
      "The value 'soon' is not a valid Integer (spec item 'adjustment.cooldown')",
    ],
  ])('refuses %j', (properties, path, reason) => {
    expect(specError(() => validate(properties))).toEqual({ path, reason });
  });

  it('accepts a spec without adjustment, and a min_step and cooldown of 0', () => {
    expect(validate({ event: 'CLUSTER_SCALE_OUT' })).toEqual({ event: 'CLUSTER_SCALE_OUT' });
    expect(validate({ event: 'CLUSTER_SCALE_OUT', adjustment: { min_step: 0, cooldown: 0 } })).toMatchObject({
      adjustment: { min_step: 0, cooldown: 0 },
    });
  });
});
