import type { Server } from '@grove/drivers';
import { ProfileError } from '../profile-type';
import { serverSpec } from './adopt-server';

const server = (o: Partial<Server> = {}, raw: Record<string, unknown> = {}): Server => ({
  id: 'srv-1',
  name: 'web',
  status: 'ACTIVE',
  metadata: {},
  addresses: {},
  flavorId: 'f1',
  imageId: 'img-1',
  availabilityZone: null,
  hypervisorHost: null,
  keyName: null,
  fault: null,
  raw,
  ...o,
});

describe('serverSpec', () => {
  it("builds Senlin's spec: ids, key, zone, metadata without membership keys, networks with a fixed address", () => {
    const s = server(
      {
        metadata: { team: 'ops', cluster_id: 'c', cluster_node_id: 'n', cluster_node_index: '2' },
        addresses: {
          private: [
            { addr: '10.0.0.4', version: 4, type: 'fixed' },
            { addr: '172.24.4.9', version: 4, type: 'floating' },
          ],
          other: [{ addr: '10.1.0.4', version: 4, type: 'fixed' }],
          floating_only: [{ addr: '172.24.4.10', version: 4, type: 'floating' }],
        },
        availabilityZone: 'az1',
        keyName: 'mykey',
      },
      {
        'OS-DCF:diskConfig': 'AUTO',
        config_drive: 'True',
        security_groups: [{ name: 'default' }, { name: 'web' }, { name: 'default' }],
      },
    );
    expect(serverSpec(s)).toEqual({
      auto_disk_config: true,
      availability_zone: 'az1',
      block_device_mapping_v2: [],
      config_drive: true,
      flavor: 'f1',
      image: 'img-1',
      key_name: 'mykey',
      metadata: { team: 'ops' },
      name: 'web',
      networks: [{ network: 'private' }, { network: 'other' }],
      security_groups: ['default', 'web'],
    });
  });

  it('leaves out what Nova shows as null or empty', () => {
    expect(serverSpec(server({}, { 'OS-DCF:diskConfig': 'MANUAL', config_drive: '' }))).toEqual({
      auto_disk_config: false,
      block_device_mapping_v2: [],
      config_drive: false,
      flavor: 'f1',
      image: 'img-1',
      metadata: {},
      name: 'web',
      networks: [],
      security_groups: [],
    });
  });

  it('refuses a server without an image, as Senlin does when it finds no bootable volume', () => {
    expect(() => serverSpec(server({ imageId: null }))).toThrow(
      new ProfileError(
        "Failed in adopting server 'srv-1': server doesn't have an image and it has no bootable volume.",
      ),
    );
  });
});
