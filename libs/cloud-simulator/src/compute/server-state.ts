import { conflict, notFound } from '../http/api-error';
import type { RegionApi } from '../http/api-context';
import { deletePort, detachPort } from '../network/port-allocation';
import type { Caller } from '../store/identity-state';
import type { RegionState } from '../store/region-state';
import type { Server, ServerGroup, ServerTransition, VmState } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';

/** Nova's status for a vm_state and task_state (nova/api/openstack/common.py). */
const STATUS: Record<VmState, { default: string } & Record<string, string>> = {
  active: {
    default: 'ACTIVE',
    rebooting: 'REBOOT',
    reboot_pending: 'REBOOT',
    reboot_started: 'REBOOT',
    rebooting_hard: 'HARD_REBOOT',
    reboot_pending_hard: 'HARD_REBOOT',
    reboot_started_hard: 'HARD_REBOOT',
    updating_password: 'PASSWORD',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
    migrating: 'MIGRATING',
    resize_prep: 'RESIZE',
    resize_migrating: 'RESIZE',
    resize_migrated: 'RESIZE',
    resize_finish: 'RESIZE',
  },
  building: { default: 'BUILD' },
  stopped: {
    default: 'SHUTOFF',
    resize_prep: 'RESIZE',
    resize_migrating: 'RESIZE',
    resize_migrated: 'RESIZE',
    resize_finish: 'RESIZE',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
  },
  resized: { default: 'VERIFY_RESIZE', resize_reverting: 'REVERT_RESIZE' },
  paused: { default: 'PAUSED', migrating: 'MIGRATING' },
  suspended: { default: 'SUSPENDED' },
  rescued: { default: 'RESCUE' },
  error: {
    default: 'ERROR',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
  },
};

export const statusOf = (s: Pick<Server, 'vmState' | 'taskState'>): string => {
  const map = STATUS[s.vmState];
  return (s.taskState && map[s.taskState]) || map.default;
};

/**
 * The `simulated_wait_time` (seconds) in a server's metadata or a container's labels, which
 * Senlin's test cloud honours, as milliseconds; `fallback` when absent or not a number.
 */
export function simulatedWaitMs(meta: Record<string, unknown> | undefined, fallback: number): number {
  const raw = meta?.simulated_wait_time;
  if (raw === undefined || raw === null || raw === '') return fallback;
  const s = Number(raw);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : fallback;
}

/**
 * Brings a server up to date: a transition whose time has come is applied (at its own time, so
 * `updated` is exact), and a server whose delete time has passed is removed. Status is computed
 * here, on read, rather than by timers: a thousand building servers cost nothing until looked at.
 * Returns null when the server is gone.
 */
export function settleServer(store: SimulatorStore, region: RegionState, s: Server, now: number): Server | null {
  if (s.deleteAt !== null && now >= s.deleteAt) {
    destroyServer(store, region, s, s.deleteAt, s.deleteRequestedBy ?? null);
    return null;
  }
  const p = s.pending;
  if (p && now >= p.at) {
    s.pending = null;
    s.vmState = p.vmState;
    s.powerState = p.powerState;
    s.taskState = null;
    if (p.fault) s.fault = p.fault;
    s.updated = p.at;
    p.apply?.(s);
    if (s.vmState === 'active' && s.launchedAt === null) s.launchedAt = p.at;
    if (p.action) store.events?.serverAction(region, s, p.action, p.at, p.requestedBy ?? null);
  }
  return s;
}

/** Starts a task: the server shows `taskState` now and becomes `to` after `durationMs`. */
export function beginTask(
  s: Server,
  taskState: string | null,
  now: number,
  durationMs: number,
  to: Omit<ServerTransition, 'at'>,
): void {
  s.taskState = taskState;
  s.updated = now;
  s.pending = { at: now + durationMs, ...to };
}

/** Starts deleting for `by`: the server shows task_state `deleting` until it disappears after `durationMs`. */
export function beginDelete(s: Server, now: number, durationMs: number, by: Caller | null): void {
  s.pending = null;
  s.taskState = 'deleting';
  s.updated = now;
  s.deleteAt = now + durationMs;
  s.deleteRequestedBy = by;
}

/** Removes a server that was deleted (by `by`, or behind everyone's back when null), and says so. */
export function destroyServer(
  store: SimulatorStore,
  region: RegionState,
  s: Server,
  now: number,
  by: Caller | null,
): void {
  removeServer(store, region, s, now);
  store.events?.serverDeleted(region, s, now, by);
}

/**
 * Removes a server at once, silently: ports Nova made are deleted, given ports detached, and the
 * Docker host on its address goes with it.
 */
export function removeServer(store: SimulatorStore, region: RegionState, s: Server, now: number): void {
  region.dropServer(s);
  releaseNetwork(store, region, s, now);
  store.dockerHosts.delete(s.id);
}

/** What Nova does with a server's interfaces when it is deleted or its build fails. */
export function releaseNetwork(store: SimulatorStore, region: RegionState, s: Server, now: number): void {
  for (const sp of s.ports) {
    const port = region.ports.get(sp.portId);
    if (!port || port.deviceId !== s.id) continue;
    if (sp.ownedByNova) deletePort(store, region, port, now);
    else detachPort(port, now);
  }
  s.ports = [];
}

/** The server if it exists (after settling) and the caller may see it; Nova's 404 otherwise. */
export function findServer(store: SimulatorStore, api: RegionApi, id: string, now = Date.now()): Server {
  const s = api.region.servers.get(id);
  const live = s && settleServer(store, api.region, s, now);
  if (!live || (live.projectId !== api.caller.project.id && !api.caller.isAdmin)) {
    throw notFound(`Instance ${id} could not be found.`);
  }
  return live;
}

/** A server group by id in the caller's project (any project for an admin), as Nova's lookup filters it. */
export function findServerGroup(region: RegionState, api: Pick<RegionApi, 'caller'>, id: string): ServerGroup | null {
  const g = region.serverGroups.get(id);
  return g && (api.caller.isAdmin || g.projectId === api.caller.project.id) ? g : null;
}

/** Nova's 409 for an action the server's state forbids. */
export const invalidState = (action: string, s: Server, attr: 'vm_state' | 'task_state') =>
  conflict(
    `Cannot '${action}' instance ${s.id} while it is in ${attr} ${attr === 'vm_state' ? s.vmState : String(s.taskState)}`,
  );

/**
 * Nova's check_instance_state: the vm_state must be one of `vmStates` (any when null) and the
 * server must have no task running (unless `anyTask`).
 */
export function requireState(
  action: string,
  s: Server,
  vmStates: VmState[] | null,
  o: { anyTask?: boolean } = {},
): void {
  if (vmStates && !vmStates.includes(s.vmState)) throw invalidState(action, s, 'vm_state');
  if (!o.anyTask && s.taskState !== null) throw invalidState(action, s, 'task_state');
}

/** Nova's check_instance_lock: a locked server refuses changes, except from an admin. */
export function requireUnlocked(s: Server, isAdmin: boolean): void {
  if (s.locked && !isAdmin) throw conflict(`Instance ${s.id} is locked`);
}
