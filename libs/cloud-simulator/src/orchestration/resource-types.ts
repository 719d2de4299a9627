import { randomInt } from 'node:crypto';
import { createServers, planServers } from '../compute/server-create';
import { beginDelete, beginTask, settleServer, simulatedWaitMs, statusOf } from '../compute/server-state';
import { serverAddresses, toServerView } from '../compute/server.view';
import type { RegionApi } from '../http/api-context';
import { ApiError } from '../http/api-error';
import { toPortView } from '../network/network.view';
import { addressApiError, AddressError, createPort, deletePort } from '../network/port-allocation';
import { POWER, type Network, type Server, type Stack, type StackResource } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';
import { convertParameter, validationFailed, type ParameterType } from './hot-template';
import { DEFERRED } from './intrinsics';

/** Everything a resource needs to act: the cloud, the region and caller, and its stack. */
export interface StackScope {
  store: SimulatorStore;
  api: RegionApi;
  stack: Stack;
  now: number;
}

export interface ResourceState {
  status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';
  reason?: string;
}

/** One Heat resource type, as far as the simulator makes it real. */
export interface ResourceType {
  properties: string[];
  attributes: string[];
  /** Takes any property and attribute (OS::Heat::None, made to stand in for any other type). */
  open?: boolean;
  /** Checks resolved properties; DEFERRED values (from resources not made yet) are skipped. */
  validate(scope: StackScope, name: string, props: Record<string, unknown>): void;
  /** Makes the cloud object; an ApiError here fails the stack's action with Heat's wording. */
  create(scope: StackScope, res: StackResource): void;
  /** Applies new properties in place; false when Heat would replace the resource instead. */
  update(scope: StackScope, res: StackResource, props: Record<string, unknown>): boolean;
  /** Starts deleting (servers take their delete time). */
  delete(scope: StackScope, res: StackResource): void;
  /** Runs when the stack action that removed the resource completes (ports outlive their servers until then). */
  finishDelete(scope: StackScope, res: StackResource): void;
  /** Whether nothing is left to wait for before finishDelete: the cloud object is gone, or finishDelete removes it. */
  gone(scope: StackScope, res: StackResource): boolean;
  /** How the cloud object is doing; `target` is the server status the stack action waits for. */
  state(scope: StackScope, res: StackResource, target: string): ResourceState;
  attribute(scope: StackScope, res: StackResource, name: string): unknown;
  reference(scope: StackScope, res: StackResource): unknown;
}

const known = (v: unknown): boolean => v !== DEFERRED && v !== undefined && v !== null;
const propertyError = (res: string, path: string, message: string) =>
  validationFailed(`Property error: resources.${res}.properties${path ? `.${path}` : ''}: ${message}`);
const notAssigned = (res: string, prop: string) => propertyError(res, '', `Property ${prop} not assigned`);

function checkUnknown(res: string, type: ResourceType, props: Record<string, unknown>): void {
  if (type.open) return;
  for (const key of Object.keys(props))
    if (!type.properties.includes(key)) throw propertyError(res, '', `Unknown Property ${key}`);
}

/** What POST /validate checks of a resource's properties: their names, not their values. */
export function checkPropertyNames(res: string, type: ResourceType, props: unknown): void {
  if (typeof props === 'object' && props !== null && !Array.isArray(props))
    checkUnknown(res, type, props as Record<string, unknown>);
}

/** Heat's generated names: `<stack>-<resource>-<12 random lowercase characters>`. */
export function physicalName(stack: Stack, resource: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let suffix = '';
  for (let i = 0; i < 12; i++) suffix += alphabet[randomInt(alphabet.length)];
  return `${stack.name}-${resource}-${suffix}`;
}

const findFlavorId = (scope: StackScope, ref: string): string | null =>
  scope.api.region.flavors.has(ref)
    ? ref
    : ([...scope.api.region.flavors.values()].find((f) => f.name === ref)?.id ?? null);

const findImageId = (scope: StackScope, ref: string): string | null => {
  const images = scope.api.region.images;
  if (images.has(ref)) return ref;
  return [...images.values()].find((i) => i.name === ref)?.id ?? null;
};

const findNetwork = (scope: StackScope, ref: string): Network | null => {
  const nets = scope.api.region.networks;
  return nets.get(ref) ?? [...nets.values()].find((n) => n.name === ref) ?? null;
};

