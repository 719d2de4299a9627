import { ClusterAddNodesHandler } from './cluster/cluster-add-nodes.handler';
import { ClusterAttachPolicyHandler } from './cluster/cluster-attach-policy.handler';
import { ClusterDetachPolicyHandler } from './cluster/cluster-detach-policy.handler';
import { ClusterUpdatePolicyHandler } from './cluster/cluster-update-policy.handler';
import { PolicyBindings } from './cluster/policy-bindings';
import { ClusterCheckHandler } from './cluster/cluster-check.handler';
import { ClusterCreateHandler } from './cluster/cluster-create.handler';
import { ClusterDelNodesHandler } from './cluster/cluster-del-nodes.handler';
import { ClusterDeleteHandler } from './cluster/cluster-delete.handler';
import { ClusterOperationHandler } from './cluster/cluster-operation.handler';
import { ClusterRecoverHandler } from './cluster/cluster-recover.handler';
import { ClusterReplaceNodesHandler } from './cluster/cluster-replace-nodes.handler';
import { ClusterResizeHandler } from './cluster/cluster-resize.handler';
import { ClusterScaleInHandler } from './cluster/cluster-scale-in.handler';
import { ClusterScaleOutHandler } from './cluster/cluster-scale-out.handler';
import { ClusterUpdateHandler } from './cluster/cluster-update.handler';
import { Membership } from './cluster/membership';
import { MembershipPlanner } from './cluster/membership-plan';
import { NodeCheckHandler } from './node/node-check.handler';
import { NodeCreateHandler } from './node/node-create.handler';
import { NodeDeleteHandler } from './node/node-delete.handler';
import { NodeJoinHandler } from './node/node-join.handler';
import { NodeLeaveHandler } from './node/node-leave.handler';
import { NodeOperationHandler } from './node/node-operation.handler';
import { NodeRecoverHandler } from './node/node-recover.handler';
import { NodeUpdateHandler } from './node/node-update.handler';

/** Every action handler; the registry checks at boot that each action name has exactly one. */
export const ACTION_HANDLERS = [
  ClusterCreateHandler,
  ClusterDeleteHandler,
  ClusterUpdateHandler,
  ClusterAddNodesHandler,
  ClusterDelNodesHandler,
  ClusterReplaceNodesHandler,
  ClusterResizeHandler,
  ClusterScaleOutHandler,
  ClusterScaleInHandler,
  ClusterCheckHandler,
  ClusterRecoverHandler,
  ClusterOperationHandler,
  ClusterAttachPolicyHandler,
  ClusterDetachPolicyHandler,
  ClusterUpdatePolicyHandler,
  NodeCreateHandler,
  NodeDeleteHandler,
  NodeUpdateHandler,
  NodeJoinHandler,
  NodeLeaveHandler,
  NodeCheckHandler,
  NodeRecoverHandler,
  NodeOperationHandler,
];

/** Helpers the handlers share. */
export const ACTION_HELPERS = [Membership, MembershipPlanner, PolicyBindings];
