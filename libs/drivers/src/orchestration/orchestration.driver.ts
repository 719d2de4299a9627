import type { WaitOptions } from '../http/wait';

export interface Stack {
  id: string;
  name: string;
  /** CREATE_IN_PROGRESS, CREATE_COMPLETE, CREATE_FAILED, UPDATE_*, DELETE_*, CHECK_*, … */
  status: string;
  statusReason: string;
  outputs: Record<string, unknown>;
  tags: string[];
  parameters: Record<string, unknown>;
  raw: Record<string, unknown>;
}

export interface StackCreate {
  name: string;
  template?: Record<string, unknown>;
  templateUrl?: string;
  parameters?: Record<string, unknown>;
  files?: Record<string, unknown>;
  environment?: Record<string, unknown>;
  timeoutMins?: number;
  disableRollback?: boolean;
  tags?: string[];
}

export type StackUpdate = Partial<Omit<StackCreate, 'name'>> & {
  /** Parameters to reset to the template's defaults (a PATCH otherwise keeps every old value). */
  clearParameters?: string[];
};

/** One resource of a stack (or of a stack nested in it). */
export interface StackResource {
  name: string;
  /** e.g. OS::Nova::Server */
  type: string;
  /** The cloud resource's id; empty until it exists. */
  physicalId: string;
}

/** What a stack was made from, as Heat keeps it. */
export interface StackSources {
  template: Record<string, unknown>;
  environment: Record<string, unknown>;
  files: Record<string, unknown>;
}

/** Heat v1. Missing stacks are `null`; failures are CloudErrors. */
export interface OrchestrationDriver {
  createStack(req: StackCreate, signal?: AbortSignal): Promise<{ id: string }>;
  getStack(id: string, signal?: AbortSignal): Promise<Stack | null>;
  /** The stack's template, environment and files (Heat's `/template`, `/environment`, `/files`). */
  getStackSources(id: string, signal?: AbortSignal): Promise<StackSources | null>;
  /** The stack's resources, those of its nested stacks included; null when the stack is gone. */
  listStackResources(id: string, signal?: AbortSignal): Promise<StackResource[] | null>;
  /** Stacks carrying every one of `tags`. */
  listStacks(filter: { tags?: string[]; name?: string }, signal?: AbortSignal): Promise<Stack[]>;
  /** A PATCH update: what is not given stays as it is. */
  updateStack(id: string, patch: StackUpdate, signal?: AbortSignal): Promise<void>;
  /** A stack that is already gone is fine. */
  deleteStack(id: string, signal?: AbortSignal): Promise<void>;
  checkStack(id: string, signal?: AbortSignal): Promise<void>;
  /** Forgets the stack without deleting its resources; returns Heat's stack data. */
  abandonStack(id: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
  validateTemplate(
    req: Pick<StackCreate, 'template' | 'templateUrl' | 'files' | 'environment'>,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Waits for one of `wanted`; a *_FAILED status ends the wait with CloudResourceFailed. */
  waitForStack(id: string, wanted: readonly string[], o: WaitOptions): Promise<Stack>;
  waitForStackGone(id: string, o: WaitOptions): Promise<void>;
}
