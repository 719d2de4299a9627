import { Module, type DynamicModule } from '@nestjs/common';
import { AdminController } from './admin/admin.controller';
import { AdminOperations } from './admin/admin-operations';
import { FlavorsController } from './compute/flavors.controller';
import { InterfacesController } from './compute/interfaces.controller';
import { KeypairsController } from './compute/keypairs.controller';
import { ServerGroupsController } from './compute/server-groups.controller';
import { ServerMetadataController } from './compute/server-metadata.controller';
import { ServersController } from './compute/servers.controller';
import { ZonesController } from './compute/zones.controller';
import { TokenGuard } from './http/api-context';
import { VersionDiscoveryController } from './http/version-discovery.controller';
import { IdentityController } from './identity/identity.controller';
import { ImagesController } from './image/images.controller';
import { HealthMonitorsController } from './load-balancer/health-monitors.controller';
import { ListenersController } from './load-balancer/listeners.controller';
import { LoadBalancersController } from './load-balancer/load-balancers.controller';
import { PoolsController } from './load-balancer/pools.controller';
import { FloatingIpsController } from './network/floating-ips.controller';
import { NetworksController } from './network/networks.controller';
import { PortsController } from './network/ports.controller';
import { StacksController } from './orchestration/stacks.controller';
import { SimulatorStore } from './store/simulator-store';

/** Keystone, Nova, Glance, Neutron, Heat, Octavia and the admin API on one port, over one store. */
@Module({})
export class SimulatorModule {
  static register(store: SimulatorStore, admin: AdminOperations): DynamicModule {
    return {
      module: SimulatorModule,
      controllers: [
        AdminController,
        IdentityController,
        ServersController,
        ServerMetadataController,
        InterfacesController,
        FlavorsController,
        KeypairsController,
        ZonesController,
        ServerGroupsController,
        ImagesController,
        NetworksController,
        PortsController,
        FloatingIpsController,
        StacksController,
        LoadBalancersController,
        ListenersController,
        PoolsController,
        HealthMonitorsController,
        // Last: its `/:region/<service>` routes must not shadow the others.
        VersionDiscoveryController,
      ],
      providers: [
        { provide: SimulatorStore, useValue: store },
        { provide: AdminOperations, useValue: admin },
        TokenGuard,
      ],
    };
  }
}
