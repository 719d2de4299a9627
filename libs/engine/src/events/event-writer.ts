import { EVENT_LEVELS, newId, type ActionPhase, type EventLevelName, type EventObjectType } from '@grove/core';
import type { ActionEntity, ClusterEntity, EventEntity, NodeEntity } from '@grove/db';

/** The object an event is about. */
export interface EventObject {
  id: string;
  name: string;
  type: EventObjectType;
  clusterId: string | null;
}

export const clusterObject = (c: Pick<ClusterEntity, 'id' | 'name'>): EventObject => ({
  id: c.id,
  name: c.name,
  type: 'CLUSTER',
  clusterId: c.id,
});

export const nodeObject = (n: Pick<NodeEntity, 'id' | 'name' | 'clusterId'>): EventObject => ({
  id: n.id,
  name: n.name,
  type: 'NODE',
  clusterId: n.clusterId,
});

/** The action name an event shows: the operation's name for *_OPERATION actions (as Senlin does). */
const eventActionName = (a: ActionEntity): string =>
  a.action.endsWith('_OPERATION') && typeof a.inputs.operation === 'string' ? a.inputs.operation : a.action;

let lastStamp = 0;

/**
 * Event times strictly increase within this process, so that the events of one action (which one
 * engine writes, often several in one millisecond) list in the order they happened.
 */
function stamp(): Date {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return new Date(lastStamp);
}

function event(a: ActionEntity, o: EventObject, status: string, reason: string, level: EventLevelName): EventEntity {
  return {
    id: newId(),
    timestamp: stamp(),
    oid: o.id,
    oname: o.name,
    otype: o.type,
    clusterId: o.clusterId,
    level: EVENT_LEVELS[level],
    userId: a.context.userId,
    project: a.project,
    action: eventActionName(a),
    status,
    statusReason: reason,
    metaData: {},
    actionId: a.id,
  };
}

/** Events users read: one when an action starts, one when it ends, one per status change of a node or cluster. */
export const events = {
  phase(a: ActionEntity, o: EventObject, phase: ActionPhase, reason: string): EventEntity {
    return event(a, o, phase, reason, phase === 'error' ? 'ERROR' : 'INFO');
  },
  /** `status` is the object's new status (Senlin stores the status when no phase is given). */
  status(a: ActionEntity, o: EventObject, status: string, reason: string): EventEntity {
    return event(a, o, status, reason, status === 'ERROR' ? 'ERROR' : status === 'WARNING' ? 'WARN' : 'INFO');
  },
};
