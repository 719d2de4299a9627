import { Controller, Get, HttpCode, Param, Req } from '@nestjs/common';
import { SimulatorStore } from '../store/simulator-store';
import { notFound } from './api-error';
import { baseUrlOf, type SimRequest } from './sim-request';

/**
 * The unauthenticated version documents at the root of each regional service, which
 * openstacksdk and the openstack CLI read to find the API version.
 */
@Controller(':region')
export class VersionDiscoveryController {
  constructor(private readonly store: SimulatorStore) {}

  private root(req: SimRequest, region: string): string {
    if (!this.store.regions.has(region)) throw notFound('The resource could not be found.');
    return `${baseUrlOf(req, this.store.url)}/${region}`;
  }

  private novaVersion(root: string) {
    return {
      id: 'v2.1',
      status: 'CURRENT',
      version: '2.96',
      min_version: '2.1',
      updated: '2013-07-23T11:33:21Z',
      links: [{ rel: 'self', href: `${root}/compute/v2.1/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
    };
  }

  @Get('compute')
  computeVersions(@Req() req: SimRequest, @Param('region') region: string) {
    return { versions: [this.novaVersion(this.root(req, region))] };
  }

  @Get('compute/v2.1')
  computeVersion(@Req() req: SimRequest, @Param('region') region: string) {
    return { version: this.novaVersion(this.root(req, region)) };
  }

  @Get('image')
  @HttpCode(300)
  imageVersions(@Req() req: SimRequest, @Param('region') region: string) {
    const root = this.root(req, region);
    return { versions: [{ id: 'v2.16', status: 'CURRENT', links: [{ rel: 'self', href: `${root}/image/v2/` }] }] };
  }

  @Get('network')
  networkVersions(@Req() req: SimRequest, @Param('region') region: string) {
    const root = this.root(req, region);
    return { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${root}/network/v2.0/` }] }] };
  }

  @Get('load-balancer')
  loadBalancerVersions(@Req() req: SimRequest, @Param('region') region: string) {
    const self = [{ rel: 'self', href: `${this.root(req, region)}/load-balancer/v2` }];
    return {
      versions: [
        { id: 'v2.0', status: 'SUPPORTED', updated: '2016-12-11T00:00:00Z', links: self },
        { id: 'v2.27', status: 'CURRENT', updated: '2023-05-05T00:00:00Z', links: self },
      ],
    };
  }

  @Get('orchestration')
  @HttpCode(300)
  orchestrationVersions(@Req() req: SimRequest, @Param('region') region: string) {
    const root = this.root(req, region);
    return {
      versions: [{ id: 'v1.0', status: 'CURRENT', links: [{ rel: 'self', href: `${root}/orchestration/v1/` }] }],
    };
  }
}
