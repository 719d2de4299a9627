import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { newId } from '@grove/core';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { conflict } from '../http/api-error';
import type { NeutronQuery } from '../network/neutron-query';
import type { Listener } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import {
  beginChange,
  findChild,
  findLoadBalancer,
  removeListener,
  requireMutable,
  settleAll,
  visibleTo,
} from './lb-lifecycle';
import { toListenerView } from './load-balancer.view';
import { choice, envelope, flag, integer, text, uuid } from './octavia-input';
import { OCTAVIA_BASE, octaviaList } from './octavia-query';

export const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TERMINATED_HTTPS', 'UDP'] as const;

/** Octavia v2 listeners. Making or deleting one holds its load balancer PENDING_UPDATE for the action time. */
@Controller(OCTAVIA_BASE)
@UseGuards(TokenGuard)
export class ListenersController {
  constructor(private readonly store: SimulatorStore) {}

  @Post('listeners')
  @HttpCode(201)
  create(@Api() api: RegionApi, @Body() body: unknown) {
    const b = envelope(body, 'listener');
    const protocol = choice(b, 'protocol', LISTENER_PROTOCOLS);
    const protocolPort = integer(b, 'protocol_port', { min: 1, max: 65535 });
    const lb = findLoadBalancer(api, uuid(b, 'loadbalancer_id', true));
    const connectionLimit = integer(b, 'connection_limit', { min: -1, fallback: -1 });
    const name = text(b, 'name');
    const description = text(b, 'description');
    const adminStateUp = flag(b, 'admin_state_up', true);
    requireMutable(lb);
    // UDP and TCP may share a port number; nothing else may.
    const udp = (p: string) => p === 'UDP';
    for (const l of api.region.listeners.values()) {
      if (l.loadBalancerId === lb.id && l.protocolPort === protocolPort && udp(l.protocol) === udp(protocol))
        throw conflict(`Another Listener on this Load Balancer is already using protocol_port ${protocolPort}`);
    }
    const now = Date.now();
    const listener: Listener = {
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
      protocol,
      protocolPort,
      connectionLimit,
      defaultPoolId: null,
    };
    api.region.listeners.set(listener.id, listener);
    beginChange(lb, {
      now,
      durationMs: this.store.knobs.action_time_ms,
      subject: listener,
      status: 'PENDING_CREATE',
      done: () => {
        listener.operatingStatus = adminStateUp ? 'ONLINE' : 'OFFLINE';
      },
    });
    return { listener: toListenerView(listener) };
  }

  @Get('listeners')
  list(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    settleAll(api.region, Date.now());
    return octaviaList(api, 'listeners', visibleTo(api, api.region.listeners.values()), toListenerView, q, {
      loadbalancer_id: (l) => l.loadBalancerId,
    });
  }

  @Get('listeners/:id')
  show(@Api() api: RegionApi, @Param('id') id: string) {
    return { listener: toListenerView(findChild(api, api.region.listeners, 'Listener', id)) };
  }

  @Delete('listeners/:id')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string): void {
    const listener = findChild(api, api.region.listeners, 'Listener', id);
    const lb = findLoadBalancer(api, listener.loadBalancerId);
    requireMutable(lb);
    beginChange(lb, {
      now: Date.now(),
      durationMs: this.store.knobs.action_time_ms,
      subject: listener,
      status: 'PENDING_DELETE',
      done: () => removeListener(api.region, listener.id),
    });
  }
}
