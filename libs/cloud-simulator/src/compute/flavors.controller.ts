import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { badRequest, notFound } from '../http/api-error';
import type { Flavor } from '../store/resources';
import { links } from './server.view';

const toFlavorView = (api: RegionApi, f: Flavor) => ({
  id: f.id,
  name: f.name,
  ram: f.ram,
  disk: f.disk,
  // Nova shows no swap as an empty string before microversion 2.75.
  swap: f.swap === 0 ? '' : f.swap,
  'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
  'OS-FLV-DISABLED:disabled': false,
  vcpus: f.vcpus,
  'os-flavor-access:is_public': true,
  rxtx_factor: 1.0,
  links: links(api, 'flavors', f.id),
});

/** Nova flavors, sorted by flavor id as Nova does, with minRam/minDisk filters and paging. */
@Controller(':region/compute/v2.1/flavors')
@UseGuards(TokenGuard)
export class FlavorsController {
  private select(api: RegionApi, q: Record<string, string | undefined>): Flavor[] {
    let list = [...api.region.flavors.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
    const minRam = q.minRam === undefined ? null : Number(q.minRam);
    const minDisk = q.minDisk === undefined ? null : Number(q.minDisk);
    if ((minRam !== null && Number.isNaN(minRam)) || (minDisk !== null && Number.isNaN(minDisk)))
      throw badRequest('Invalid min filter.');
    if (minRam !== null) list = list.filter((f) => f.ram >= minRam);
    if (minDisk !== null) list = list.filter((f) => f.disk >= minDisk);
    if (q.marker !== undefined) {
      const at = list.findIndex((f) => f.id === q.marker);
      if (at < 0) throw badRequest(`marker [${q.marker}] not found`);
      list = list.slice(at + 1);
    }
    if (q.limit !== undefined) list = list.slice(0, Math.max(0, Number(q.limit) || 0));
    return list;
  }

  @Get()
  list(@Api() api: RegionApi, @Query() q: Record<string, string | undefined>) {
    return {
      flavors: this.select(api, q).map((f) => ({ id: f.id, name: f.name, links: links(api, 'flavors', f.id) })),
    };
  }

  @Get('detail')
  detail(@Api() api: RegionApi, @Query() q: Record<string, string | undefined>) {
    return { flavors: this.select(api, q).map((f) => toFlavorView(api, f)) };
  }

  @Get(':id')
  show(@Api() api: RegionApi, @Param('id') id: string) {
    const f = api.region.flavors.get(id);
    if (!f) throw notFound(`Flavor ${id} could not be found.`);
    return { flavor: toFlavorView(api, f) };
  }
}
