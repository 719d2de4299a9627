import { createHash } from 'node:crypto';
import type { RegionState } from '../store/region-state';
import type { Server, ServerFault, VmState } from '../store/resources';
import { isoTime } from './oslo-message';

type Data = Record<string, unknown>;

/** A Nova versioned object as `obj_to_primitive()` puts it on the wire. */
export interface NovaObject {
  'nova_object.name': string;
  'nova_object.namespace': 'nova';
  'nova_object.version': string;
  'nova_object.data': Data;
}

const novaObject = (name: string, version: string, data: Data): NovaObject => ({
  'nova_object.name': name,
  'nova_object.namespace': 'nova',
  'nova_object.version': version,
  'nova_object.data': data,
});

/** The payload classes the simulator sends, at the versions current Nova sends them. */
export const PAYLOAD_VERSIONS = {
  InstanceActionPayload: '1.9',
  InstanceCreatePayload: '1.13',
  InstanceActionRebuildPayload: '1.10',
  InstanceUpdatePayload: '2.1',
} as const;
export type InstancePayloadName = keyof typeof PAYLOAD_VERSIONS;

/** Nova's power_state numbers as versioned notifications spell them. */
const POWER_STATE_NAMES: Record<number, string> = {
  0: 'pending',
  1: 'running',
  3: 'paused',
  4: 'shutdown',
  6: 'crashed',
  7: 'suspended',
};

/** What differs from the server as it is now: a notification describes the moment Nova sent it. */
export interface PayloadOverrides {
  state?: VmState | 'deleted';
  powerState?: number;
  taskState?: string | null;
  noHost?: boolean;
  deletedAt?: number;
  fault?: ServerFault | null;
}

/** Who the request context names, for the payload's request and initiator fields. */
export interface Initiator {
  requestId: string;
  userId: string | null;
  projectId: string | null;
}

/**
 * Nova's InstancePayload fields for a simulated server, with the configuration defaults that
 * shape them: `bdms_in_notifications` and `include_share_mapping` off, so `block_devices` and
 * `shares` are null.
 */
function instanceData(region: RegionState, s: Server, by: Initiator, o: PayloadOverrides): Data {
  const flavor = region.flavors.get(s.flavorId);
  const host = o.noHost ? null : s.host;
  return {
    uuid: s.id,
    user_id: s.userId,
    tenant_id: s.projectId,
    reservation_id: reservationId(s.id),
    display_name: s.name,
    // Before microversion 2.19 Nova gives a server its name as its description.
    display_description: s.name,
    host_name: hostnameOf(s.name),
    host,
    node: host,
    os_type: null,
    architecture: null,
    availability_zone: s.zone || null,
    flavor: novaObject('FlavorPayload', '1.4', {
      flavorid: s.flavorId,
      name: flavor?.name ?? null,
      root_gb: flavor?.disk ?? 0,
      vcpus: flavor?.vcpus ?? 0,
      ephemeral_gb: flavor?.ephemeral ?? 0,
      memory_mb: flavor?.ram ?? 0,
      disabled: false,
      rxtx_factor: 1.0,
      extra_specs: {},
      projects: null,
      swap: flavor?.swap ?? 0,
      is_public: true,
      vcpu_weight: 0,
      description: null,
    }),
    image_uuid: s.imageId,
    key_name: s.keyName,
    kernel_id: '',
    ramdisk_id: '',
    created_at: isoTime(s.created),
    launched_at: isoTime(s.launchedAt),
    terminated_at: isoTime(o.deletedAt ?? null),
    deleted_at: isoTime(o.deletedAt ?? null),
    updated_at: isoTime(s.updated),
    state: o.state ?? s.vmState,
    power_state: POWER_STATE_NAMES[o.powerState ?? s.powerState] ?? 'pending',
    task_state: o.taskState !== undefined ? o.taskState : s.taskState,
    progress: 0,
    ip_addresses: ipAddresses(region, s),
    block_devices: null,
    metadata: { ...s.metadata },
    locked: s.locked,
    auto_disk_config: s.diskConfig,
    // Nova leaves request_id out for its periodic tasks, whose context has no user or project.
    request_id: by.userId && by.projectId ? by.requestId : null,
    action_initiator_user: by.userId,
    action_initiator_project: by.projectId,
    locked_reason: s.lockedReason,
    shares: null,
  };
}