const findSubnetId = (scope: StackScope, ref: string): string | null => {
  const subnets = scope.api.region.subnets;
  if (subnets.has(ref)) return ref;
  return [...subnets.values()].find((s) => s.name === ref)?.id ?? null;
};

/** Heat's words for a failure of the cloud call, as they appear in stack_status_reason. */
function resourceFailure(res: string, e: unknown): ApiError {
  if (e instanceof ApiError) {
    const kind =
      e.status === 400
        ? 'BadRequest'
        : e.status === 404
          ? 'NotFound'
          : e.status === 409
            ? 'Conflict'
            : e.status === 403
              ? 'Forbidden'
              : 'Error';
    return new ApiError(e.status, `${kind}: resources.${res}: ${e.message} (HTTP ${e.status})`);
  }
  throw e;
}

const serverOf = (scope: StackScope, res: StackResource): Server | null => {
  const s = scope.api.region.servers.get(res.physicalId);
  return s ? settleServer(scope.store, scope.api.region, s, scope.now) : null;
};

/** `[{network|port|fixed_ip|subnet|uuid}]` as Nova's `networks`. */
function novaNetworks(scope: StackScope, res: string, networks: unknown): Record<string, unknown>[] | undefined {
  if (networks === undefined || networks === null) return undefined;
  if (!Array.isArray(networks)) throw propertyError(res, 'networks', `"${JSON.stringify(networks)}" is not a list`);
  return networks.map((n, i) => {
    if (typeof n !== 'object' || n === null)
      throw propertyError(res, `networks[${i}]`, `"${JSON.stringify(n)}" is not a map`);
    const nic = n as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    if (known(nic.port)) out.port = nic.port;
    const netRef = nic.network ?? nic.uuid;
    if (known(netRef)) {
      const net = findNetwork(scope, String(netRef));
      out.uuid = net?.id ?? String(netRef);
    } else if (known(nic.subnet)) {
      const subnetId = findSubnetId(scope, String(nic.subnet));
      out.uuid = subnetId ? scope.api.region.subnets.get(subnetId)!.networkId : String(nic.subnet);
    }
    if (known(nic.fixed_ip)) out.fixed_ip = nic.fixed_ip;
    return out;
  });
}

const SERVER_PROPERTIES = [
  'name',
  'flavor',
  'image',
  'key_name',
  'networks',
  'metadata',
  'user_data',
  'user_data_format',
  'availability_zone',
  'security_groups',
  'block_device_mapping',
  'block_device_mapping_v2',
  'config_drive',
  'admin_pass',
  'scheduler_hints',
  'flavor_update_policy',
  'image_update_policy',
  'software_config_transport',
  'diskConfig',
  'personality',
  'reservation_id',
  'admin_user',
  'user_data_update_policy',
  'deployment_swift_data',
  'tags',
  'description',
];

