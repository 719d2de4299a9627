import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { isUuid } from '@grove/core';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { badRequest, conflict, notFound } from '../http/api-error';
import { AddressError, createPort, deletePort, detachPort, networkVisible } from '../network/port-allocation';
import { parseIpv4 } from '../store/ip-pool';
import type { Network, Port, Server, VmState } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import { schemaError } from './server-create';
import { findServer, requireState, requireUnlocked } from './server-state';

/** Nova plugs and unplugs interfaces only in these states, with no task running. */
const PLUGGABLE: VmState[] = ['active', 'paused', 'stopped'];

const toAttachment = (p: Port) => ({
  net_id: p.networkId,
  port_id: p.id,
  mac_addr: p.macAddress,
  port_state: p.deviceId ? 'ACTIVE' : 'DOWN',
  fixed_ips: p.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
});

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nova's `os-interface`: a server's ports, attaching a port or a new one on a network, detaching. */
@Controller(':region/compute/v2.1/servers/:id/os-interface')
@UseGuards(TokenGuard)
export class InterfacesController {
  constructor(private readonly store: SimulatorStore) {}

  private ports(api: RegionApi, s: Server): Port[] {
    return s.ports.map((sp) => api.region.ports.get(sp.portId)).filter((p): p is Port => !!p && p.deviceId === s.id);
  }

  @Get()
  list(@Api() api: RegionApi, @Param('id') id: string) {
    return { interfaceAttachments: this.ports(api, findServer(this.store, api, id)).map(toAttachment) };
  }

  @Get(':portId')
  show(@Api() api: RegionApi, @Param('id') id: string, @Param('portId') portId: string) {
    const s = findServer(this.store, api, id);
    const port = api.region.ports.get(portId);
    if (!port) throw notFound(`Port id ${portId} could not be found.`);
    if (port.deviceId !== s.id) throw notFound(`Instance ${s.id} does not have a port with id ${portId}`);
    return { interfaceAttachment: toAttachment(port) };
  }

  @Post()
  @HttpCode(200)
  attach(@Api() api: RegionApi, @Param('id') id: string, @Body() body: unknown) {
    const s = findServer(this.store, api, id);
    const req =
      isObject(body) && isObject(body.interfaceAttachment)
        ? body.interfaceAttachment
        : isObject(body) && body.interfaceAttachment === undefined
          ? {}
          : null;
    if (!req) throw schemaError('interfaceAttachment', body, "is not of type 'object'");
    const portId = req.port_id;
    const netId = req.net_id;
    const fixedIps = req.fixed_ips;
    if (portId && netId) throw badRequest('Must not input both network_id and port_id');
    if (fixedIps !== undefined && !netId) throw badRequest('Must input network_id when request IP address');
    requireUnlocked(s, api.caller.isAdmin);
    requireState('attach_interface', s, PLUGGABLE);
    const now = Date.now();
    let port: Port;
    if (portId !== undefined) {
      if (typeof portId !== 'string' || !isUuid(portId)) throw schemaError('port_id', portId, "is not a 'uuid'");
      const found = api.region.ports.get(portId);
      if (!found || (found.projectId !== api.caller.project.id && !api.caller.isAdmin))
        throw notFound(`Port id ${portId} could not be found.`);
      if (found.deviceId) throw conflict(`Port ${portId} is still in use.`);
      found.deviceId = s.id;
      found.deviceOwner = `compute:${s.zone || 'nova'}`;
      found.hostId = s.host ?? '';
      found.updated = now;
      found.revision += 1;
      s.ports.push({ portId: found.id, ownedByNova: false });
      port = found;
    } else {
      const network = this.network(api, netId);
      let wanted: { ipAddress: string }[] | undefined;
      if (fixedIps !== undefined) {
        if (
          !Array.isArray(fixedIps) ||
          fixedIps.length !== 1 ||
          !isObject(fixedIps[0]) ||
          typeof fixedIps[0].ip_address !== 'string' ||
          parseIpv4(fixedIps[0].ip_address) === null
        ) {
          throw schemaError('fixed_ips', fixedIps, 'must be a list of one {ip_address}');
        }
        wanted = [{ ipAddress: fixedIps[0].ip_address }];
      }
      try {
        port = createPort(
          this.store,
          api.region,
          network,
          {
            networkId: network.id,
            projectId: s.projectId,
            fixedIps: wanted,
            deviceId: s.id,
            deviceOwner: `compute:${s.zone || 'nova'}`,
            hostId: s.host ?? '',
          },
          now,
        );
      } catch (e) {
        if (!(e instanceof AddressError)) throw e;
        if (e.reason === 'in_use') {
          const holder = this.store.addressOwners.get(e.ip ?? '')?.portId;
          throw conflict(
            `Fixed IP address ${e.ip} is already in use on instance ${api.region.ports.get(holder ?? '')?.deviceId || 'unknown'}.`,
          );
        }
        if (e.reason === 'exhausted') throw badRequest(`Zero fixed IPs available.`);
        throw badRequest(`Invalid fixed IP address (${e.ip ?? ''})`);
      }
      s.ports.push({ portId: port.id, ownedByNova: true });
    }
    s.updated = now;
    return { interfaceAttachment: toAttachment(port) };
  }

  @Delete(':portId')
  @HttpCode(202)
  detach(@Api() api: RegionApi, @Param('id') id: string, @Param('portId') portId: string): void {
    const s = findServer(this.store, api, id);
    requireUnlocked(s, api.caller.isAdmin);
    requireState('detach_interface', s, PLUGGABLE);
    const attached = s.ports.find((sp) => sp.portId === portId);
    const port = api.region.ports.get(portId);
    if (!attached || !port || port.deviceId !== s.id) throw notFound(`Port id ${portId} could not be found.`);
    const now = Date.now();
    // A port Nova made for the attachment is deleted; a port it was given goes back to its owner.
    if (attached.ownedByNova) deletePort(this.store, api.region, port, now);
    else detachPort(port, now);
    s.ports = s.ports.filter((sp) => sp.portId !== portId);
    s.updated = now;
  }

  /** The network to attach to: the one named, or the only one the project can use. */
  private network(api: RegionApi, netId: unknown): Network {
    if (netId !== undefined) {
      if (typeof netId !== 'string' || !isUuid(netId)) throw schemaError('net_id', netId, "is not a 'uuid'");
      const n = api.region.networks.get(netId);
      if (!n || !networkVisible(n, api.caller.project.id, api.caller.isAdmin))
        throw notFound(`Network ${netId} could not be found.`);
      return n;
    }
    const candidates = [...api.region.networks.values()].filter(
      (n) => !n.external && (n.shared || n.projectId === api.caller.project.id),
    );
    if (candidates.length === 0)
      throw badRequest(
        `No specific network was requested and none are available for project '${api.caller.project.id}'.`,
      );
    if (candidates.length > 1)
      throw badRequest(
        'More than one possible network found. Specify network ID(s) to select which one(s) to connect to.',
      );
    return candidates[0];
  }
}
