import { allow, definePolicyType } from '../policy-type';
import { updatePlan } from './batch-plan';
import { BATCH_PROPERTIES, checkBatchProperties, type BatchProps } from './batch.properties';

/** Updates a cluster's nodes in batches, keeping some in service, with a pause between batches. */
export const batchPolicy = definePolicyType<BatchProps>({
  name: 'senlin.policy.batch',
  versions: ['1.0'],
  supportStatus: { '1.0': [{ status: 'EXPERIMENTAL', since: '2017.02' }] },
  priority: 200,
  profileTypes: 'ANY',
  singleton: true,
  className: 'BatchPolicy',
  targets: { before: ['CLUSTER_UPDATE'] },
  properties: BATCH_PROPERTIES,
  checkProperties: checkBatchProperties,

  before: (ctx) => allow({ update: updatePlan(ctx.props, ctx.cluster.members) }),
});