const novaServer: ResourceType = {
  properties: SERVER_PROPERTIES,
  attributes: [
    'first_address',
    'name',
    'networks',
    'addresses',
    'accessIPv4',
    'accessIPv6',
    'instance_name',
    'show',
    'console_urls',
    'os_collect_config',
  ],

  validate(scope, name, props) {
    checkUnknown(name, this, props);
    if (props.flavor === undefined || props.flavor === null) throw notAssigned(name, 'flavor');
    if (known(props.flavor) && !findFlavorId(scope, String(props.flavor))) {
      throw propertyError(
        name,
        'flavor',
        `Error validating value '${String(props.flavor)}': The Flavor (${String(props.flavor)}) could not be found.`,
      );
    }
    const bootsFromVolume = Array.isArray(props.block_device_mapping_v2) || Array.isArray(props.block_device_mapping);
    if (!bootsFromVolume && (props.image === undefined || props.image === null)) {
      throw propertyError(name, '', 'Neither image nor bootable volume is specified for instance ' + name);
    }
    if (known(props.image) && !findImageId(scope, String(props.image))) {
      throw propertyError(
        name,
        'image',
        `Error validating value '${String(props.image)}': The Image (${String(props.image)}) could not be found.`,
      );
    }
    if (
      known(props.key_name) &&
      !scope.api.region.keypairs.has(`${scope.api.caller.user.id}/${String(props.key_name)}`)
    ) {
      throw propertyError(
        name,
        'key_name',
        `Error validating value '${String(props.key_name)}': The Key (${String(props.key_name)}) could not be found.`,
      );
    }
    if (known(props.metadata) && (typeof props.metadata !== 'object' || Array.isArray(props.metadata))) {
      throw propertyError(name, 'metadata', `Value '${JSON.stringify(props.metadata)}' is not a map`);
    }
    if (known(props.availability_zone) && !scope.api.region.zones.includes(String(props.availability_zone))) {
      throw propertyError(
        name,
        'availability_zone',
        `Error validating value '${String(props.availability_zone)}': The Availability Zone (${String(props.availability_zone)}) could not be found.`,
      );
    }
    if (Array.isArray(props.networks)) {
      props.networks.forEach((n, i) => {
        if (typeof n !== 'object' || n === null)
          throw propertyError(name, `networks[${i}]`, `"${JSON.stringify(n)}" is not a map`);
        const nic = n as Record<string, unknown>;
        const netRef = nic.network ?? nic.uuid;
        if (known(netRef) && !findNetwork(scope, String(netRef))) {
          throw propertyError(
            name,
            `networks[${i}].network`,
            `Error validating value '${String(netRef)}': Unable to find network with name or id '${String(netRef)}'`,
          );
        }
        if (known(nic.subnet) && !findSubnetId(scope, String(nic.subnet))) {
          throw propertyError(
            name,
            `networks[${i}].subnet`,
            `Error validating value '${String(nic.subnet)}': Unable to find subnet with name or id '${String(nic.subnet)}'`,
          );
        }
        if (known(nic.port) && !scope.api.region.ports.has(String(nic.port))) {
          throw propertyError(
            name,
            `networks[${i}].port`,
            `Error validating value '${String(nic.port)}': Unable to find port with name or id '${String(nic.port)}'`,
          );
        }
      });
    } else if (known(props.networks)) {
      throw propertyError(name, 'networks', `"${JSON.stringify(props.networks)}" is not a list`);
    }
  },

  create(scope, res) {
    const p = res.properties;
    const metadata = Object.fromEntries(
      Object.entries((p.metadata as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v),
      ]),
    );
    const server: Record<string, unknown> = {
      name: typeof p.name === 'string' && p.name ? p.name : physicalName(scope.stack, res.name),
      flavorRef: findFlavorId(scope, String(p.flavor)) ?? String(p.flavor),
      metadata,
    };
    if (known(p.image)) server.imageRef = findImageId(scope, String(p.image)) ?? String(p.image);
    const networks = novaNetworks(scope, res.name, p.networks);
    if (networks) server.networks = networks;
    if (known(p.key_name)) server.key_name = p.key_name;
    if (known(p.availability_zone)) server.availability_zone = p.availability_zone;
    // Heat hands user data to Nova base64-encoded.
    if (known(p.user_data)) server.user_data = Buffer.from(String(p.user_data)).toString('base64');
    if (Array.isArray(p.security_groups)) server.security_groups = p.security_groups.map((g) => ({ name: String(g) }));
    if (Array.isArray(p.block_device_mapping_v2)) server.block_device_mapping_v2 = p.block_device_mapping_v2;
    if (known(p.config_drive)) server.config_drive = p.config_drive;
    if (known(p.admin_pass)) server.adminPass = p.admin_pass;
    try {
      const [made] = createServers(scope.store, scope.api, planServers(scope.api, { server }), {
        stackId: scope.stack.id,
      });
      res.physicalId = made.id;
    } catch (e) {
      throw resourceFailure(res.name, e);
    }
  },

  update(scope, res, props) {
    const s = serverOf(scope, res);
    if (!s) return false;
    const old = res.properties;
    const same = (k: string) => JSON.stringify(old[k] ?? null) === JSON.stringify(props[k] ?? null);
    // Heat replaces a server whose networks, key or zone change; flavor and image change in place.
    if (!same('networks') || !same('key_name') || !same('availability_zone') || !same('block_device_mapping_v2'))
      return false;
    const now = scope.now;
    const ms = simulatedWaitMs(s.metadata, scope.store.knobs.action_time_ms);
    if (!same('flavor')) {
      const flavorId = findFlavorId(scope, String(props.flavor)) ?? s.flavorId;
      // Heat confirms the resize itself, so the server ends ACTIVE on the new flavor.
      beginTask(s, 'resize_prep', now, ms, {
        vmState: s.vmState === 'stopped' ? 'stopped' : 'active',
        powerState: s.vmState === 'stopped' ? POWER.SHUTDOWN : POWER.RUNNING,
        apply: (done) => {
          done.flavorId = flavorId;
        },
      });
    } else if (!same('image')) {
      const imageId = findImageId(scope, String(props.image)) ?? s.imageId;
      s.imageId = imageId;
      beginTask(s, 'rebuilding', now, ms, {
        vmState: 'active',
        powerState: POWER.RUNNING,
        action: 'rebuild',
        requestedBy: scope.api.caller,
      });
    }
    if (!same('name') && typeof props.name === 'string' && props.name) s.name = props.name;
    if (!same('metadata')) {
      s.metadata = Object.fromEntries(
        Object.entries((props.metadata as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : JSON.stringify(v),
        ]),
      );
    }
    s.updated = now;
    res.properties = props;
    res.updated = now;
    return true;
  },

  delete(scope, res) {
    const s = serverOf(scope, res);
    if (s && s.taskState !== 'deleting')
      beginDelete(s, scope.now, simulatedWaitMs(s.metadata, scope.store.knobs.delete_time_ms), scope.api.caller);
  },

  finishDelete() {},

  gone(scope, res) {
    return serverOf(scope, res) === null;
  },

  state(scope, res, target) {
    const s = serverOf(scope, res);
    if (!s)
      return {
        status: 'FAILED',
        reason: `NotFound: resources.${res.name}: Instance ${res.physicalId} could not be found. (HTTP 404)`,
      };
    const status = statusOf(s);
    if (status === target && s.taskState === null) return { status: 'COMPLETE' };
    if (status === 'ERROR') {
      return {
        status: 'FAILED',
        reason: `ResourceInError: resources.${res.name}: Went to status ERROR due to "Message: ${s.fault?.message ?? 'Unknown'}, Code: ${s.fault?.code ?? 500}"`,
      };
    }
    if (s.taskState === null && s.pending === null) {
      return { status: 'FAILED', reason: `Error: resources.${res.name}: Server ${s.name} is ${status}, not ${target}` };
    }
    return { status: 'IN_PROGRESS' };
  },

  attribute(scope, res, name) {
    const s = serverOf(scope, res);
    if (!s) return null;
    const addresses = serverAddresses(scope.api.region, s);
    switch (name) {
      case 'first_address': {
        const first = Object.values(addresses)[0]?.[0];
        return first ? first.addr : '';
      }
      case 'name':
        return s.name;
      case 'networks': {
        const out: Record<string, string[]> = {};
        for (const [net, list] of Object.entries(addresses)) {
          const ips = list.map((a) => String(a.addr));
          out[net] = ips;
          const id = [...scope.api.region.networks.values()].find((n) => n.name === net)?.id;
          if (id) out[id] = ips;
        }
        return out;
      }
      case 'addresses':
        return addresses;
      case 'accessIPv4':
        return s.accessIPv4;
      case 'accessIPv6':
        return s.accessIPv6;
      case 'instance_name':
        return s.instanceName;
      case 'show':
        return toServerView(scope.api, s);
      default:
        return null;
    }
  },

  reference(_scope, res) {
    return res.physicalId;
  },
};

