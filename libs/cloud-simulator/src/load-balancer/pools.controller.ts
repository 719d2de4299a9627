import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { newId } from '@grove/core';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { conflict } from '../http/api-error';
import type { NeutronQuery } from '../network/neutron-query';
import { networkVisible } from '../network/port-allocation';
import type { LbMember, LbPool, Listener, SessionPersistence } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import {
  beginChange,
  findChild,
  findLoadBalancer,
  memberHealth,
  removePool,
  requireMutable,
  settleAll,
  visibleTo,
} from './lb-lifecycle';
import { toMemberView, toPoolView } from './load-balancer.view';
import {
  address,
  choice,
  envelope,
  flag,
  integer,
  invalidInput,
  isObject,
  lbNotFound,
  text,
  uuid,
  validationFailure,
  type Body as Json,
} from './octavia-input';
import { OCTAVIA_BASE, octaviaList } from './octavia-query';

const POOL_PROTOCOLS = ['HTTP', 'HTTPS', 'PROXY', 'TCP', 'UDP'] as const;
const LB_ALGORITHMS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'] as const;
const PERSISTENCE_TYPES = ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'] as const;
/** Which pool protocols each listener protocol can send to (Octavia's VALID_LISTENER_POOL_PROTOCOL_MAP). */
const POOL_PROTOCOLS_OF: Record<string, readonly string[]> = {
  TCP: ['HTTP', 'HTTPS', 'PROXY', 'TCP'],
  HTTP: ['HTTP', 'PROXY'],
  HTTPS: ['HTTPS', 'PROXY', 'TCP'],
  TERMINATED_HTTPS: ['HTTP', 'PROXY'],
  UDP: ['UDP'],
};

function sessionPersistence(b: Json): SessionPersistence | null {
  const sp = b.session_persistence;
  if (sp === undefined || sp === null) return null;
  if (!isObject(sp)) throw invalidInput('session_persistence', JSON.stringify(sp), 'Value should be a dict');
  const type = choice(sp, 'type', PERSISTENCE_TYPES);
  const cookie = sp.cookie_name ?? null;
  if (cookie !== null && typeof cookie !== 'string')
    throw invalidInput('cookie_name', cookie, 'Value should be a string');
  if (cookie && type !== 'APP_COOKIE')
    throw validationFailure('Field "cookie_name" can only be specified with session persistence of type "APP_COOKIE".');
  if (type === 'APP_COOKIE' && !cookie)
    throw validationFailure(
      'Field "cookie_name" must be specified when using the "APP_COOKIE" session persistence type.',
    );
  return { type, cookie_name: cookie };
}

/**
 * Octavia v2 pools and their members. Each change holds the pool, its listener and its load
 * balancer PENDING_UPDATE for the action time; a member or pool being deleted is PENDING_DELETE
 * until then. Deleting a pool takes its members and health monitor with it.
 */
@Controller(OCTAVIA_BASE)
@UseGuards(TokenGuard)
export class PoolsController {
  constructor(private readonly store: SimulatorStore) {}

  private listenerOf(api: RegionApi, pool: LbPool): Listener[] {
    const l = pool.listenerId ? api.region.listeners.get(pool.listenerId) : undefined;
    return l ? [l] : [];
  }

  @Post('pools')
  @HttpCode(201)
  create(@Api() api: RegionApi, @Body() body: unknown) {
    const b = envelope(body, 'pool');
    const lbAlgorithm = choice(b, 'lb_algorithm', LB_ALGORITHMS);
    const protocol = choice(b, 'protocol', POOL_PROTOCOLS);
    const persistence = sessionPersistence(b);
    const lbId = uuid(b, 'loadbalancer_id');
    const listenerId = uuid(b, 'listener_id');
    const name = text(b, 'name');
    const description = text(b, 'description');
    const adminStateUp = flag(b, 'admin_state_up', true);
    let listener: Listener | null = null;
    if (listenerId) {
      listener = findChild(api, api.region.listeners, 'Listener', listenerId);
      if (!POOL_PROTOCOLS_OF[listener.protocol]?.includes(protocol))
        throw validationFailure(
          `The pool protocol '${protocol}' is invalid while the listener protocol is '${listener.protocol}'.`,
        );
    } else if (!lbId) {
      throw validationFailure('Must provide at least one of: loadbalancer_id, listener_id');
    }
    const lb = findLoadBalancer(api, lbId ?? listener!.loadBalancerId);
    if (listener && listener.loadBalancerId !== lb.id)
      throw validationFailure(`Listener ${listener.id} is not on Load Balancer ${lb.id}.`);
    if (listener?.defaultPoolId) throw conflict('This listener already has a default pool');
    requireMutable(lb);
    const now = Date.now();
    const pool: LbPool = {
      id: newId(),
      name,
      description,
      projectId: lb.projectId,
      adminStateUp,
      provisioningStatus: 'PENDING_CREATE',
      operatingStatus: 'OFFLINE',
      created: now,
      updated: null,
      loadBalancerId: lb.id,
      listenerId: listener?.id ?? null,
      protocol,
      lbAlgorithm,
      sessionPersistence: persistence,
      healthMonitorId: null,
    };
    api.region.lbPools.set(pool.id, pool);
    if (listener) listener.defaultPoolId = pool.id;
    beginChange(lb, {
      now,
      durationMs: this.store.knobs.action_time_ms,
      subject: pool,
      status: 'PENDING_CREATE',
      parents: listener ? [listener] : [],
      done: () => {
        pool.operatingStatus = adminStateUp ? 'ONLINE' : 'OFFLINE';
      },
    });
    return { pool: toPoolView(api.region, pool) };
  }