/** The payload of `instance.<action>.<phase>` (and of `instance.update` with `update`). */
export function instancePayload(
  name: InstancePayloadName,
  region: RegionState,
  s: Server,
  by: Initiator,
  o: PayloadOverrides & { update?: InstanceUpdate } = {},
): NovaObject {
  const data = instanceData(region, s, by, o);
  if (name === 'InstanceUpdatePayload') {
    const u = o.update ?? { oldState: s.vmState, oldTaskState: s.taskState, at: s.updated };
    Object.assign(data, {
      state_update: novaObject('InstanceStateUpdatePayload', '1.0', {
        old_state: u.oldState,
        state: data.state,
        old_task_state: u.oldTaskState,
        new_task_state: data.task_state,
      }),
      audit_period: novaObject('AuditPeriodPayload', '1.0', {
        audit_period_beginning: isoTime(monthStart(u.at)),
        audit_period_ending: isoTime(u.at),
      }),
      old_display_name: null,
      tags: [],
    });
  } else {
    data.fault = o.fault ? exceptionPayload(o.fault) : null;
  }
  if (name === 'InstanceCreatePayload') {
    const keypair = s.keyName ? region.keypairs.get(`${s.userId}/${s.keyName}`) : undefined;
    Object.assign(data, {
      keypairs: keypair
        ? [
            novaObject('KeypairPayload', '1.0', {
              user_id: keypair.userId,
              name: keypair.name,
              fingerprint: keypair.fingerprint,
              public_key: keypair.publicKey,
              type: keypair.type,
            }),
          ]
        : [],
      tags: [],
      trusted_image_certificates: null,
      instance_name: s.instanceName,
    });
  }
  if (name === 'InstanceActionRebuildPayload') data.trusted_image_certificates = null;
  return novaObject(name, PAYLOAD_VERSIONS[name], data);
}

/** A state change as `instance.update` reports it. */
export interface InstanceUpdate {
  oldState: VmState;
  oldTaskState: string | null;
  at: number;
}

/** Nova's ExceptionPayload for a simulated fault: where Nova raises that exception, and its message. */
function exceptionPayload(f: ServerFault): NovaObject {
  const exception = f.exception ?? 'BuildAbortException';
  const raisedIn =
    exception === 'NoValidHost'
      ? { module_name: 'nova.conductor.manager', function_name: '_schedule_instances' }
      : { module_name: 'nova.compute.manager', function_name: '_build_and_run_instance' };
  return novaObject('ExceptionPayload', '1.1', {
    ...raisedIn,
    exception,
    exception_message: f.message,
    traceback: `Traceback (most recent call last):\n  (simulated)\n${exception}: ${f.message}\n`,
  });
}

function ipAddresses(region: RegionState, s: Server): NovaObject[] {
  const out: NovaObject[] = [];
  for (const sp of s.ports) {
    const port = region.ports.get(sp.portId);
    if (!port) continue;
    const label = region.networks.get(port.networkId)?.name ?? port.networkId;
    for (const ip of port.fixedIps) {
      out.push(
        novaObject('IpPayload', '1.0', {
          label,
          mac: port.macAddress,
          meta: {},
          port_uuid: port.id,
          version: 4,
          address: ip.ipAddress,
          // The libvirt tap device Nova names after the port.
          device_name: `tap${port.id.slice(0, 11)}`,
        }),
      );
    }
  }
  return out;
}

/** Nova's reservation id is per create request; the simulator keeps none, so one is derived from the server. */
const reservationId = (id: string): string => `r-${createHash('sha1').update(id).digest('hex').slice(0, 8)}`;

/** The guest hostname Nova derives from the display name. */
const hostnameOf = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 63) || 'server';

/** The default audit period is the month so far. */
function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