const PORT_PROPERTIES = [
  'network',
  'network_id',
  'name',
  'fixed_ips',
  'security_groups',
  'admin_state_up',
  'device_id',
  'device_owner',
  'mac_address',
  'value_specs',
  'binding:vnic_type',
  'port_security_enabled',
  'allowed_address_pairs',
  'replacement_policy',
  'qos_policy',
  'tags',
  'dns_name',
  'description',
];

const neutronPort: ResourceType = {
  properties: PORT_PROPERTIES,
  attributes: [
    'fixed_ips',
    'mac_address',
    'network_id',
    'name',
    'device_id',
    'device_owner',
    'status',
    'subnets',
    'show',
    'admin_state_up',
    'security_groups',
    'tenant_id',
  ],

  validate(scope, name, props) {
    checkUnknown(name, this, props);
    const netRef = props.network ?? props.network_id;
    if (netRef === undefined || netRef === null) throw notAssigned(name, 'network');
    if (known(netRef) && !findNetwork(scope, String(netRef))) {
      throw propertyError(
        name,
        'network',
        `Error validating value '${String(netRef)}': Unable to find network with name or id '${String(netRef)}'`,
      );
    }
    if (known(props.fixed_ips)) {
      if (!Array.isArray(props.fixed_ips))
        throw propertyError(name, 'fixed_ips', `"${JSON.stringify(props.fixed_ips)}" is not a list`);
      props.fixed_ips.forEach((f, i) => {
        const ref = (f as Record<string, unknown> | null)?.subnet ?? (f as Record<string, unknown> | null)?.subnet_id;
        if (known(ref) && !findSubnetId(scope, String(ref))) {
          throw propertyError(
            name,
            `fixed_ips[${i}].subnet`,
            `Error validating value '${String(ref)}': Unable to find subnet with name or id '${String(ref)}'`,
          );
        }
      });
    }
  },

  create(scope, res) {
    const p = res.properties;
    const network = findNetwork(scope, String(p.network ?? p.network_id))!;
    const fixedIps = Array.isArray(p.fixed_ips)
      ? p.fixed_ips.map((f) => {
          const x = (f ?? {}) as Record<string, unknown>;
          const subnetRef = x.subnet ?? x.subnet_id;
          return {
            subnetId: known(subnetRef) ? (findSubnetId(scope, String(subnetRef)) ?? undefined) : undefined,
            ipAddress: known(x.ip_address) ? String(x.ip_address) : undefined,
          };
        })
      : undefined;
    const groups = Array.isArray(p.security_groups)
      ? p.security_groups.map((g) => {
          const ref = String(g);
          if (ref === 'default') return scope.api.region.defaultSecurityGroup(scope.stack.projectId, scope.now).id;
          const found = [...scope.api.region.securityGroups.values()].find((x) => x.id === ref || x.name === ref);
          if (!found)
            throw new ApiError(404, `NotFound: resources.${res.name}: Security group ${ref} does not exist (HTTP 404)`);
          return found.id;
        })
      : undefined;
    try {
      const port = createPort(
        scope.store,
        scope.api.region,
        network,
        {
          networkId: network.id,
          projectId: scope.stack.projectId,
          name: typeof p.name === 'string' ? p.name : physicalName(scope.stack, res.name),
          fixedIps,
          securityGroupIds: groups,
          adminStateUp: typeof p.admin_state_up === 'boolean' ? p.admin_state_up : undefined,
          deviceId: typeof p.device_id === 'string' ? p.device_id : undefined,
          deviceOwner: typeof p.device_owner === 'string' ? p.device_owner : undefined,
        },
        scope.now,
      );
      res.physicalId = port.id;
    } catch (e) {
      throw resourceFailure(res.name, e instanceof AddressError ? addressApiError(e) : e);
    }
  },

  update(scope, res, props) {
    const port = scope.api.region.ports.get(res.physicalId);
    const old = res.properties;
    const same = (k: string) => JSON.stringify(old[k] ?? null) === JSON.stringify(props[k] ?? null);
    if (!port || !same('network') || !same('network_id') || !same('fixed_ips')) return false;
    if (typeof props.name === 'string') port.name = props.name;
    if (typeof props.admin_state_up === 'boolean') port.adminStateUp = props.admin_state_up;
    port.updated = scope.now;
    port.revision += 1;
    res.properties = props;
    res.updated = scope.now;
    return true;
  },

  delete() {},

  finishDelete(scope, res) {
    const port = scope.api.region.ports.get(res.physicalId);
    if (port) deletePort(scope.store, scope.api.region, port, scope.now);
  },

  // Deleted by finishDelete, after the servers that use it.
  gone: () => true,

  state(scope, res) {
    return scope.api.region.ports.has(res.physicalId)
      ? { status: 'COMPLETE' }
      : {
          status: 'FAILED',
          reason: `NotFound: resources.${res.name}: Port ${res.physicalId} could not be found. (HTTP 404)`,
        };
  },

  attribute(scope, res, name) {
    const port = scope.api.region.ports.get(res.physicalId);
    if (!port) return null;
    const view = toPortView(port);
    if (name === 'show') return view;
    if (name === 'subnets')
      return port.fixedIps.map((f) => ({ id: f.subnetId, cidr: scope.api.region.subnets.get(f.subnetId)?.cidr }));
    return (view as Record<string, unknown>)[name] ?? null;
  },

  reference(_scope, res) {
    return res.physicalId;
  },
};

