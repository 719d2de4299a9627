import { destroyServer, settleServer } from '../compute/server-state';
import { badRequest, notFound } from '../http/api-error';
import { removeListener, removeLoadBalancer, removePool } from '../load-balancer/lb-lifecycle';
import { deletePort } from '../network/port-allocation';
import { settleStack } from '../orchestration/stack-lifecycle';
import type { FailNextRequest, FailNextRule } from '../store/fail-next';
import { applyKnobs, type KnobsPatch, type SimulatorKnobs } from '../store/knobs';
import type { RegionState } from '../store/region-state';
import type { RequestStats } from '../store/request-stats';
import type { InstanceAction } from '../store/cloud-events';
import { POWER, type Server, type Stack, type StackAction, type VmState } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';
import {
  listResources,
  RESOURCE_TYPES,
  systemApi,
  toServerListing,
  toStackListing,
  type ResourceFilter,
  type ResourceListing,
  type ResourceType,
  type ServerListing,
  type StackListing,
} from './resource-listing';

/** The statuses the admin API can force on a server, with the vm_state and power_state behind each. */
const FORCED = {
  ACTIVE: { vmState: 'active', powerState: POWER.RUNNING },
  ERROR: { vmState: 'error', powerState: POWER.NOSTATE },
  SHUTOFF: { vmState: 'stopped', powerState: POWER.SHUTDOWN },
  PAUSED: { vmState: 'paused', powerState: POWER.PAUSED },
  SUSPENDED: { vmState: 'suspended', powerState: POWER.SUSPENDED },
  RESCUE: { vmState: 'rescued', powerState: POWER.RUNNING },
  VERIFY_RESIZE: { vmState: 'resized', powerState: POWER.RUNNING },
  BUILD: { vmState: 'building', powerState: POWER.NOSTATE, taskState: 'spawning' },
} satisfies Record<string, { vmState: VmState; powerState: number; taskState?: string }>;
export type ForcedServerStatus = keyof typeof FORCED;

/**
 * What Nova announces when it finds a server in a forced state: the power-state sync stops a VM
 * found shut off; a VM found paused or suspended is reported as if the action had been asked for.
 */
const FORCED_ACTIONS: Partial<Record<ForcedServerStatus, InstanceAction>> = {
  SHUTOFF: 'power_off',
  PAUSED: 'pause',
  SUSPENDED: 'suspend',
};

/** The stack states the admin API can force: any action's end, except DELETE_COMPLETE (that is a vanish). */
const FORCED_STACK_ACTIONS: readonly StackAction[] = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'CHECK',
  'SUSPEND',
  'RESUME',
  'ROLLBACK',
];
export type ForcedStackStatus = `${StackAction}_${'COMPLETE' | 'FAILED'}`;

export interface HypervisorPatch {
  state?: 'up' | 'down';
  status?: 'enabled' | 'disabled';
  disabled_reason?: string | null;
}

export interface HypervisorListing {
  id: number;
  hypervisor_hostname: string;
  region: string;
  availability_zone: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
}

/**
 * The admin API's operations, in-process: what `/admin/...` does over HTTP, for tests and
 * benchmarks that start the simulator themselves.
 */
export interface SimulatorAdmin {
  config(): SimulatorKnobs;
  /** Changes the given knobs (PATCH semantics); `services.<name>: null` drops that service's overrides. */
  updateConfig(patch: KnobsPatch): SimulatorKnobs;
  /** Replaces all knobs; unset ones go back to their defaults (PUT semantics). */
  replaceConfig(config: KnobsPatch): SimulatorKnobs;
  failNext(rule: FailNextRequest): FailNextRule;
  failNextRules(): FailNextRule[];
  clearFailNext(): void;
  /** Back to the seed, knobs to defaults; tokens stay valid. */
  reset(): void;
  resources(filter?: ResourceFilter): ResourceListing;
  /** Breaks (or mends) a server behind its owner's back. */
  setServerStatus(id: string, status: ForcedServerStatus, o?: { fault?: string }): ServerListing;
  /** Ends a stack's action with the given state behind its owner's back (`UPDATE_FAILED`, `CHECK_COMPLETE`…). */
  setStackStatus(id: string, status: ForcedStackStatus, o?: { reason?: string }): StackListing;
  /** Makes a resource disappear at once, without its owner being told. */
  vanish(type: ResourceType, id: string): void;
  stats(): RequestStats;
  resetStats(): void;
  hypervisors(): HypervisorListing[];
  setHypervisor(name: string, patch: HypervisorPatch): HypervisorListing;
  /** Stores a template that Heat's template_url may point at (`<url>/admin/templates/<name>`). */
  putTemplate(name: string, template: unknown): void;
  template(name: string): unknown;
}

export class AdminOperations implements SimulatorAdmin {
  constructor(private readonly store: SimulatorStore) {}

