import { isUuid } from '@grove/core';
import { LookupCache } from '../http/lookup-cache';
import type { Image, ImageDriver } from '../image/image.driver';
import type { OpenStackService } from './openstack-service';
import { ownedBy } from './project-scope';

interface RawImage {
  id: string;
  name: string;
  status: string;
  owner?: string;
  visibility?: string;
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
    const project = await this.glance.project(signal);
    if (isUuid(nameOrId)) {
      const res = await this.glance.call<RawImage>('GET', `/images/${nameOrId}`, { expect: [404], signal });
      if (res.status !== 404 && (await this.usable(res.body, project, signal))) return toImage(res.body);
    }
    const res = await this.glance.call<{ images: RawImage[] }>('GET', `/images?name=${encodeURIComponent(nameOrId)}`, {
      signal,
    });
    for (const found of res.body.images ?? []) if (await this.usable(found, project, signal)) return toImage(found);
    return null;
  }

  /**
   * Public and community images, the project's own, and shared ones it is a member of: what Glance
   * shows a member of the project, even when the account is an admin that Glance shows all to.
   */
  private async usable(im: RawImage, project: string, signal?: AbortSignal): Promise<boolean> {
    if (im.visibility === 'public' || im.visibility === 'community' || ownedBy(im, project)) return true;
    if (im.visibility !== 'shared') return false;
    const res = await this.glance.call<{ status?: string }>('GET', `/images/${im.id}/members/${project}`, {
      expect: [403, 404],
      signal,
    });
    return res.status === 200 && res.body.status === 'accepted';
  }
}