/** Own keys only: names come from templates, and `constructor` must not find Object's. */
const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

const CHARACTER_CLASSES: Record<string, string> = {
  lettersdigits: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
};

/** OS::Heat::RandomString's value: the required minimum of each class and sequence, then any of them, shuffled. */
export function randomString(props: Record<string, unknown>): string {
  const length = props.length === undefined ? 32 : Number(props.length);
  const classes = Array.isArray(props.character_classes) ? (props.character_classes as Record<string, unknown>[]) : [];
  const sequences = Array.isArray(props.character_sequences)
    ? (props.character_sequences as Record<string, unknown>[])
    : [];
  const pools: { chars: string; min: number }[] = [
    ...classes.map((c) => ({
      chars: own(CHARACTER_CLASSES, String(c.class ?? 'lettersdigits')) ?? CHARACTER_CLASSES.lettersdigits,
      min: Number(c.min ?? 1),
    })),
    ...sequences.map((s) => ({ chars: String(s.sequence ?? ''), min: Number(s.min ?? 1) })),
  ].filter((p) => p.chars.length > 0);
  if (pools.length === 0)
    pools.push({
      chars: own(CHARACTER_CLASSES, String(props.sequence ?? 'lettersdigits')) ?? CHARACTER_CLASSES.lettersdigits,
      min: 0,
    });
  const out: string[] = [];
  for (const p of pools) for (let i = 0; i < p.min; i++) out.push(p.chars[randomInt(p.chars.length)]);
  const all = pools.map((p) => p.chars).join('');
  while (out.length < length) out.push(all[randomInt(all.length)]);
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.join('');
}

