import { randomBytes } from 'node:crypto';
import { isUuid, newId } from '@grove/core';
import type { RegionApi } from '../http/api-context';
import { badRequest, conflict, forbidden, type ApiError } from '../http/api-error';
import { AddressError, createPort, networkVisible } from '../network/port-allocation';
import { parseIpv4 } from '../store/ip-pool';
import type { RegionState } from '../store/region-state';
import {
  POWER,
  type Flavor,
  type Hypervisor,
  type Network,
  type Port,
  type Server,
  type ServerGroup,
} from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';
import { findServerGroup, releaseNetwork, removeServer, simulatedWaitMs } from './server-state';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nova's jsonschema errors: the field, the value, and the rule it broke. */
export const schemaError = (field: string, value: unknown, why: string) =>
  badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${why}`);

/** The id at the end of a reference that may be a bare id or a URL (`http://…/flavors/1`). */
export const idFromHref = (ref: string): string => ref.replace(/\/+$/, '').split('/').pop() ?? ref;

/** One interface a new server gets: a port made on a network, or a port it is given. */
type NicPlan = { network: Network; fixedIp?: string } | { port: Port };

/** Everything a create request asks for, checked; nothing has changed in the cloud yet. */
export interface ServerPlan {
  name: string;
  flavor: Flavor;
  imageId: string;
  nics: NicPlan[];
  keyName: string | null;
  zone: string | null;
  forcedHost: Hypervisor | null;
  metadata: Record<string, string>;
  securityGroupIds: string[];
  userData: string | null;
  adminPass: string;
  configDrive: string;
  diskConfig: 'AUTO' | 'MANUAL';
  accessIPv4: string;
  accessIPv6: string;
  count: number;
  /** The server group of `scheduler_hints.group`, whose policy places the servers. */
  group: ServerGroup | null;
}

export const MAX_METADATA_ITEMS = 128;

/** Nova's metadata rules: keys of 1–255 characters, string values of at most 255, at most 128 items (its quota). */
export function checkMetadata(meta: unknown, field = 'metadata'): Record<string, string> {
  if (!isObject(meta)) throw schemaError(field, meta, `${JSON.stringify(meta)} is not of type 'object'`);
  for (const [k, v] of Object.entries(meta)) {
    if (k.length < 1 || k.length > 255)
      throw schemaError(field, meta, `Additional properties are not allowed ('${k}' was unexpected)`);
    // Nova names only the last step of the failing path: the key, not `metadata.key`.
    if (typeof v !== 'string') throw schemaError(k, v, `${JSON.stringify(v)} is not of type 'string'`);
    if (v.length > 255) throw schemaError(k, v, `'${v.slice(0, 40)}…' is too long`);
  }
  if (Object.keys(meta).length > MAX_METADATA_ITEMS)
    throw forbidden(`Maximum number of metadata items exceeds ${MAX_METADATA_ITEMS}`);
  return { ...(meta as Record<string, string>) };
}

export function findFlavor(region: RegionState, ref: unknown): Flavor {
  const id = idFromHref(String(ref));
  const f = region.flavors.get(id);
  if (!f) throw badRequest(`Flavor ${id} could not be found.`);
  return f;
}

/** An active image the project may boot, or Nova's 400. */
export function findImage(
  region: RegionState,
  ref: unknown,
  projectId: string,
  missing = 'Can not find requested image',
): string {
  const id = idFromHref(String(ref));
  if (!isUuid(id)) throw badRequest('Invalid imageRef provided.');
  const im = region.images.get(id);
  if (!im || (im.visibility !== 'public' && im.ownerProjectId !== projectId)) throw badRequest(missing);
  return id;
}

const boolish = (v: unknown) =>
  v === true || (typeof v === 'string' && ['true', '1', 'yes', 'y', 't', 'on'].includes(v.toLowerCase()));

