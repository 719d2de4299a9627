import type { Logger } from '@grove/core';
import type { ActionEntity, ClusterEntity, NodeEntity } from '@grove/db';

/** Why a parent was woken before all its children ended, or why a running action must stop. */
export type Interrupt = 'cancel' | 'timeout' | null;

export interface ActionContext {
  readonly action: ActionEntity;
  /** Null on the first run; the step the handler named when it spawned children, on resume. */
  readonly step: string | null;
  /** On resume: the children of that step, as they ended (or still are, after an interrupt). */
  readonly children: readonly ActionEntity[];
  /** Set when the action must wind down: cancelled by the user, or past its deadline. */
  readonly interrupt: Interrupt;
  /** Aborts on cancel or at the deadline; hand it to every cloud call. */
  readonly signal: AbortSignal;
  readonly deadline: Date;
  readonly log: Logger;
  /** The engine running it now. */
  readonly engineId: string;
}

export interface ClusterActionContext extends ActionContext {
  /** Loaded after the cluster lock was taken. */
  readonly cluster: ClusterEntity;
}

export interface NodeActionContext extends ActionContext {
  /** Loaded after the node lock was taken. */
  readonly node: NodeEntity;
}
