import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { isUuid, newId } from '@grove/core';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { ApiError, badRequest } from '../http/api-error';
import { parseIpv4 } from '../store/ip-pool';
import type { FloatingIp } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import { neutronList, pick, type NeutronQuery } from './neutron-query';
import { toFloatingIpView } from './network.view';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Neutron floating IPs, allocated from an external network's subnet and associated with a port's fixed IP. */
@Controller(':region/network/v2.0/floatingips')
@UseGuards(TokenGuard)
export class FloatingIpsController {
  constructor(private readonly store: SimulatorStore) {}

  private find(api: RegionApi, id: string): FloatingIp {
    const f = api.region.floatingIps.get(id);
    if (!f || (!api.caller.isAdmin && f.projectId !== api.caller.project.id)) {
      throw new ApiError(404, `Floating IP ${id} could not be found`, 'FloatingIPNotFound');
    }
    return f;
  }

  /**
   * Points the floating IP at `portId` (and one of its fixed IPs), or at nothing. Neutron refuses
   * a fixed IP that another floating IP on the same external network already serves.
   */
  private associate(api: RegionApi, f: FloatingIp, portId: unknown, fixedIp: unknown): void {
    if (portId === null || portId === undefined) {
      f.portId = null;
      f.fixedIpAddress = null;
      return;
    }
    if (typeof portId !== 'string' || !isUuid(portId))
      throw badRequest(`Invalid input for port_id. Reason: '${String(portId)}' is not a valid UUID.`);
    const port = api.region.ports.get(portId);
    if (!port || (!api.caller.isAdmin && port.projectId !== api.caller.project.id))
      throw new ApiError(404, `Port ${portId} could not be found.`, 'PortNotFound');
    if (fixedIp !== undefined && (typeof fixedIp !== 'string' || parseIpv4(fixedIp) === null)) {
      throw badRequest(`Invalid input for fixed_ip_address. Reason: '${String(fixedIp)}' is not a valid IP address.`);
    }
    const address = (fixedIp as string | undefined) ?? port.fixedIps[0]?.ipAddress;
    if (!address || !port.fixedIps.some((x) => x.ipAddress === address)) {
      throw badRequest(`Bad floatingip request: Port ${port.id} does not have fixed ip ${address ?? ''}.`);
    }
    for (const other of api.region.floatingIps.values()) {
      if (
        other.id !== f.id &&
        other.portId === port.id &&
        other.fixedIpAddress === address &&
        other.floatingNetworkId === f.floatingNetworkId
      ) {
        throw new ApiError(
          409,
          `Cannot associate floating IP ${f.floatingIpAddress} (${f.id}) with port ${port.id} using fixed IP ${address}, as that fixed IP already has a floating IP on external network ${f.floatingNetworkId}.`,
          'FloatingIPPortAlreadyAssociated',
        );
      }
    }
    f.portId = port.id;
    f.fixedIpAddress = address;
  }

  @Get()
  list(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    const visible = [...api.region.floatingIps.values()].filter(
      (f) => api.caller.isAdmin || f.projectId === api.caller.project.id,
    );
    return neutronList(
      'floatingips',
      visible.map(toFloatingIpView),
      q,
      `${api.baseUrl}/${api.region.name}/network/v2.0/floatingips`,
    );
  }

  @Post()
  @HttpCode(201)
  create(@Api() api: RegionApi, @Body() body: unknown) {
    if (!isObject(body) || !isObject(body.floatingip)) throw badRequest('Resource body required');
    const req = body.floatingip;
    if (req.floating_network_id === undefined)
      throw badRequest("Failed to parse request. Required attribute 'floating_network_id' not specified");
    const netId = req.floating_network_id;
    if (typeof netId !== 'string' || !isUuid(netId))
      throw badRequest(`Invalid input for floating_network_id. Reason: '${String(netId)}' is not a valid UUID.`);
    const network = api.region.networks.get(netId);
    if (!network) throw new ApiError(404, `Network ${netId} could not be found.`, 'NetworkNotFound');
    if (!network.external)
      throw badRequest(`Bad floatingip request: Network ${netId} is not a valid external network.`);
    const subnet = api.region.subnets.get(network.subnetIds[0])!;
    const pool = this.store.pool(subnet.cidr);
    let address: string | null;
    if (req.floating_ip_address !== undefined) {
      const wanted = req.floating_ip_address;
      if (typeof wanted !== 'string' || !pool.contains(wanted))
        throw badRequest(
          `Invalid input for operation: IP address ${String(wanted)} is not a valid IP for the specified subnet.`,
        );
      if (!pool.take(wanted))
        throw new ApiError(
          409,
          `IP address ${wanted} already allocated in subnet ${subnet.id}`,
          'IpAddressAlreadyAllocated',
        );
      address = wanted;
    } else {
      address = pool.allocate();
      if (!address)
        throw new ApiError(409, `No more IP addresses available on network ${netId}.`, 'IpAddressGenerationFailure');
    }
    const now = Date.now();
    const f: FloatingIp = {
      id: newId(),
      projectId: api.caller.isAdmin && typeof req.project_id === 'string' ? req.project_id : api.caller.project.id,
      floatingNetworkId: netId,
      floatingIpAddress: address,
      subnetId: subnet.id,
      portId: null,
      fixedIpAddress: null,
      description: typeof req.description === 'string' ? req.description : '',
      created: now,
      updated: now,
      revision: 1,
    };
    try {
      this.associate(api, f, req.port_id, req.fixed_ip_address);
    } catch (e) {
      pool.release(address);
      throw e;
    }
    api.region.floatingIps.set(f.id, f);
    this.store.addressOwners.set(address, { region: api.region, floatingIpId: f.id });
    return { floatingip: toFloatingIpView(f) };
  }

  @Get(':id')
  show(@Api() api: RegionApi, @Param('id') id: string, @Query() q: NeutronQuery) {
    const fields = q.fields === undefined ? null : Array.isArray(q.fields) ? q.fields : [q.fields];
    return { floatingip: pick(toFloatingIpView(this.find(api, id)), fields) };
  }

  @Put(':id')
  update(@Api() api: RegionApi, @Param('id') id: string, @Body() body: unknown) {
    const f = this.find(api, id);
    if (!isObject(body) || !isObject(body.floatingip)) throw badRequest('Resource body required');
    const req = body.floatingip;
    if ('port_id' in req) this.associate(api, f, req.port_id, req.fixed_ip_address);
    if (typeof req.description === 'string') f.description = req.description;
    f.updated = Date.now();
    f.revision += 1;
    return { floatingip: toFloatingIpView(f) };
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string): void {
    const f = this.find(api, id);
    api.region.floatingIps.delete(f.id);
    this.store.pool(api.region.subnets.get(f.subnetId)!.cidr).release(f.floatingIpAddress);
    this.store.addressOwners.delete(f.floatingIpAddress);
  }
}