/** Checks a `POST /servers` body the way Nova does, in Nova's order, and returns what to make. */
export function planServers(api: RegionApi, body: unknown): ServerPlan {
  const { region, caller } = api;
  if (!isObject(body) || !isObject(body.server))
    throw schemaError('server', isObject(body) ? body.server : body, "'server' is a required property");
  const srv = body.server;

  const name = srv.name;
  if (name === undefined) throw schemaError('server', srv, "'name' is a required property");
  if (typeof name !== 'string' || name.length < 1 || name.length > 255 || name.trim() !== name) {
    throw schemaError('name', name, 'The name must be 1 to 255 characters, without leading or trailing whitespace');
  }
  if (srv.flavorRef === undefined) throw schemaError('server', srv, "'flavorRef' is a required property");
  if (typeof srv.flavorRef !== 'string' && typeof srv.flavorRef !== 'number')
    throw schemaError('flavorRef', srv.flavorRef, 'is not a string or integer');

  let minCount = 1;
  let maxCount = 1;
  for (const [key, value] of [
    ['min_count', srv.min_count],
    ['max_count', srv.max_count],
  ] as const) {
    if (value === undefined) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw schemaError(key, value, `${JSON.stringify(value)} is less than the minimum of 1`);
    if (key === 'min_count') minCount = n;
    else maxCount = n;
  }
  if (srv.max_count === undefined) maxCount = minCount;
  if (minCount > maxCount) throw badRequest('min_count must be <= max_count');

  let zone: string | null = null;
  let forcedHost: Hypervisor | null = null;
  if (srv.availability_zone !== undefined && srv.availability_zone !== null && srv.availability_zone !== '') {
    if (typeof srv.availability_zone !== 'string')
      throw schemaError('availability_zone', srv.availability_zone, 'is not a string');
    const [z, host] = srv.availability_zone.split(':');
    zone = z || null;
    if (host) {
      if (!caller.isAdmin)
        throw forbidden("Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.");
      forcedHost = region.hypervisors.get(host) ?? null;
      if (!forcedHost) throw badRequest(`Compute host ${host} could not be found.`);
    }
    if (zone && !region.zones.includes(zone)) throw badRequest('The requested availability zone is not available');
  }

  const bdms = srv.block_device_mapping_v2;
  let imageId: string;
  if (bdms !== undefined && !Array.isArray(bdms))
    throw schemaError('block_device_mapping_v2', bdms, "is not of type 'array'");
  const bootsFromVolume =
    Array.isArray(bdms) &&
    bdms.some(
      (b) =>
        isObject(b) && Number(b.boot_index) === 0 && (b.destination_type === 'volume' || b.source_type === 'volume'),
    );
  for (const b of (bdms as unknown[] | undefined) ?? []) {
    if (isObject(b) && b.source_type === 'image' && typeof b.uuid === 'string')
      findImage(region, b.uuid, caller.project.id, `Block Device Mapping is Invalid: failed to get image ${b.uuid}.`);
  }
  if (srv.imageRef !== undefined && srv.imageRef !== '') imageId = findImage(region, srv.imageRef, caller.project.id);
  else if (bootsFromVolume) imageId = '';
  else throw badRequest('Missing imageRef attribute');

  const nics = planNetworks(api, srv.networks, maxCount);
  const flavor = findFlavor(region, srv.flavorRef);

  let keyName: string | null = null;
  if (srv.key_name !== undefined && srv.key_name !== null) {
    if (typeof srv.key_name !== 'string' || !region.keypairs.has(`${caller.user.id}/${srv.key_name}`))
      throw badRequest('Invalid key_name provided.');
    keyName = srv.key_name;
  }

  const metadata = srv.metadata === undefined ? {} : checkMetadata(srv.metadata);

  const securityGroupIds: string[] = [];
  if (srv.security_groups !== undefined) {
    if (!Array.isArray(srv.security_groups))
      throw schemaError('security_groups', srv.security_groups, "is not of type 'array'");
    for (const g of srv.security_groups) {
      const ref = isObject(g) ? g.name : undefined;
      if (typeof ref !== 'string')
        throw schemaError('security_groups', srv.security_groups, "'name' is a required property");
      const found =
        ref === 'default'
          ? region.defaultSecurityGroup(caller.project.id, Date.now())
          : [...region.securityGroups.values()].find(
              (x) => (x.id === ref || x.name === ref) && (x.projectId === caller.project.id || caller.isAdmin),
            );
      if (!found) throw badRequest(`Security group ${ref} not found.`);
      if (!securityGroupIds.includes(found.id)) securityGroupIds.push(found.id);
    }
  }

  let userData: string | null = null;
  if (srv.user_data !== undefined && srv.user_data !== null) {
    if (
      typeof srv.user_data !== 'string' ||
      !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(srv.user_data) ||
      srv.user_data.length > 65535
    ) {
      throw badRequest('User data needs to be valid base 64.');
    }
    userData = srv.user_data;
  }

  const diskConfig = srv['OS-DCF:diskConfig'];
  if (diskConfig !== undefined && diskConfig !== 'AUTO' && diskConfig !== 'MANUAL')
    throw schemaError('OS-DCF:diskConfig', diskConfig, "is not one of ['AUTO', 'MANUAL']");
  for (const key of ['accessIPv4', 'accessIPv6'] as const) {
    const v = srv[key];
    if (
      v !== undefined &&
      v !== null &&
      v !== '' &&
      (typeof v !== 'string' || (key === 'accessIPv4' && parseIpv4(v) === null))
    ) {
      throw schemaError(key, v, `is not a '${key === 'accessIPv4' ? 'ipv4' : 'ipv6'}'`);
    }
  }

  const group = planGroup(api, body);

  return {
    name,
    flavor,
    imageId,
    nics,
    keyName,
    zone,
    forcedHost,
    metadata,
    securityGroupIds,
    userData,
    adminPass:
      typeof srv.adminPass === 'string' && srv.adminPass
        ? srv.adminPass
        : randomBytes(9).toString('base64url').slice(0, 12),
    configDrive:
      srv.config_drive === undefined || srv.config_drive === '' ? '' : boolish(srv.config_drive) ? 'True' : '',
    diskConfig: (diskConfig as 'AUTO' | 'MANUAL' | undefined) ?? 'MANUAL',
    accessIPv4: typeof srv.accessIPv4 === 'string' ? srv.accessIPv4 : '',
    accessIPv6: typeof srv.accessIPv6 === 'string' ? srv.accessIPv6 : '',
    count: maxCount,
    group,
  };
}

