import { S } from '@grove/core';

export interface NovaNetworkProps {
  network?: string;
  port?: string;
  subnet?: string;
  fixed_ip?: string;
  vnic_type?: string;
  security_groups?: string[];
  floating_network?: string;
  floating_ip?: string;
}

/** The resolved `properties` of an `os.nova.server-1.0` spec. */
export interface NovaServerProps {
  context?: { region_name?: string };
  admin_pass?: string;
  auto_disk_config: boolean;
  availability_zone?: string;
  block_device_mapping_v2?: Record<string, unknown>[];
  config_drive?: boolean;
  flavor: string;
  image?: string;
  key_name?: string;
  metadata?: Record<string, unknown>;
  name?: string;
  networks?: NovaNetworkProps[];
  personality?: { path: string; contents: string }[];
  scheduler_hints?: Record<string, unknown>;
  security_groups?: string[];
  user_data?: string;
}

/** Property names, types, defaults and updatability follow Senlin's nova server profile (the wire contract). */
export const NOVA_SERVER_PROPERTIES = {
  context: S.map('Where the servers live, e.g. {"region_name": "RegionTwo"}.'),
  admin_pass: S.string('Administrator password of the server; change it later with the change_password operation.'),
  auto_disk_config: S.boolean('Let Nova partition the disk automatically (OS-DCF:diskConfig AUTO).', { default: true }),
  availability_zone: S.string('Availability zone to boot in, unless a placement policy picks one.'),
  block_device_mapping_v2: S.list(
    'Block devices to attach at boot, in Nova block_device_mapping_v2 form.',
    S.map('One block device.', {
      uuid: S.string('Image, snapshot or volume the device comes from.'),
      source_type: S.string('Where the device comes from: image, snapshot, volume or blank.', { required: true }),
      destination_type: S.string('What the device becomes: volume or local.', { required: true }),
      disk_bus: S.string('Bus of the device.'),
      device_name: S.string('Device name in the guest, e.g. vda.'),
      volume_size: S.integer('Size in GB (MB for swap).', { required: true }),
      guest_format: S.string('File system of the device, e.g. swap or ephemeral.'),
      boot_index: S.integer('Boot order of the device.'),
      device_type: S.string('Kind of device, e.g. disk or cdrom.'),
      delete_on_termination: S.boolean('Delete the volume when the server is deleted.'),
      volume_type: S.string('Cinder volume type of a new volume.'),
    }),
  ),
  config_drive: S.boolean('Attach a config drive to the server.'),
  flavor: S.string('Flavor name or id of the server.', { required: true, updatable: true }),
  image: S.string('Image name or id to boot from; may be left out when booting from a volume.', { updatable: true }),
  key_name: S.string('Nova keypair injected into the server.'),
  metadata: S.map('Key/value pairs set on the server; keys and values up to 255 characters.', undefined, {
    updatable: true,
  }),
  name: S.string('Name of the server; the node name when left out.', { updatable: true }),
  networks: S.list(
    'Networks the server is plugged into.',
    S.map('One network attachment.', {
      network: S.string('Network name or id; a port is made on it unless `port` is given.'),
      port: S.string('An existing port to use.'),
      subnet: S.string('Subnet name or id for the fixed IP.'),
      vnic_type: S.string('vnic_type of the port made for this network.'),
      fixed_ip: S.string('Fixed IP address to ask for.'),
      security_groups: S.list(
        'Security groups of the port made for this network.',
        S.string('A security group name or id.', { required: true }),
      ),
      floating_network: S.string('Network from which a floating IP is attached to the port.'),
      floating_ip: S.string('An existing floating IP address to attach to the port.'),
    }),
    { updatable: true },
  ),
  personality: S.list(
    'Files injected into the server.',
    S.map('One file.', {
      path: S.string('Path of the file in the server.', { required: true }),
      contents: S.string('Contents of the file.', { required: true }),
    }),
  ),
  scheduler_hints: S.map('Hints for the Nova scheduler; keys and values up to 255 characters.'),
  security_groups: S.list('Security groups of the server.', S.string('A security group name.', { required: true })),
  user_data: S.string('User data served by the metadata service (Grove base64-encodes it).'),
};

export const NOVA_SERVER_OPERATIONS = {
  reboot: {
    description: 'Reboot the server.',
    parameters: { type: S.string('SOFT or HARD.', { default: 'SOFT', allowed: ['SOFT', 'HARD'] }) },
  },
  rebuild: { description: 'Rebuild the server from its current image and admin password.', parameters: {} },
  change_password: {
    description: 'Set a new administrator password.',
    parameters: { admin_pass: S.string('The new password.') },
  },
  pause: { description: 'Pause the server.', parameters: {} },
  unpause: { description: 'Let a paused server run again.', parameters: {} },
  suspend: { description: 'Suspend the server.', parameters: {} },
  resume: { description: 'Resume a suspended server.', parameters: {} },
  lock: { description: 'Lock the server against changes.', parameters: {} },
  unlock: { description: 'Unlock the server.', parameters: {} },
  start: { description: 'Start a stopped server.', parameters: {} },
  stop: { description: 'Stop the server.', parameters: {} },
  rescue: {
    description: 'Boot the server into rescue mode.',
    parameters: { image_ref: S.string('Image to rescue with.') },
  },
  unrescue: { description: 'Leave rescue mode.', parameters: {} },
  evacuate: {
    description: 'Rebuild the server on another host.',
    parameters: { host: S.string('Target host.'), force: S.string('Skip the scheduler checks (true/false).') },
  },
};
