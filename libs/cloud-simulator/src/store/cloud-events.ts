import type { Caller } from './identity-state';
import type { RegionState } from './region-state';
import type { Server, Stack, VmState } from './resources';

/**
 * A Nova action whose `instance.<action>.end` notification goes out when the server's transition
 * lands (`instance.create.error` instead when a build fails).
 */
export type InstanceAction =
  'create' | 'reboot' | 'rebuild' | 'power_off' | 'power_on' | 'pause' | 'unpause' | 'suspend' | 'resume';

/**
 * What the simulated cloud tells the outside about its servers and stacks. The store holds one
 * only when notifications are configured, so each call site is a single null check otherwise.
 * `by` is who asked for the change (the notification's request context); null means the service
 * acted on its own, with an admin context that names no user or project.
 */
export interface CloudEvents {
  /** A server's action finished (or its build failed) at `at`. */
  serverAction(region: RegionState, server: Server, action: InstanceAction, at: number, by: Caller | null): void;
  /** A server was removed: Nova's shutdown (when it had a host) and delete notifications. */
  serverDeleted(region: RegionState, server: Server, at: number, by: Caller | null): void;
  /** A server's vm_state was changed without an action (the admin API forcing a status). */
  serverStateChanged(
    region: RegionState,
    server: Server,
    before: { vmState: VmState; taskState: string | null },
    at: number,
  ): void;
  /** A stack's action reached COMPLETE or FAILED (a stack that vanished counts as DELETE_COMPLETE). */
  stackSettled(region: RegionState, stack: Stack, at: number): void;
}