/**
 * `os:scheduler_hints` (or its older name `OS-SCH-HNT:scheduler_hints`), beside `server`: only
 * `group` means anything here; it must name a server group the caller can see.
 */
function planGroup(api: RegionApi, body: Json): ServerGroup | null {
  const key = body['os:scheduler_hints'] !== undefined ? 'os:scheduler_hints' : 'OS-SCH-HNT:scheduler_hints';
  const hints = body[key];
  if (hints === undefined || hints === null) return null;
  if (!isObject(hints)) throw schemaError(key, hints, `${JSON.stringify(hints)} is not of type 'object'`);
  const id = hints.group;
  if (id === undefined) return null;
  if (typeof id !== 'string' || !isUuid(id)) throw schemaError('group', id, `${JSON.stringify(id)} is not a 'uuid'`);
  const group = findServerGroup(api.region, api, id);
  if (!group) throw badRequest(`Instance group ${id} could not be found.`);
  return group;
}

/**
 * `networks`: `[{uuid}|{port}|{uuid, fixed_ip}]`; when absent (or 'auto'), the one network the
 * project can attach to (not external), as Nova picks it — more than one is Nova's 409
 * NetworkAmbiguous.
 */
function planNetworks(api: RegionApi, networks: unknown, count: number): NicPlan[] {
  const { region, caller } = api;
  // Microversion 2.37 made `networks` required and added 'none' and 'auto'; the simulator takes both forms.
  if (networks === 'none') return [];
  if (networks === undefined || networks === null || networks === 'auto') {
    const candidates = [...region.networks.values()].filter(
      (n) => !n.external && (n.shared || n.projectId === caller.project.id),
    );
    if (candidates.length > 1) {
      throw conflict(
        'More than one possible network found. Specify network ID(s) to select which one(s) to connect to.',
      );
    }
    return candidates.map((network) => ({ network }));
  }
  if (!Array.isArray(networks)) throw schemaError('networks', networks, "is not of type 'array'");
  const seenPorts = new Set<string>();
  return networks.map((n): NicPlan => {
    if (!isObject(n)) throw badRequest('Bad networks format');
    if (n.port !== undefined && n.port !== null) {
      if (typeof n.port !== 'string' || !isUuid(n.port)) throw schemaError('port', n.port, "is not a 'uuid'");
      const port = region.ports.get(n.port);
      if (!port || (port.projectId !== caller.project.id && !caller.isAdmin))
        throw badRequest(`Port id ${n.port} could not be found.`);
      if (port.deviceId || seenPorts.has(port.id)) throw conflict(`Port ${port.id} is still in use.`);
      if (count > 1) {
        throw badRequest(
          'Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.',
        );
      }
      seenPorts.add(port.id);
      return { port };
    }
    if (typeof n.uuid !== 'string') throw badRequest('Bad network format: missing uuid');
    if (!isUuid(n.uuid)) throw badRequest(`Bad networks format: network uuid is not in proper format (${n.uuid})`);
    const network = region.networks.get(n.uuid);
    if (!network || !networkVisible(network, caller.project.id, caller.isAdmin))
      throw badRequest(`Network ${n.uuid} could not be found.`);
    if (network.external && !caller.isAdmin)
      throw forbidden(`It is not allowed to create an interface on external network ${network.id}`);
    if (n.fixed_ip === undefined || n.fixed_ip === null) return { network };
    if (typeof n.fixed_ip !== 'string' || parseIpv4(n.fixed_ip) === null)
      throw badRequest(`Invalid fixed IP address (${String(n.fixed_ip)})`);
    if (count > 1) throw badRequest('max_count cannot be greater than 1 if an fixed_ip is specified.');
    return { network, fixedIp: n.fixed_ip };
  });
}

