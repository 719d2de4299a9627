import { isUuid } from '@grove/core';
import { LookupCache } from '../http/lookup-cache';
import type { Image, ImageDriver } from '../image/image.driver';
import type { OpenStackService } from './openstack-service';

interface RawImage {
  id: string;
  name: string;
  status: string;
  min_disk?: number;
  min_ram?: number;
}

const toImage = (i: RawImage): Image => ({
  id: i.id,
  name: i.name,
  status: i.status,
  minDisk: i.min_disk ?? 0,
  minRam: i.min_ram ?? 0,
});

export class GlanceDriver implements ImageDriver {
  private readonly lookups = new LookupCache();

  constructor(private readonly glance: OpenStackService) {}

  findImage(nameOrId: string, signal?: AbortSignal): Promise<Image | null> {
    return this.lookups.get('image', nameOrId, () => this.lookupImage(nameOrId, signal));
  }

  private async lookupImage(nameOrId: string, signal?: AbortSignal): Promise<Image | null> {
    if (isUuid(nameOrId)) {
      const res = await this.glance.call<RawImage>('GET', `/images/${nameOrId}`, { expect: [404], signal });
      if (res.status !== 404) return toImage(res.body);
    }
    const res = await this.glance.call<{ images: RawImage[] }>('GET', `/images?name=${encodeURIComponent(nameOrId)}`, {
      signal,
    });
    const found = res.body.images?.[0];
    return found ? toImage(found) : null;
  }
}
