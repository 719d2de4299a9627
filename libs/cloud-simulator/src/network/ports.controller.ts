import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { isUuid } from '@grove/core';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { ApiError, badRequest } from '../http/api-error';
import { parseIpv4 } from '../store/ip-pool';
import type { Network, Port } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import { neutronList, pick, type NeutronQuery } from './neutron-query';
import { toPortView } from './network.view';
import {
  addressApiError,
  AddressError,
  allocateAddresses,
  createPort,
  deletePort,
  networkVisible,
  releaseAddresses,
} from './port-allocation';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const invalidInput = (attr: string, reason: string) => badRequest(`Invalid input for ${attr}. Reason: ${reason}.`);

/** `fixed_ips: [{subnet_id?, ip_address?}]`, checked. */
function parseFixedIps(v: unknown): { subnetId?: string; ipAddress?: string }[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidInput('fixed_ips', `Invalid data format for fixed IP: '${JSON.stringify(v)}'`);
  return v.map((f) => {
    if (!isObject(f)) throw invalidInput('fixed_ips', `Invalid data format for fixed IP: '${JSON.stringify(f)}'`);
    if (f.ip_address !== undefined && (typeof f.ip_address !== 'string' || parseIpv4(f.ip_address) === null)) {
      throw invalidInput('fixed_ips', `'${String(f.ip_address)}' is not a valid IP address`);
    }
    if (f.subnet_id !== undefined && (typeof f.subnet_id !== 'string' || !isUuid(f.subnet_id))) {
      throw invalidInput('fixed_ips', `'${String(f.subnet_id)}' is not a valid UUID`);
    }
    return { subnetId: f.subnet_id as string | undefined, ipAddress: f.ip_address as string | undefined };
  });
}

/**
 * `tags: [string]` in a create (Neutron's tag-ports-during-bulk-creation) or a tags update: each 1 to 255
 * characters, without commas, since list filters join tags with them.
 */
function parseTags(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidInput('tags', `'${JSON.stringify(v)}' is not a list`);
  for (const t of v) {
    if (typeof t !== 'string' || t.length < 1 || t.length > 255 || t.includes(','))
      throw invalidInput('tags', `'${JSON.stringify(t)}' is not a valid tag`);
  }
  return v as string[];
}

/** Neutron ports: any project's own ports, plus the ports Nova makes for its servers. */
@Controller(':region/network/v2.0/ports')
@UseGuards(TokenGuard)
export class PortsController {
  constructor(private readonly store: SimulatorStore) {}

  private find(api: RegionApi, id: string): Port {
    const p = api.region.ports.get(id);
    if (!p || (!api.caller.isAdmin && p.projectId !== api.caller.project.id))
      throw new ApiError(404, `Port ${id} could not be found.`, 'PortNotFound');
    return p;
  }

  private securityGroups(api: RegionApi, v: unknown): string[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
      throw invalidInput('security_groups', `'${JSON.stringify(v)}' is not a list`);
    for (const id of v as string[]) {
      const g = api.region.securityGroups.get(id);
      if (!g || (!api.caller.isAdmin && g.projectId !== api.caller.project.id))
        throw new ApiError(404, `Security group ${id} does not exist`, 'SecurityGroupNotFound');
    }
    return v as string[];
  }

  @Get()
  list(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    const visible = [...api.region.ports.values()].filter(
      (p) => api.caller.isAdmin || p.projectId === api.caller.project.id,
    );
    return neutronList('ports', visible.map(toPortView), q, `${api.baseUrl}/${api.region.name}/network/v2.0/ports`);
  }

