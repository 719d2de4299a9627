import type { ActionInputs, ActionName, ClusterActionName, Logger, NodeActionName } from '@grove/core';
import type { ActionEntity, ClusterEntity, NodeEntity } from '@grove/db';

/** Why a parent was woken before all its children ended, or why a running action must stop. */
export type Interrupt = 'cancel' | 'timeout' | null;

/**
 * An action row whose `inputs` are typed by its name. The api and parent actions write inputs
 * per ActionInputs; the runner reads the row once as this type, so handlers never cast.
 */
export type TypedAction<N extends ActionName> = Omit<ActionEntity, 'action' | 'inputs'> & {
  action: N;
  inputs: ActionInputs[N];
};

/**
 * What a handler's step sees. `N` is the action's name (it types the inputs), `S` the handler's
 * step names: where it resumes after the children it spawned have ended.
 */
export interface ActionContext<N extends ActionName = ActionName, S extends string = string> {
  readonly action: TypedAction<N>;
  /** Null on the first run; the step the handler named when it spawned children, on resume. */
  readonly step: S | null;
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

export interface ClusterActionContext<
  N extends ClusterActionName = ClusterActionName,
  S extends string = string,
> extends ActionContext<N, S> {
  /** Loaded after the cluster lock was taken. */
  readonly cluster: ClusterEntity;
}

/** Node actions run in one step. */
export interface NodeActionContext<N extends NodeActionName = NodeActionName> extends ActionContext<N, never> {
  /** Loaded after the node lock was taken. */
  readonly node: NodeEntity;
}