/** Resources that exist only in Heat: nothing in the cloud to wait for or delete. */
const heatOnly = (
  o: Pick<
    ResourceType,
    'properties' | 'attributes' | 'open' | 'validate' | 'create' | 'update' | 'attribute' | 'reference'
  >,
): ResourceType => ({
  ...o,
  delete() {},
  finishDelete() {},
  gone: () => true,
  state: () => ({ status: 'COMPLETE' }),
});

const randomStringType = heatOnly({
  properties: ['length', 'sequence', 'character_classes', 'character_sequences', 'salt'],
  attributes: ['value', 'show'],
  validate(_scope, name, props) {
    checkUnknown(name, this as ResourceType, props);
    if (known(props.length)) {
      const n = Number(props.length);
      if (!Number.isInteger(n) || n < 1 || n > 512)
        throw propertyError(name, 'length', `${String(props.length)} is out of range (min: 1, max: 512)`);
      const minimum = [
        ...(Array.isArray(props.character_classes) ? props.character_classes : []),
        ...(Array.isArray(props.character_sequences) ? props.character_sequences : []),
      ].reduce((sum: number, c) => sum + Number((c as Record<string, unknown>)?.min ?? 1), 0);
      if (minimum > n)
        throw propertyError(
          name,
          '',
          `Length property cannot be smaller than combined character class and character sequence minimums`,
        );
    }
    for (const c of Array.isArray(props.character_classes) ? props.character_classes : []) {
      const cls = (c as Record<string, unknown>)?.class;
      if (known(cls) && own(CHARACTER_CLASSES, String(cls)) === undefined) {
        throw propertyError(
          name,
          'character_classes',
          `"${String(cls)}" is not an allowed value [${Object.keys(CHARACTER_CLASSES).join(', ')}]`,
        );
      }
    }
  },
  create(scope, res) {
    res.physicalId = physicalName(scope.stack, res.name);
    res.data.value = randomString(res.properties);
  },
  update(scope, res, props) {
    if (JSON.stringify(res.properties) !== JSON.stringify(props)) {
      res.data.value = randomString(props);
      res.properties = props;
      res.updated = scope.now;
    }
    return true;
  },
  attribute(_scope, res, name) {
    return name === 'show' ? { value: res.data.value } : (res.data.value ?? null);
  },
  // Heat gives the generated string as the RandomString's reference.
  reference(_scope, res) {
    return res.data.value ?? res.name;
  },
});

const noneType = heatOnly({
  properties: [],
  attributes: ['show'],
  open: true,
  validate() {},
  create(scope, res) {
    res.physicalId = physicalName(scope.stack, res.name);
  },
  update(scope, res, props) {
    res.properties = props;
    res.updated = scope.now;
    return true;
  },
  // Any attribute of a None is null; `show` is its (empty) data.
  attribute: (_scope, _res, name) => (name === 'show' ? {} : null),
  reference(_scope, res) {
    return res.physicalId;
  },
});

