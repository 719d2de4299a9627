import { Inject, Injectable } from '@nestjs/common';
import { CloudConnector, type CloudOwner, type ServerGroupPolicy } from '@grove/drivers';
import type { LoadBalancerPort, PolicyPorts, PortOptions } from '@grove/policies';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { OctaviaLoadBalancerPort } from './load-balancer-port';
import type { LoadedProfile } from './profiles';

/** A port call that would change the cloud, made while previewing: a bug in the policy. */
export class PreviewWriteError extends Error {
  constructor(what: string) {
    super(`A preview may not change anything, but a policy asked to ${what}.`);
    this.name = 'PreviewWriteError';
  }
}

/** Wraps a port method that changes the cloud: refused in a preview. */
type Writes = <A extends unknown[], R>(what: string, f: (...a: A) => Promise<R>) => (...a: A) => Promise<R>;

/**
 * The cloud ports policies use, backed by the drivers of the cluster profile's region. In a
 * preview, reads go through and every write throws PreviewWriteError.
 */
@Injectable()
export class PolicyPortsFactory {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly cloud: CloudConnector,
  ) {}

  /** Ports of the region the cluster's profile works in, working for the cluster's owner. */
  for(profile: LoadedProfile, preview: boolean, cluster: CloudOwner): PolicyPorts {
    const region = (profile.properties.context as { region_name?: string } | undefined)?.region_name;
    return this.forRegion(region ?? this.o.config.CLOUD_REGION_NAME, cluster, preview);
  }

  forRegion(region: string, owner: CloudOwner | undefined, preview = false): PolicyPorts {
    const drivers = this.cloud.forRegion(region, owner);
    const write: Writes = (what, f) =>
      preview
        ? () => {
            throw new PreviewWriteError(what);
          }
        : f;
    return {
      identity: { regions: (o) => drivers.identity.regions(o.signal) },
      network: {
        subnetExists: async (nameOrId, o) => (await drivers.network.findSubnet(nameOrId, o.signal)) !== null,
        networkExists: async (nameOrId, o) => (await drivers.network.findNetwork(nameOrId, o.signal)) !== null,
      },
      compute: {
        availabilityZones: (o) => drivers.compute.availabilityZones(o.signal),
        hypervisors: async (o) =>
          (await drivers.compute.hypervisors(o.signal)).map((h) => ({
            id: h.id,
            hostname: h.hostname,
            serviceHost: h.serviceHost,
          })),
        findServerGroup: async (nameOrId, o) =>
          (await drivers.compute.getServerGroup(nameOrId, o.signal).catch(() => null)) ??
          (await drivers.compute.findServerGroupByName(nameOrId, o.signal)),
        createServerGroup: write('create a server group', (name: string, policy: string, o: PortOptions) =>
          drivers.compute.createServerGroup(name, policy as ServerGroupPolicy, o.signal),
        ),
        deleteServerGroup: write('delete a server group', (id: string, o: PortOptions) =>
          drivers.compute.deleteServerGroup(id, o.signal),
        ),
      },
      loadBalancer: this.loadBalancer(new OctaviaLoadBalancerPort(drivers), write),
    };
  }

  /** The Octavia port, its writes refused in a preview. */
  private loadBalancer(port: OctaviaLoadBalancerPort, write: Writes): LoadBalancerPort {
    return {
      create: write('create a load balancer', port.create.bind(port)),
      delete: write('delete a load balancer', port.delete.bind(port)),
      exists: port.exists.bind(port),
      flavorExists: port.flavorExists.bind(port),
      addMember: write('add a load-balancer member', port.addMember.bind(port)),
      removeMember: write('remove a load-balancer member', port.removeMember.bind(port)),
    };
  }
}
