import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { newId } from '@grove/core';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { conflict } from '../http/api-error';
import type { NeutronQuery } from '../network/neutron-query';
import { addressApiError, AddressError, createPort, networkVisible } from '../network/port-allocation';
import type { LoadBalancer, Network, Subnet } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import { childrenOf, findLoadBalancer, removeLoadBalancer, settleAll, visibleTo } from './lb-lifecycle';
import { toLoadBalancerView } from './load-balancer.view';
import {
  address,
  envelope,
  flag,
  invalidSubresource,
  lbNotFound,
  text,
  truthy,
  uuid,
  validationFailure,
  type Body as Json,
} from './octavia-input';
import { OCTAVIA_BASE, octaviaList } from './octavia-query';

/** The Octavia flavors every region offers (an operator's choice; these are the usual two). */
const FLAVORS = [
  {
    id: 'a7ae5d5a-d855-4f9a-b187-af66b53f4d04',
    name: 'amphora-single',
    description: 'One amphora per load balancer',
    enabled: true,
    flavor_profile_id: '5f4d2c0c-8c1b-4c6e-9d4e-2d9a0d7b1a01',
  },
  {
    id: '1b7a5b2e-3f0e-4bd4-9a55-2b7c3f1f6a02',
    name: 'amphora-active-standby',
    description: 'Two amphorae per load balancer, one on standby',
    enabled: true,
    flavor_profile_id: '5f4d2c0c-8c1b-4c6e-9d4e-2d9a0d7b1a02',
  },
];

/**
 * Octavia v2 load balancers (and its flavors). A new load balancer is PENDING_CREATE with a VIP
 * port on its subnet, then ACTIVE after the build time (ERROR at the build failure rate); a
 * delete is PENDING_DELETE for the delete time, then gone with everything under it.
 */
@Controller(OCTAVIA_BASE)
@UseGuards(TokenGuard)
export class LoadBalancersController {
  constructor(private readonly store: SimulatorStore) {}

  @Post('loadbalancers')
  @HttpCode(201)
  create(@Api() api: RegionApi, @Body() body: unknown) {
    const b = envelope(body, 'loadbalancer');
    const { network, subnet } = this.vip(api, b);
    const vipAddress = address(b, 'vip_address', false);
    const zone = b.availability_zone ?? null;
    if (zone !== null && (typeof zone !== 'string' || !api.region.zones.includes(zone)))
      throw validationFailure('Invalid availability_zone.');
    const flavorId = uuid(b, 'flavor_id');
    if (flavorId && !FLAVORS.some((f) => f.id === flavorId)) throw validationFailure('Invalid flavor_id.');
    const name = text(b, 'name');
    const description = text(b, 'description');
    const adminStateUp = flag(b, 'admin_state_up', true);

    const now = Date.now();
    const id = newId();
    let port;
    try {
      port = createPort(
        this.store,
        api.region,
        network,
        {
          networkId: network.id,
          projectId: api.caller.project.id,
          name: `octavia-lb-${id}`,
          fixedIps: [{ subnetId: subnet.id, ...(vipAddress ? { ipAddress: vipAddress } : {}) }],
          deviceId: `lb-${id}`,
          deviceOwner: 'Octavia',
        },
        now,
      );
    } catch (e) {
      // Octavia passes Neutron's refusal on with Neutron's status and words.
      throw e instanceof AddressError ? addressApiError(e) : e;
    }
    const lb: LoadBalancer = {
      id,
      name,
      description,
      projectId: api.caller.project.id,
      adminStateUp,
      provisioningStatus: 'PENDING_CREATE',
      operatingStatus: 'OFFLINE',
      created: now,
      updated: null,
      loadBalancerId: id,
      vipAddress: port.fixedIps[0].ipAddress,
      vipPortId: port.id,
      vipSubnetId: subnet.id,
      vipNetworkId: network.id,
      availabilityZone: zone,
      flavorId,
      pending: null,
    };
    const rate = this.store.knobs.build_failure_rate;
    const fails = rate > 0 && Math.random() < rate;
    lb.pending = {
      at: now + this.store.knobs.build_time_ms,
      finish: (at) => {
        lb.provisioningStatus = fails ? 'ERROR' : 'ACTIVE';
        lb.operatingStatus = fails ? 'ERROR' : adminStateUp ? 'ONLINE' : 'OFFLINE';
        lb.updated = at;
      },
    };
    api.region.loadBalancers.set(id, lb);
    return { loadbalancer: toLoadBalancerView(api.region, lb) };
  }