/**
 * Heat's test resource: stores `value` (its `output`), and with `fail` fails the create or update
 * that makes it, with Heat's ValueError. Its waits and client polling are not simulated.
 */
const testResourceType: ResourceType = {
  properties: [
    'value',
    'update_replace',
    'fail',
    'client_name',
    'entity_name',
    'wait_secs',
    'action_wait_secs',
    'attr_wait_secs',
    'constraint_prop_secs',
    'update_replace_value',
  ],
  attributes: ['output', 'show'],
  validate(_scope, name, props) {
    checkUnknown(name, this as ResourceType, props);
  },
  create(scope, res) {
    if (res.properties.fail === true) return;
    res.physicalId = physicalName(scope.stack, res.name);
    res.data.value = res.properties.value ?? 'test_string';
  },
  update(scope, res, props) {
    // A new value with update_replace makes Heat replace the resource.
    if (props.value !== res.properties.value && props.update_replace === true) return false;
    res.properties = props;
    if (props.fail !== true) res.data.value = props.value ?? 'test_string';
    res.updated = scope.now;
    return true;
  },
  delete() {},
  finishDelete() {},
  gone: () => true,
  state(scope, res) {
    const action = scope.stack.action;
    if (res.properties.fail === true && (action === 'CREATE' || action === 'UPDATE'))
      return { status: 'FAILED', reason: `ValueError: resources.${res.name}: Test Resource failed ${res.name}` };
    return { status: 'COMPLETE' };
  },
  attribute(_scope, res, name) {
    return name === 'show' ? { value: res.data.value ?? null } : (res.data.value ?? null);
  },
  reference(_scope, res) {
    return res.physicalId || null;
  },
};

const VALUE_TYPES: ParameterType[] = ['string', 'number', 'json', 'comma_delimited_list', 'boolean'];

const valueType = heatOnly({
  properties: ['value', 'type'],
  attributes: ['value', 'show'],
  validate(_scope, name, props) {
    checkUnknown(name, this as ResourceType, props);
    if (!('value' in props)) throw notAssigned(name, 'value');
    if (known(props.type) && !VALUE_TYPES.includes(props.type as ParameterType)) {
      throw propertyError(name, 'type', `"${String(props.type)}" is not an allowed value [${VALUE_TYPES.join(', ')}]`);
    }
  },
  create(scope, res) {
    res.physicalId = physicalName(scope.stack, res.name);
    res.data.value = typedValue(res);
  },
  update(scope, res, props) {
    res.properties = props;
    res.data.value = typedValue(res);
    res.updated = scope.now;
    return true;
  },
  attribute(_scope, res, name) {
    return name === 'show' ? { value: res.data.value } : (res.data.value ?? null);
  },
  reference(_scope, res) {
    return res.physicalId;
  },
});

function typedValue(res: StackResource): unknown {
  const { value, type } = res.properties;
  if (!type) return value;
  const def = {
    name: `${res.name}.value`,
    type: type as ParameterType,
    description: '',
    label: '',
    hidden: false,
    constraints: [],
  };
  return convertParameter(def, value);
}

/** The resource types the simulator makes; others fail validation with Heat's message. */
export const RESOURCE_TYPES: Record<string, ResourceType> = {
  'OS::Nova::Server': novaServer,
  'OS::Neutron::Port': neutronPort,
  'OS::Heat::RandomString': randomStringType,
  'OS::Heat::None': noneType,
  'OS::Heat::Value': valueType,
  'OS::Heat::TestResource': testResourceType,
};

/** The type a name stands for, following the environment's resource_registry aliases. */
export function canonicalType(type: string, aliases: Record<string, string> = {}): string {
  const seen = new Set<string>();
  let t = type;
  while (own(aliases, t) && !seen.has(t)) {
    seen.add(t);
    t = aliases[t];
  }
  if (!own(RESOURCE_TYPES, t)) throw validationFailed(`The Resource Type (${type}) could not be found.`);
  return t;
}

export const resourceType = (type: string, aliases: Record<string, string> = {}): ResourceType =>
  RESOURCE_TYPES[canonicalType(type, aliases)];