/** Up-and-enabled hypervisors in the zone (any zone when none was asked for). */
const usableHosts = (region: RegionState, zone: string | null, exclude?: string): Hypervisor[] =>
  [...region.hypervisors.values()].filter(
    (h) => h.state === 'up' && h.status === 'enabled' && h.hostname !== exclude && (!zone || h.zone === zone),
  );

/** The first of `hosts` by `rank` (lower first), then by load: the scheduler's weighing. */
function leastBy(region: RegionState, hosts: Hypervisor[], rank: (h: Hypervisor) => number = () => 0) {
  let best: Hypervisor | null = null;
  let bestKey: [number, number] = [Infinity, Infinity];
  for (const h of hosts) {
    const key: [number, number] = [rank(h), region.hostLoad.get(h.hostname) ?? 0];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
      best = h;
      bestKey = key;
    }
  }
  return best;
}

/** The least loaded up-and-enabled hypervisor in the zone (any zone when none was asked for). */
export function pickHost(region: RegionState, zone: string | null, exclude?: string): Hypervisor | null {
  return leastBy(region, usableHosts(region, zone, exclude));
}

/**
 * Where a new member of `group` goes, within the zone: Nova's ServerGroupAffinityFilter (the
 * members' host, once there is one) and ServerGroupAntiAffinityFilter (a host with fewer than
 * `max_server_per_host` members, default 1) are hard, so null when no host passes; the soft
 * policies only weigh (most members first, or fewest), then the least loaded host wins.
 */
export function pickGroupHost(region: RegionState, zone: string | null, group: ServerGroup): Hypervisor | null {
  const now = Date.now();
  const onHost = new Map<string, number>();
  for (const id of group.members) {
    const s = region.servers.get(id);
    // A member whose delete has completed (but was not read since) no longer holds its host.
    if (s?.host && (s.deleteAt === null || s.deleteAt > now)) onHost.set(s.host, (onHost.get(s.host) ?? 0) + 1);
  }
  const members = (h: Hypervisor) => onHost.get(h.hostname) ?? 0;
  const hosts = usableHosts(region, zone);
  switch (group.policy) {
    case 'affinity':
      return leastBy(region, onHost.size ? hosts.filter((h) => onHost.has(h.hostname)) : hosts);
    case 'anti-affinity': {
      const max = group.rules.max_server_per_host ?? 1;
      return leastBy(
        region,
        hosts.filter((h) => members(h) < max),
      );
    }
    case 'soft-affinity':
      return leastBy(region, hosts, (h) => -members(h));
    case 'soft-anti-affinity':
      return leastBy(region, hosts, members);
  }
}

const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

/**
 * Makes the servers of a checked plan. Each is BUILD now and becomes ACTIVE after the build time
 * (or its metadata's simulated_wait_time), or ERROR: when no hypervisor can take it, when the
 * network has no address left, or by the build failure rate.
 */
