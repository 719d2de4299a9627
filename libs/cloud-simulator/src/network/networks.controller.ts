import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { ApiError } from '../http/api-error';
import { SimulatorStore } from '../store/simulator-store';
import { neutronList, pick, type NeutronQuery } from './neutron-query';
import { networkVisible } from './port-allocation';
import { toNetworkView, toSecurityGroupView, toSubnetView } from './network.view';

const fieldsOf = (q: NeutronQuery) => (q.fields === undefined ? null : Array.isArray(q.fields) ? q.fields : [q.fields]);

/** Neutron networks, subnets and security groups (read-only; the seed defines networks). */
@Controller(':region/network/v2.0')
@UseGuards(TokenGuard)
export class NetworksController {
  constructor(private readonly store: SimulatorStore) {}

  private url(api: RegionApi, collection: string): string {
    return `${api.baseUrl}/${api.region.name}/network/v2.0/${collection}`;
  }

  @Get('networks')
  networks(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    const visible = [...api.region.networks.values()].filter((n) =>
      networkVisible(n, api.caller.project.id, api.caller.isAdmin),
    );
    return neutronList('networks', visible.map(toNetworkView), q, this.url(api, 'networks'));
  }

  @Get('networks/:id')
  network(@Api() api: RegionApi, @Param('id') id: string, @Query() q: NeutronQuery) {
    const n = api.region.networks.get(id);
    if (!n || !networkVisible(n, api.caller.project.id, api.caller.isAdmin))
      throw new ApiError(404, `Network ${id} could not be found.`, 'NetworkNotFound');
    return { network: pick(toNetworkView(n), fieldsOf(q)) };
  }

  @Get('subnets')
  subnets(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    const visible = [...api.region.subnets.values()].filter((s) => {
      const n = api.region.networks.get(s.networkId);
      return n && networkVisible(n, api.caller.project.id, api.caller.isAdmin);
    });
    return neutronList(
      'subnets',
      visible.map((s) => toSubnetView(this.store, s)),
      q,
      this.url(api, 'subnets'),
    );
  }

  @Get('subnets/:id')
  subnet(@Api() api: RegionApi, @Param('id') id: string, @Query() q: NeutronQuery) {
    const s = api.region.subnets.get(id);
    const n = s && api.region.networks.get(s.networkId);
    if (!s || !n || !networkVisible(n, api.caller.project.id, api.caller.isAdmin))
      throw new ApiError(404, `Subnet ${id} could not be found.`, 'SubnetNotFound');
    return { subnet: pick(toSubnetView(this.store, s), fieldsOf(q)) };
  }

  @Get('security-groups')
  securityGroups(@Api() api: RegionApi, @Query() q: NeutronQuery) {
    api.region.defaultSecurityGroup(api.caller.project.id, Date.now());
    const visible = [...api.region.securityGroups.values()].filter(
      (g) => api.caller.isAdmin || g.projectId === api.caller.project.id,
    );
    return neutronList('security_groups', visible.map(toSecurityGroupView), q, this.url(api, 'security-groups'));
  }

  @Get('security-groups/:id')
  securityGroup(@Api() api: RegionApi, @Param('id') id: string, @Query() q: NeutronQuery) {
    const g = api.region.securityGroups.get(id);
    if (!g || (!api.caller.isAdmin && g.projectId !== api.caller.project.id)) {
      throw new ApiError(404, `Security group ${id} does not exist`, 'SecurityGroupNotFound');
    }
    return { security_group: pick(toSecurityGroupView(g), fieldsOf(q)) };
  }
}
