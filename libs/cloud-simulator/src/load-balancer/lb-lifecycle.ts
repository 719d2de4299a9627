import type { RegionApi } from '../http/api-context';
import { deletePort } from '../network/port-allocation';
import type { RegionState } from '../store/region-state';
import type { LbMember, LbObject, LbPool, LoadBalancer, OperatingStatus, ProvisioningStatus } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';
import { immutable, lbNotFound, policyForbidden } from './octavia-input';

/**
 * Brings a load balancer up to date: a change whose time has come ends now (on read, as servers
 * settle), which may remove what was being deleted. Returns null once the load balancer is gone.
 */
export function settleLoadBalancer(region: RegionState, lb: LoadBalancer, now: number): LoadBalancer | null {
  const p = lb.pending;
  if (p && now >= p.at) {
    lb.pending = null;
    p.finish(p.at);
  }
  return region.loadBalancers.has(lb.id) ? lb : null;
}

/** Settles every load balancer of the region (before a listing). */
export function settleAll(region: RegionState, now: number): void {
  for (const lb of [...region.loadBalancers.values()]) settleLoadBalancer(region, lb, now);
}

/** Octavia answers 404 for what does not exist and 403 for another project's object. */
function authorize(api: RegionApi, o: LbObject): void {
  if (o.projectId !== api.caller.project.id && !api.caller.isAdmin) throw policyForbidden();
}

export function findLoadBalancer(api: RegionApi, id: string, now = Date.now()): LoadBalancer {
  const raw = api.region.loadBalancers.get(id);
  const lb = raw && settleLoadBalancer(api.region, raw, now);
  if (!lb) throw lbNotFound('Load Balancer', id);
  authorize(api, lb);
  return lb;
}

/** A listener, pool, member or health monitor, once its load balancer is up to date. */
export function findChild<T extends LbObject>(
  api: RegionApi,
  objects: Map<string, T>,
  kind: string,
  id: string,
  now = Date.now(),
): T {
  const raw = objects.get(id);
  const lb = raw && api.region.loadBalancers.get(raw.loadBalancerId);
  if (lb) settleLoadBalancer(api.region, lb, now);
  const o = objects.get(id);
  if (!o) throw lbNotFound(kind, id);
  authorize(api, o);
  return o;
}

/** Objects the caller may see: its project's, or everyone's for an admin (Octavia's global listing). */
export const visibleTo = <T extends LbObject>(api: RegionApi, objects: Iterable<T>): T[] =>
  [...objects].filter((o) => api.caller.isAdmin || o.projectId === api.caller.project.id);

/**
 * Octavia's test-and-set before any change under a load balancer: the pool the change touches
 * (members, health monitors) and the load balancer must both be ACTIVE. Only one change runs
 * per load balancer at a time; the others get 409 until it ends.
 */
export function requireMutable(lb: LoadBalancer, pool?: LbPool): void {
  if (pool && pool.provisioningStatus !== 'ACTIVE') throw immutable('Pool', pool.id);
  if (lb.provisioningStatus !== 'ACTIVE') throw immutable('Load Balancer', lb.id);
}

export interface LbChange {
  now: number;
  durationMs: number;
  /** The object being made, changed or deleted. */
  subject: LbObject;
  status: Extract<ProvisioningStatus, `PENDING_${string}`>;
  /** Objects above the subject (its pool, listener) that go PENDING_UPDATE with the load balancer. */
  parents?: LbObject[];
  /** Runs when the change ends, after every object involved is ACTIVE again (removes a deleted subject). */
  done?: (at: number) => void;
}

/**
 * Starts a change under `lb`, checked with requireMutable: the subject shows its PENDING_*
 * status, the load balancer and the parents PENDING_UPDATE; after `durationMs` they are ACTIVE.
 */
export function beginChange(lb: LoadBalancer, c: LbChange): void {
  const touched = [lb, ...(c.parents ?? [])];
  c.subject.provisioningStatus = c.status;
  if (c.status !== 'PENDING_CREATE') c.subject.updated = c.now;
  for (const t of touched) {
    t.provisioningStatus = 'PENDING_UPDATE';
    t.updated = c.now;
  }
  lb.pending = {
    at: c.now + c.durationMs,
    finish: (at) => {
      for (const t of [...touched, c.subject]) {
        t.provisioningStatus = 'ACTIVE';
        t.updated = at;
      }
      c.done?.(at);
    },
  };
}

/** A member's operating status once provisioned: with a health monitor, members are reported healthy. */
export const memberHealth = (m: LbMember, pool: LbPool): OperatingStatus =>
  !m.adminStateUp ? 'OFFLINE' : pool.healthMonitorId ? 'ONLINE' : 'NO_MONITOR';

/** A pool goes with its members and health monitor, and stops being its listener's default. */
export function removePool(region: RegionState, pool: LbPool): void {
  for (const m of [...region.lbMembers.values()]) if (m.poolId === pool.id) region.lbMembers.delete(m.id);
  if (pool.healthMonitorId) region.healthMonitors.delete(pool.healthMonitorId);
  const listener = pool.listenerId ? region.listeners.get(pool.listenerId) : undefined;
  if (listener?.defaultPoolId === pool.id) listener.defaultPoolId = null;
  region.lbPools.delete(pool.id);
}

/** A listener goes; its default pool stays on the load balancer. */
export function removeListener(region: RegionState, listenerId: string): void {
  for (const p of region.lbPools.values()) if (p.listenerId === listenerId) p.listenerId = null;
  region.listeners.delete(listenerId);
}

/** Everything under a load balancer, in the order a cascade delete removes it. */
export function childrenOf(region: RegionState, lbId: string): LbObject[] {
  const of = <T extends LbObject>(m: Map<string, T>) => [...m.values()].filter((o) => o.loadBalancerId === lbId);
  return [...of(region.healthMonitors), ...of(region.lbMembers), ...of(region.lbPools), ...of(region.listeners)];
}

/** The load balancer, everything under it, and its VIP port, at once. */
export function removeLoadBalancer(store: SimulatorStore, region: RegionState, lb: LoadBalancer, now: number): void {
  for (const p of [...region.lbPools.values()]) if (p.loadBalancerId === lb.id) removePool(region, p);
  for (const l of [...region.listeners.values()]) if (l.loadBalancerId === lb.id) region.listeners.delete(l.id);
  const port = region.ports.get(lb.vipPortId);
  if (port) deletePort(store, region, port, now);
  region.loadBalancers.delete(lb.id);
}