  /** The VIP's network and subnet: a subnet (its network follows), or a network (its first subnet, or the one holding vip_address). */
  private vip(api: RegionApi, b: Json): { network: Network; subnet: Subnet } {
    const { region, caller } = api;
    const subnetId = uuid(b, 'vip_subnet_id');
    const networkId = uuid(b, 'vip_network_id');
    if (!subnetId && !networkId)
      throw validationFailure('VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.');
    const visible = (n: Network | undefined) => !!n && networkVisible(n, caller.project.id, caller.isAdmin);
    if (networkId) {
      const network = region.networks.get(networkId);
      if (!network || !visible(network)) throw invalidSubresource('Network', networkId);
      let subnet: Subnet | undefined;
      if (subnetId) {
        subnet = network.subnetIds.includes(subnetId) ? region.subnets.get(subnetId) : undefined;
        if (!subnet) throw invalidSubresource('Subnet', subnetId);
      } else {
        const wanted = typeof b.vip_address === 'string' ? b.vip_address : null;
        const subnets = network.subnetIds.map((sid) => region.subnets.get(sid)!);
        subnet = wanted ? subnets.find((s) => this.store.pool(s.cidr).contains(wanted)) : subnets[0];
        if (!subnet)
          throw validationFailure(
            wanted
              ? 'Supplied network does not contain a subnet for VIP address specified.'
              : 'Supplied network does not contain a subnet.',
          );
      }
      return { network, subnet };
    }
    const subnet = region.subnets.get(subnetId!);
    const network = subnet && region.networks.get(subnet.networkId);
    if (!subnet || !network || !visible(network)) throw invalidSubresource('Subnet', subnetId!);
    return { network, subnet };
  }

  @Get('loadbalancers')
  list(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    settleAll(api.region, Date.now());
    return octaviaList(
      api,
      'loadbalancers',
      visibleTo(api, api.region.loadBalancers.values()),
      (lb) => toLoadBalancerView(api.region, lb),
      q,
    );
  }

  @Get('loadbalancers/:id')
  show(@Api() api: RegionApi, @Param('id') id: string) {
    return { loadbalancer: toLoadBalancerView(api.region, findLoadBalancer(api, id)) };
  }

  /** Refused while it has listeners or pools unless `?cascade=true`; refused while another change runs. */
  @Delete('loadbalancers/:id')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string, @Query('cascade') cascade?: string): void {
    const lb = findLoadBalancer(api, id);
    const children = childrenOf(api.region, id);
    if (children.some((c) => api.region.listeners.has(c.id) || api.region.lbPools.has(c.id)) && !truthy(cascade))
      throw validationFailure(`Cannot delete Load Balancer ${id} - it has children`);
    if (lb.provisioningStatus !== 'ACTIVE' && lb.provisioningStatus !== 'ERROR')
      throw conflict(`Invalid state ${lb.provisioningStatus} of loadbalancer resource ${id}`);
    const now = Date.now();
    for (const o of [lb, ...children]) {
      o.provisioningStatus = 'PENDING_DELETE';
      o.updated = now;
    }
    lb.pending = {
      at: now + this.store.knobs.delete_time_ms,
      finish: (at) => removeLoadBalancer(this.store, api.region, lb, at),
    };
  }

  @Get('flavors')
  flavors(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    return octaviaList(api, 'flavors', FLAVORS, (f) => f, q);
  }

  @Get('flavors/:id')
  flavor(@Param('id') id: string) {
    const f = FLAVORS.find((x) => x.id === id);
    if (!f) throw lbNotFound('Flavor', id);
    return { flavor: f };
  }
}