export function createServers(
  store: SimulatorStore,
  api: RegionApi,
  plan: ServerPlan,
  extra: { stackId?: string } = {},
): Server[] {
  const { region, caller } = api;
  const now = Date.now();
  const made: Server[] = [];
  for (let i = 1; i <= plan.count; i++) {
    const host =
      plan.forcedHost ?? (plan.group ? pickGroupHost(region, plan.zone, plan.group) : pickHost(region, plan.zone));
    const id = newId();
    const s: Server = {
      id,
      name: plan.count > 1 ? `${plan.name}-${i}` : plan.name,
      region: region.name,
      projectId: caller.project.id,
      userId: caller.user.id,
      flavorId: plan.flavor.id,
      oldFlavorId: null,
      imageId: plan.imageId,
      keyName: plan.keyName,
      zone: host?.zone ?? plan.zone ?? '',
      host: host?.hostname ?? null,
      metadata: { ...plan.metadata },
      vmState: 'building',
      taskState: 'spawning',
      powerState: POWER.NOSTATE,
      pending: null,
      deleteAt: null,
      fault: null,
      ports: [],
      locked: false,
      lockedReason: null,
      configDrive: plan.configDrive,
      accessIPv4: plan.accessIPv4,
      accessIPv6: plan.accessIPv6,
      diskConfig: plan.diskConfig,
      userData: plan.userData,
      instanceName: region.nextInstanceName(),
      launchedAt: null,
      created: now,
      updated: now,
      stackId: extra.stackId ?? null,
      groupId: plan.group?.id ?? null,
    };
    let failure: string | null = host ? null : NO_VALID_HOST;
    let exception = host ? 'BuildAbortException' : 'NoValidHost';
    if (host) {
      try {
        attachInterfaces(store, region, s, plan, now);
      } catch (e) {
        if (!(e instanceof AddressError) || e.reason !== 'exhausted') {
          for (const m of made) removeServer(store, region, m, now);
          throw e instanceof AddressError ? addressError(e, store, region) : e;
        }
        failure = `Build of instance ${id} aborted: Failed to allocate the network(s), not rescheduling.`;
      }
    }
    const rate = store.knobs.build_failure_rate;
    if (!failure && rate > 0 && Math.random() < rate) {
      failure = `Build of instance ${id} aborted: simulated build failure (build_failure_rate ${rate}).`;
      exception = 'BuildAbortException';
    }
    const buildMs = simulatedWaitMs(s.metadata, store.knobs.build_time_ms);
    const announced = { action: 'create', requestedBy: caller } as const;
    s.pending = failure
      ? {
          at: now + buildMs,
          vmState: 'error',
          powerState: POWER.NOSTATE,
          fault: { code: 500, message: failure, created: now + buildMs, exception },
          // Nova gives back the interfaces it made when a build fails.
          apply: (done) => releaseNetwork(store, region, done, done.updated),
          ...announced,
        }
      : { at: now + buildMs, vmState: 'active', powerState: POWER.RUNNING, ...announced };
    region.addServer(s);
    // A member now, so that the next server of this request is placed around it.
    plan.group?.members.push(s.id);
    made.push(s);
  }
  return made;
}

function attachInterfaces(store: SimulatorStore, region: RegionState, s: Server, plan: ServerPlan, now: number): void {
  const owner = `compute:${s.zone || 'nova'}`;
  try {
    for (const nic of plan.nics) {
      if ('port' in nic) {
        nic.port.deviceId = s.id;
        nic.port.deviceOwner = owner;
        nic.port.hostId = s.host ?? '';
        nic.port.updated = now;
        nic.port.revision += 1;
        s.ports.push({ portId: nic.port.id, ownedByNova: false });
      } else {
        const port = createPort(
          store,
          region,
          nic.network,
          {
            networkId: nic.network.id,
            projectId: s.projectId,
            fixedIps: nic.fixedIp ? [{ ipAddress: nic.fixedIp }] : undefined,
            deviceId: s.id,
            deviceOwner: owner,
            hostId: s.host ?? '',
            securityGroupIds: plan.securityGroupIds.length ? plan.securityGroupIds : undefined,
          },
          now,
        );
        s.ports.push({ portId: port.id, ownedByNova: true });
      }
    }
  } catch (e) {
    // Undo this server's interfaces; the caller decides what the failure means.
    releaseNetwork(store, region, s, now);
    throw e;
  }
}

function addressError(e: AddressError, store: SimulatorStore, region: RegionState): ApiError {
  if (e.reason === 'in_use') {
    const owner = store.addressOwners.get(e.ip ?? '');
    const holder = owner?.portId ? region.ports.get(owner.portId)?.deviceId : undefined;
    return badRequest(`Fixed IP address ${e.ip} is already in use on instance ${holder || 'unknown'}.`);
  }
  return badRequest(`Invalid fixed IP address (${e.ip ?? ''})`);
}
