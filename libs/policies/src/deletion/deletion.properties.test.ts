import { renderSchema } from '@grove/core';
import { PolicyRegistry } from '../registry';
import { specError, withoutDescriptions } from '../test-support';
import { deletionPolicy } from './deletion.policy';

const registry = new PolicyRegistry([deletionPolicy as never]);
const validate = (properties: Record<string, unknown>, version = '1.1') =>
  registry.validate({ type: 'senlin.policy.deletion', version, properties }).properties;

const plain = (type: string, dflt: unknown) => ({ type, default: dflt, required: false, updatable: false });

// What Senlin 14's DeletionPolicy.get_schema() renders, descriptions left out.
const SENLIN_SCHEMA = {
  criteria: {
    ...plain('String', 'RANDOM'),
    constraints: [
      { type: 'AllowedValues', constraint: ['OLDEST_FIRST', 'OLDEST_PROFILE_FIRST', 'YOUNGEST_FIRST', 'RANDOM'] },
    ],
  },
  destroy_after_deletion: plain('Boolean', true),
  grace_period: plain('Integer', 0),
  reduce_desired_capacity: plain('Boolean', true),
  hooks: {
    ...plain('Map', {}),
    schema: {
      type: { ...plain('String', 'zaqar'), constraints: [{ type: 'AllowedValues', constraint: ['zaqar', 'webhook'] }] },
      params: { ...plain('Map', {}), schema: { queue: plain('String', ''), url: plain('String', '') } },
      timeout: plain('Integer', 0),
    },
  },
};

describe('senlin.policy.deletion properties', () => {
  it("renders Senlin's schema", () => {
    expect(withoutDescriptions(renderSchema(deletionPolicy.properties))).toEqual(SENLIN_SCHEMA);
  });

  it("fills in Senlin's defaults, hooks staying empty unless given", () => {
    const defaults = {
      criteria: 'RANDOM',
      destroy_after_deletion: true,
      grace_period: 0,
      reduce_desired_capacity: true,
      hooks: {},
    };
    expect(validate({})).toEqual(defaults);
    expect(validate({}, '1.0')).toEqual(defaults);
    expect(validate({ hooks: { type: 'webhook' } }).hooks).toEqual({ type: 'webhook', params: {}, timeout: 0 });
    expect(validate({ hooks: { params: { queue: 'q1' }, timeout: '30' } }).hooks).toEqual({
      type: 'zaqar',
      params: { queue: 'q1', url: '' },
      timeout: 30,
    });
  });

  it('takes the newest property set under either version, as Senlin does', () => {
    expect(validate({ hooks: { type: 'zaqar' } }, '1.0').hooks).toMatchObject({ type: 'zaqar' });
  });

  it.each([
    [{ criteria: 'BIGGEST_FIRST' }, 'criteria'],
    [{ hooks: { type: 'sqs' } }, 'hooks.type'],
    [{ hooks: { params: { topic: 'x' } } }, 'hooks.params.topic'],
    [{ grace_period: 'later' }, 'grace_period'],
  ])('refuses %j, naming the item', (properties, path) => {
    expect(specError(() => validate(properties))?.path).toBe(path);
  });
});