  @Get('pools')
  list(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    settleAll(api.region, Date.now());
    return octaviaList(api, 'pools', visibleTo(api, api.region.lbPools.values()), (p) => toPoolView(api.region, p), q, {
      loadbalancer_id: (p) => p.loadBalancerId,
      listener_id: (p) => p.listenerId,
    });
  }

  @Get('pools/:id')
  show(@Api() api: RegionApi, @Param('id') id: string) {
    return { pool: toPoolView(api.region, findChild(api, api.region.lbPools, 'Pool', id)) };
  }

  @Delete('pools/:id')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string): void {
    const pool = findChild(api, api.region.lbPools, 'Pool', id);
    const lb = findLoadBalancer(api, pool.loadBalancerId);
    requireMutable(lb);
    beginChange(lb, {
      now: Date.now(),
      durationMs: this.store.knobs.action_time_ms,
      subject: pool,
      status: 'PENDING_DELETE',
      parents: this.listenerOf(api, pool),
      done: () => removePool(api.region, pool),
    });
  }

  @Post('pools/:poolId/members')
  @HttpCode(201)
  createMember(@Api() api: RegionApi, @Param('poolId') poolId: string, @Body() body: unknown) {
    const pool = findChild(api, api.region.lbPools, 'Pool', poolId);
    const b = envelope(body, 'member');
    const ip = address(b, 'address', true)!;
    const protocolPort = integer(b, 'protocol_port', { min: 1, max: 65535 });
    const weight = integer(b, 'weight', { min: 0, max: 256, fallback: 1 });
    const subnetId = uuid(b, 'subnet_id');
    if (subnetId) {
      const subnet = api.region.subnets.get(subnetId);
      const network = subnet && api.region.networks.get(subnet.networkId);
      if (!network || !networkVisible(network, api.caller.project.id, api.caller.isAdmin))
        throw lbNotFound('Subnet', subnetId);
    }
    const name = text(b, 'name');
    const adminStateUp = flag(b, 'admin_state_up', true);
    const backup = flag(b, 'backup', false);
    const lb = findLoadBalancer(api, pool.loadBalancerId);
    requireMutable(lb, pool);
    for (const m of api.region.lbMembers.values()) {
      if (m.poolId === pool.id && m.address === ip && m.protocolPort === protocolPort)
        throw conflict(`Another member on this pool is already using ip ${ip} on protocol_port ${protocolPort}`);
    }
    const now = Date.now();
    const member: LbMember = {
      id: newId(),
      name,
      description: '',
      projectId: lb.projectId,
      adminStateUp,
      provisioningStatus: 'PENDING_CREATE',
      operatingStatus: pool.healthMonitorId ? 'OFFLINE' : 'NO_MONITOR',
      created: now,
      updated: null,
      loadBalancerId: lb.id,
      poolId: pool.id,
      address: ip,
      protocolPort,
      subnetId,
      weight,
      backup,
    };
    api.region.lbMembers.set(member.id, member);
    beginChange(lb, {
      now,
      durationMs: this.store.knobs.action_time_ms,
      subject: member,
      status: 'PENDING_CREATE',
      parents: [pool, ...this.listenerOf(api, pool)],
      done: () => {
        member.operatingStatus = memberHealth(member, pool);
      },
    });
    return { member: toMemberView(member) };
  }

  @Get('pools/:poolId/members')
  members(@Api() api: RegionApi, @Param('poolId') poolId: string, @Query() q: NeutronQuery) {
    const pool = findChild(api, api.region.lbPools, 'Pool', poolId);
    const members = [...api.region.lbMembers.values()].filter((m) => m.poolId === pool.id);
    return octaviaList(api, `members`, members, toMemberView, q);
  }

  @Get('pools/:poolId/members/:id')
  member(@Api() api: RegionApi, @Param('poolId') poolId: string, @Param('id') id: string) {
    return { member: toMemberView(this.findMember(api, poolId, id)) };
  }

  @Delete('pools/:poolId/members/:id')
  @HttpCode(204)
  removeMember(@Api() api: RegionApi, @Param('poolId') poolId: string, @Param('id') id: string): void {
    const member = this.findMember(api, poolId, id);
    const pool = api.region.lbPools.get(member.poolId)!;
    const lb = findLoadBalancer(api, pool.loadBalancerId);
    requireMutable(lb, pool);
    beginChange(lb, {
      now: Date.now(),
      durationMs: this.store.knobs.action_time_ms,
      subject: member,
      status: 'PENDING_DELETE',
      parents: [pool, ...this.listenerOf(api, pool)],
      done: () => api.region.lbMembers.delete(member.id),
    });
  }

  /** A member of that pool; one of another pool is not found, as in Octavia. */
  private findMember(api: RegionApi, poolId: string, id: string): LbMember {
    findChild(api, api.region.lbPools, 'Pool', poolId);
    const m = findChild(api, api.region.lbMembers, 'Member', id);
    if (m.poolId !== poolId) throw lbNotFound('Member', id);
    return m;
  }
}
