import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { newId } from '@grove/core';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { conflict } from '../http/api-error';
import type { NeutronQuery } from '../network/neutron-query';
import type { HealthMonitor, LbPool, Listener } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import {
  beginChange,
  findChild,
  findLoadBalancer,
  memberHealth,
  requireMutable,
  settleAll,
  visibleTo,
} from './lb-lifecycle';
import { toHealthMonitorView } from './load-balancer.view';
import { choice, envelope, flag, integer, text, uuid } from './octavia-input';
import { OCTAVIA_BASE, octaviaList } from './octavia-query';

const MONITOR_TYPES = ['PING', 'TCP', 'HTTP', 'HTTPS', 'TLS-HELLO', 'UDP-CONNECT'] as const;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'CONNECT', 'PATCH'] as const;

/**
 * Octavia v2 health monitors, one per pool. With one, the pool's members report ONLINE (the
 * simulated backends are always healthy); without, NO_MONITOR.
 */
@Controller(OCTAVIA_BASE)
@UseGuards(TokenGuard)
export class HealthMonitorsController {
  constructor(private readonly store: SimulatorStore) {}

  private parents(api: RegionApi, pool: LbPool): (LbPool | Listener)[] {
    const l = pool.listenerId ? api.region.listeners.get(pool.listenerId) : undefined;
    return l ? [pool, l] : [pool];
  }

  /** The members' health follows whether the pool is monitored. */
  private refreshMembers(api: RegionApi, pool: LbPool): void {
    for (const m of api.region.lbMembers.values())
      if (m.poolId === pool.id && m.provisioningStatus === 'ACTIVE') m.operatingStatus = memberHealth(m, pool);
  }

  @Post('healthmonitors')
  @HttpCode(201)
  create(@Api() api: RegionApi, @Body() body: unknown) {
    const b = envelope(body, 'healthmonitor');
    const poolId = uuid(b, 'pool_id', true);
    const type = choice(b, 'type', MONITOR_TYPES);
    const delay = integer(b, 'delay', { min: 0 });
    const timeout = integer(b, 'timeout', { min: 0 });
    const maxRetries = integer(b, 'max_retries', { min: 1, max: 10 });
    const maxRetriesDown = integer(b, 'max_retries_down', { min: 1, max: 10, fallback: 3 });
    const http = type === 'HTTP' || type === 'HTTPS';
    // Octavia fills the HTTP fields in for HTTP monitors only.
    const httpMethod = choice(b, 'http_method', HTTP_METHODS, http ? 'GET' : null);
    const urlPath = text(b, 'url_path') || (http ? '/' : null);
    const expectedCodes = text(b, 'expected_codes') || (http ? '200' : null);
    const name = text(b, 'name');
    const adminStateUp = flag(b, 'admin_state_up', true);
    const pool = findChild(api, api.region.lbPools, 'Pool', poolId);
    if (pool.healthMonitorId) throw conflict('This pool already has a health monitor');
    const lb = findLoadBalancer(api, pool.loadBalancerId);
    requireMutable(lb, pool);
    const now = Date.now();
    const hm: HealthMonitor = {
      id: newId(),
      name,
      description: '',
      projectId: lb.projectId,
      adminStateUp,
      provisioningStatus: 'PENDING_CREATE',
      operatingStatus: 'OFFLINE',
      created: now,
      updated: null,
      loadBalancerId: lb.id,
      poolId: pool.id,
      type,
      delay,
      timeout,
      maxRetries,
      maxRetriesDown,
      httpMethod,
      urlPath,
      expectedCodes,
    };
    api.region.healthMonitors.set(hm.id, hm);
    pool.healthMonitorId = hm.id;
    beginChange(lb, {
      now,
      durationMs: this.store.knobs.action_time_ms,
      subject: hm,
      status: 'PENDING_CREATE',
      parents: this.parents(api, pool),
      done: () => {
        hm.operatingStatus = adminStateUp ? 'ONLINE' : 'OFFLINE';
        this.refreshMembers(api, pool);
      },
    });
    return { healthmonitor: toHealthMonitorView(hm) };
  }

  @Get('healthmonitors')
  list(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    settleAll(api.region, Date.now());
    return octaviaList(
      api,
      'healthmonitors',
      visibleTo(api, api.region.healthMonitors.values()),
      toHealthMonitorView,
      q,
      {
        pool_id: (h) => h.poolId,
      },
    );
  }

  @Get('healthmonitors/:id')
  show(@Api() api: RegionApi, @Param('id') id: string) {
    return { healthmonitor: toHealthMonitorView(findChild(api, api.region.healthMonitors, 'Health Monitor', id)) };
  }

  @Delete('healthmonitors/:id')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string): void {
    const hm = findChild(api, api.region.healthMonitors, 'Health Monitor', id);
    const pool = api.region.lbPools.get(hm.poolId)!;
    const lb = findLoadBalancer(api, hm.loadBalancerId);
    requireMutable(lb, pool);
    beginChange(lb, {
      now: Date.now(),
      durationMs: this.store.knobs.action_time_ms,
      subject: hm,
      status: 'PENDING_DELETE',
      parents: this.parents(api, pool),
      done: () => {
        api.region.healthMonitors.delete(hm.id);
        pool.healthMonitorId = null;
        this.refreshMembers(api, pool);
      },
    });
  }
}