  @Post()
  @HttpCode(201)
  create(@Api() api: RegionApi, @Body() body: unknown) {
    if (!isObject(body) || !isObject(body.port)) throw badRequest('Resource body required');
    const req = body.port;
    if (req.network_id === undefined)
      throw badRequest("Failed to parse request. Required attribute 'network_id' not specified");
    if (typeof req.network_id !== 'string' || !isUuid(req.network_id))
      throw invalidInput('network_id', `'${String(req.network_id)}' is not a valid UUID`);
    const network: Network | undefined = api.region.networks.get(req.network_id);
    if (!network || !networkVisible(network, api.caller.project.id, api.caller.isAdmin)) {
      throw new ApiError(404, `Network ${req.network_id} could not be found.`, 'NetworkNotFound');
    }
    for (const key of ['name', 'description', 'device_id', 'device_owner'] as const) {
      if (req[key] !== undefined && typeof req[key] !== 'string')
        throw invalidInput(key, `'${String(req[key])}' is not a valid string`);
    }
    if (req.admin_state_up !== undefined && typeof req.admin_state_up !== 'boolean')
      throw invalidInput('admin_state_up', `'${String(req.admin_state_up)}' is not a valid boolean value`);
    const fixedIps = parseFixedIps(req.fixed_ips);
    const securityGroupIds = this.securityGroups(api, req.security_groups);
    const tags = parseTags(req.tags);
    const projectId = api.caller.isAdmin && typeof req.project_id === 'string' ? req.project_id : api.caller.project.id;
    try {
      const port = createPort(
        this.store,
        api.region,
        network,
        {
          networkId: network.id,
          projectId,
          name: req.name as string | undefined,
          description: req.description as string | undefined,
          deviceId: req.device_id as string | undefined,
          deviceOwner: req.device_owner as string | undefined,
          adminStateUp: req.admin_state_up as boolean | undefined,
          fixedIps,
          securityGroupIds,
          tags,
        },
        Date.now(),
      );
      return { port: toPortView(port) };
    } catch (e) {
      throw e instanceof AddressError ? addressApiError(e) : e;
    }
  }

  @Get(':id')
  show(@Api() api: RegionApi, @Param('id') id: string, @Query() q: NeutronQuery) {
    const fields = q.fields === undefined ? null : Array.isArray(q.fields) ? q.fields : [q.fields];
    return { port: pick(toPortView(this.find(api, id)), fields) };
  }

  @Put(':id')
  update(@Api() api: RegionApi, @Param('id') id: string, @Body() body: unknown) {
    const port = this.find(api, id);
    if (!isObject(body) || !isObject(body.port)) throw badRequest('Resource body required');
    const req = body.port;
    for (const key of ['name', 'description', 'device_id', 'device_owner'] as const) {
      if (req[key] !== undefined && typeof req[key] !== 'string')
        throw invalidInput(key, `'${String(req[key])}' is not a valid string`);
    }
    if (req.admin_state_up !== undefined && typeof req.admin_state_up !== 'boolean')
      throw invalidInput('admin_state_up', `'${String(req.admin_state_up)}' is not a valid boolean value`);
    const securityGroupIds = this.securityGroups(api, req.security_groups);
    const wanted = parseFixedIps(req.fixed_ips);
    const now = Date.now();
    if (wanted) {
      const network = api.region.networks.get(port.networkId)!;
      // Keep the addresses the port already has when they are asked for again.
      releaseAddresses(this.store, api.region, port);
      try {
        port.fixedIps = allocateAddresses(this.store, api.region, network, wanted);
      } catch (e) {
        for (const f of port.fixedIps) this.store.pool(api.region.subnets.get(f.subnetId)!.cidr).take(f.ipAddress);
        for (const f of port.fixedIps)
          this.store.addressOwners.set(f.ipAddress, { region: api.region, portId: port.id });
        throw e instanceof AddressError ? addressApiError(e) : e;
      }
      for (const f of port.fixedIps) this.store.addressOwners.set(f.ipAddress, { region: api.region, portId: port.id });
    }
    if (typeof req.name === 'string') port.name = req.name;
    if (typeof req.description === 'string') port.description = req.description;
    if (typeof req.device_id === 'string') port.deviceId = req.device_id;
    if (typeof req.device_owner === 'string') port.deviceOwner = req.device_owner;
    if (typeof req.admin_state_up === 'boolean') port.adminStateUp = req.admin_state_up;
    if (securityGroupIds) port.securityGroupIds = securityGroupIds;
    port.updated = now;
    port.revision += 1;
    return { port: toPortView(port) };
  }

  /** Replaces every tag, as Neutrons before 2023.1 need after a create that dropped them. */
  @Put(':id/tags')
  replaceTags(@Api() api: RegionApi, @Param('id') id: string, @Body() body: unknown) {
    const port = this.find(api, id);
    if (!isObject(body) || body.tags === undefined) throw badRequest('Resource body required');
    port.tags = [...new Set(parseTags(body.tags))];
    port.updated = Date.now();
    port.revision += 1;
    return { tags: [...port.tags] };
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string): void {
    const port = this.find(api, id);
    // A server whose port is deleted loses that interface (Nova learns it from Neutron's event).
    const server = port.deviceId ? api.region.servers.get(port.deviceId) : undefined;
    if (server) server.ports = server.ports.filter((sp) => sp.portId !== port.id);
    deletePort(this.store, api.region, port, Date.now());
  }
}