  config(): SimulatorKnobs {
    return structuredClone(this.store.knobs);
  }

  updateConfig(patch: KnobsPatch): SimulatorKnobs {
    this.store.knobs = applyKnobs(this.store.knobs, patch);
    return this.config();
  }

  replaceConfig(config: KnobsPatch): SimulatorKnobs {
    this.store.knobs = applyKnobs(this.store.knobs, config, true);
    return this.config();
  }

  failNext(rule: FailNextRequest): FailNextRule {
    return this.store.failNext.add(rule);
  }

  failNextRules(): FailNextRule[] {
    return this.store.failNext.list();
  }

  clearFailNext(): void {
    this.store.failNext.clear();
  }

  reset(): void {
    this.store.reset();
  }

  resources(filter: ResourceFilter = {}): ResourceListing {
    return listResources(this.store, filter);
  }

  private findServer(id: string): { region: RegionState; server: Server } {
    for (const region of this.store.regions.values()) {
      const raw = region.servers.get(id);
      const server = raw && settleServer(this.store, region, raw, Date.now());
      if (server) return { region, server };
    }
    throw notFound(`No server has id ${id}`);
  }

  setServerStatus(id: string, status: ForcedServerStatus, o: { fault?: string } = {}): ServerListing {
    if (!Object.hasOwn(FORCED, status)) throw badRequest(`status must be one of ${Object.keys(FORCED).join(', ')}`);
    const to: { vmState: VmState; powerState: number; taskState?: string } = FORCED[status];
    const { region, server } = this.findServer(id);
    const now = Date.now();
    const before = { vmState: server.vmState, taskState: server.taskState };
    server.pending = null;
    server.deleteAt = null;
    server.vmState = to.vmState;
    server.powerState = to.powerState;
    server.taskState = to.taskState ?? null;
    server.updated = now;
    if (status === 'ERROR')
      server.fault = {
        code: 500,
        message: o.fault ?? 'Simulated failure (status set through the simulator admin API)',
        created: now,
      };
    if (to.vmState === 'active' && server.launchedAt === null) server.launchedAt = now;
    this.store.events?.serverStateChanged(region, server, before, now);
    const action = FORCED_ACTIONS[status];
    if (action) this.store.events?.serverAction(region, server, action, now, null);
    return toServerListing(region, server);
  }

  setStackStatus(id: string, status: ForcedStackStatus, o: { reason?: string } = {}): StackListing {
    const [action, result] = String(status).split(/_(?=COMPLETE$|FAILED$)/) as [StackAction, 'COMPLETE' | 'FAILED'];
    if (!FORCED_STACK_ACTIONS.includes(action) || !result || status === 'DELETE_COMPLETE') {
      const allowed = FORCED_STACK_ACTIONS.flatMap((a) => [`${a}_COMPLETE`, `${a}_FAILED`]);
      throw badRequest(`status must be one of ${allowed.filter((x) => x !== 'DELETE_COMPLETE').join(', ')}`);
    }
    const { region, stack } = this.findStack(id);
    const now = Date.now();
    stack.action = action;
    stack.status = result;
    stack.statusReason =
      o.reason ??
      (result === 'FAILED'
        ? 'Simulated failure (status set through the simulator admin API)'
        : `Stack ${action} completed successfully`);
    stack.failure = null;
    if (action !== 'CREATE' && action !== 'DELETE') stack.updated = now;
    this.store.events?.stackSettled(region, stack, now);
    return toStackListing(region, stack);
  }

  private findStack(id: string): { region: RegionState; stack: Stack } {
    for (const region of this.store.regions.values()) {
      const raw = region.stacks.get(id);
      const stack = raw && settleStack(this.store, systemApi(this.store, region), raw);
      if (stack) return { region, stack };
    }
    throw notFound(`No stack has id ${id}`);
  }

