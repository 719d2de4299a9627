import { defineProfileType, ProfileError, type ProfileType } from '../profile-type';
import { adoptStack } from './adopt-stack';
import { recreateOnly } from '../recreate';
import {
  checkHeatStackProperties,
  HEAT_STACK_OPERATIONS,
  HEAT_STACK_PROPERTIES,
  type HeatStackProps,
} from './heat-stack.properties';
import {
  abandonStack,
  checkStack,
  createStack,
  deleteStack,
  findStacks,
  retagStack,
  stackDetailsOf,
  updateStack,
  validateStackSpec,
} from './stack-lifecycle';

/** A node is one Heat stack, made from the profile's template. */
export const heatStackProfile: ProfileType<HeatStackProps> = defineProfileType<HeatStackProps>({
  name: 'os.heat.stack',
  version: '1.0',
  supportStatus: {
    '1.0': [{ status: 'SUPPORTED', since: '2016.04' }],
  },
  properties: HEAT_STACK_PROPERTIES,
  operations: HEAT_STACK_OPERATIONS,

  checkProperties: checkHeatStackProperties,
  validateInCloud: validateStackSpec,
  create: createStack,
  findCreated: (ctx, node) => findStacks(ctx, node),
  delete: (ctx, node, props) => deleteStack(ctx, node, props),
  update: updateStack,
  check: checkStack,
  details: (ctx, node) => stackDetailsOf(ctx, node),
  join: (ctx, node, props, clusterId, index) => retagStack(ctx, { ...node, clusterId, index }, props),
  leave: (ctx, node, props) => retagStack(ctx, { ...node, clusterId: null, index: -1 }, props),
  adopt: adoptStack,
  async operation(ctx, node, _props, name) {
    if (name !== 'abandon') {
      throw new ProfileError(
        `The requested operation '${name}' is not supported by the profile type 'os.heat.stack-1.0'.`,
      );
    }
    await abandonStack(ctx, node);
  },
  recover: (ctx, node, props, req) => recreateOnly(heatStackProfile, ctx, node, props, req),
});
