import { Inject, Injectable } from '@nestjs/common';
import { CloudConnector, type CloudDrivers } from '@grove/drivers';
import type { LoadBalancerPort, PolicyPorts, PortOptions } from '@grove/policies';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import type { LoadedProfile } from './profiles';

/** A port call that would change the cloud, made while previewing: a bug in the policy. */
export class PreviewWriteError extends Error {
  constructor(what: string) {
    super(`A preview may not change anything, but a policy asked to ${what}.`);
    this.name = 'PreviewWriteError';
  }
}

const remaining = (o: PortOptions) => Math.max(1, o.deadline.getTime() - Date.now());

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

  /** Ports of the region the cluster's profile works in. */
  for(profile: LoadedProfile, preview: boolean): PolicyPorts {
    const region = (profile.properties.context as { region_name?: string } | undefined)?.region_name;
    return this.forRegion(region ?? this.o.config.CLOUD_REGION_NAME, preview);
  }

  forRegion(region: string, preview = false): PolicyPorts {
    const drivers = this.cloud.forRegion(region);
    const missing = () => Promise.reject(new Error('This cloud service has no driver yet.'));
    const write = <A extends unknown[], R>(what: string, f: (...a: A) => Promise<R>) =>
      preview
        ? () => {
            throw new PreviewWriteError(what);
          }
        : f;
    return {
      identity: { regions: (o) => drivers.identity.regions(o.signal) },
      compute: {
        availabilityZones: (o) => drivers.compute.availabilityZones(o.signal),
        // Server groups and load balancers arrive with their drivers.
        findServerGroup: missing,
        createServerGroup: write('create a server group', missing),
        deleteServerGroup: write('delete a server group', missing),
      },
      loadBalancer: this.loadBalancer(drivers, write),
    };
  }

  private loadBalancer(
    drivers: CloudDrivers,
    write: <A extends unknown[], R>(what: string, f: (...a: A) => Promise<R>) => (...a: A) => Promise<R>,
  ): LoadBalancerPort {
    void drivers;
    void remaining;
    const missing = () => Promise.reject(new Error('The load-balancer driver is not available yet.'));
    return {
      create: write('create a load balancer', missing),
      delete: write('delete a load balancer', missing),
      exists: missing,
      addMember: write('add a load-balancer member', missing),
      removeMember: write('remove a load-balancer member', missing),
    };
  }
}