  vanish(type: ResourceType, id: string): void {
    if (!(RESOURCE_TYPES as readonly string[]).includes(type))
      throw badRequest(`type must be one of ${RESOURCE_TYPES.join(', ')}`);
    const now = Date.now();
    const store = this.store;
    switch (type) {
      case 'servers': {
        const { region, server } = this.findServer(id);
        destroyServer(store, region, server, now, null);
        return;
      }
      case 'stacks':
        for (const region of store.regions.values()) {
          const stack = region.stacks.get(id);
          if (!stack) continue;
          // A stack that vanishes takes what it made with it, as if deleted out of band.
          for (const res of stack.resources.values()) {
            const server = region.servers.get(res.physicalId);
            if (server) destroyServer(store, region, server, now, null);
            const port = region.ports.get(res.physicalId);
            if (port) deletePort(store, region, port, now);
          }
          region.forgetStack(stack);
          vanished(stack, now);
          store.events?.stackSettled(region, stack, now);
          return;
        }
        break;
      case 'containers':
        for (const host of store.dockerHosts.values()) {
          const c = host.containers.get(id);
          if (!c) continue;
          host.containers.delete(id);
          host.names.delete(c.name);
          return;
        }
        break;
      case 'ports':
        for (const region of store.regions.values()) {
          const port = region.ports.get(id);
          if (!port) continue;
          const server = port.deviceId ? region.servers.get(port.deviceId) : undefined;
          if (server) server.ports = server.ports.filter((sp) => sp.portId !== id);
          deletePort(store, region, port, now);
          return;
        }
        break;
      case 'floatingips':
        for (const region of store.regions.values()) {
          const fip = region.floatingIps.get(id);
          if (!fip) continue;
          region.floatingIps.delete(id);
          store.pool(region.subnets.get(fip.subnetId)!.cidr).release(fip.floatingIpAddress);
          store.addressOwners.delete(fip.floatingIpAddress);
          return;
        }
        break;
      case 'servergroups':
        for (const region of store.regions.values()) {
          const g = region.serverGroups.get(id);
          if (!g) continue;
          region.serverGroups.delete(id);
          for (const sid of g.members) {
            const s = region.servers.get(sid);
            if (s?.groupId === id) s.groupId = null;
          }
          return;
        }
        break;
      // Load-balancer objects vanish with what hangs under them; their load balancer is left as it was.
      case 'loadbalancers':
        for (const region of store.regions.values()) {
          const lb = region.loadBalancers.get(id);
          if (lb) return removeLoadBalancer(store, region, lb, now);
        }
        break;
      case 'listeners':
        for (const region of store.regions.values()) if (region.listeners.has(id)) return removeListener(region, id);
        break;
      case 'pools':
        for (const region of store.regions.values()) {
          const pool = region.lbPools.get(id);
          if (pool) return removePool(region, pool);
        }
        break;
      case 'members':
        for (const region of store.regions.values()) if (region.lbMembers.delete(id)) return;
        break;
      case 'healthmonitors':
        for (const region of store.regions.values()) {
          const hm = region.healthMonitors.get(id);
          if (!hm) continue;
          region.healthMonitors.delete(id);
          const pool = region.lbPools.get(hm.poolId);
          if (pool) pool.healthMonitorId = null;
          return;
        }
        break;
      case 'keypairs': {
        let found = false;
        for (const region of store.regions.values()) {
          for (const [key, kp] of region.keypairs) {
            if (kp.name === id) {
              region.keypairs.delete(key);
              found = true;
            }
          }
        }
        if (found) return;
        break;
      }
    }
    throw notFound(`No ${type.replace(/s$/, '')} has id ${id}`);
  }

  stats(): RequestStats {
    return this.store.stats.snapshot();
  }

  resetStats(): void {
    this.store.stats.reset();
  }

  hypervisors(): HypervisorListing[] {
    return [...this.store.regions.values()].flatMap((region) =>
      [...region.hypervisors.values()].map((h) => ({
        id: h.id,
        hypervisor_hostname: h.hostname,
        region: region.name,
        availability_zone: h.zone,
        state: h.state,
        status: h.status,
        disabled_reason: h.disabledReason,
      })),
    );
  }

  setHypervisor(name: string, patch: HypervisorPatch): HypervisorListing {
    if (typeof patch !== 'object' || patch === null) throw badRequest('The body must be a JSON object');
    if (patch.state !== undefined && patch.state !== 'up' && patch.state !== 'down')
      throw badRequest("state must be 'up' or 'down'");
    if (patch.status !== undefined && patch.status !== 'enabled' && patch.status !== 'disabled')
      throw badRequest("status must be 'enabled' or 'disabled'");
    for (const region of this.store.regions.values()) {
      const h = region.hypervisors.get(name);
      if (!h) continue;
      if (patch.state) h.state = patch.state;
      if (patch.status) h.status = patch.status;
      if (patch.disabled_reason !== undefined) h.disabledReason = patch.disabled_reason;
      else if (patch.status === 'enabled') h.disabledReason = null;
      h.updated = Date.now();
      return this.hypervisors().find((x) => x.hypervisor_hostname === name)!;
    }
    throw notFound(`No hypervisor is named ${name}`);
  }

  putTemplate(name: string, template: unknown): void {
    if (typeof template !== 'object' || template === null || Array.isArray(template))
      throw badRequest('A template document must be a JSON object');
    this.store.templates.set(name, structuredClone(template));
  }

  template(name: string): unknown {
    const t = this.store.templates.get(name);
    if (t === undefined) throw notFound(`No template is named ${name}`);
    return structuredClone(t);
  }
}

/** A stack deleted out of band ends as Heat would show it once gone. */
function vanished(stack: Stack, now: number): void {
  stack.action = 'DELETE';
  stack.status = 'COMPLETE';
  stack.statusReason = 'Stack DELETE completed successfully';
  stack.deleted = now;
}
