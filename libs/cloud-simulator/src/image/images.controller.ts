import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { badRequest, notFound } from '../http/api-error';
import type { Image } from '../store/resources';
import { toImageView } from './image.view';

type ListQuery = Record<string, string | undefined>;

const FILTERS = ['name', 'status', 'visibility', 'owner', 'disk_format', 'container_format', 'id'] as const;

/** Glance v2 images: list (with Glance's filters and marker paging) and show. Seeded images are active and never change. */
@Controller(':region/image/v2/images')
@UseGuards(TokenGuard)
export class ImagesController {
  private visible(api: RegionApi, im: Image): boolean {
    return api.caller.isAdmin || im.visibility !== 'private' || im.ownerProjectId === api.caller.project.id;
  }

  @Get()
  list(@Api() api: RegionApi, @Query() q: ListQuery) {
    let images = [...api.region.images.values()].filter((im) => this.visible(api, im));
    for (const key of FILTERS) {
      const want = q[key];
      if (want === undefined) continue;
      images = images.filter((im) => String(toImageView(im)[key]) === want);
    }
    // Glance's default order: newest first, ties broken by id.
    images.sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
    if (q.marker !== undefined) {
      const at = images.findIndex((im) => im.id === q.marker);
      if (at < 0) throw notFound(`No image found with ID ${q.marker}`);
      images = images.slice(at + 1);
    }
    const limit = q.limit === undefined ? 25 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 0) throw badRequest('limit param must be an integer');
    const page = images.slice(0, limit);
    const body: Record<string, unknown> = {
      images: page.map(toImageView),
      first: '/v2/images',
      schema: '/v2/schemas/images',
    };
    if (images.length > limit && page.length) {
      const next = new URLSearchParams(
        Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'marker'),
      );
      next.set('marker', page[page.length - 1].id);
      body.next = `/v2/images?${next}`;
    }
    return body;
  }

  @Get(':id')
  show(@Api() api: RegionApi, @Param('id') id: string) {
    const im = api.region.images.get(id);
    if (!im || !this.visible(api, im)) throw notFound(`No image found with ID ${id}`);
    return toImageView(im);
  }
}
