import { createHash } from 'node:crypto';
import { isoSeconds } from '../http/times';
import type { Image } from '../store/resources';

/** Glance v2's image body. */
export const toImageView = (im: Image) => ({
  id: im.id,
  name: im.name,
  status: 'active',
  visibility: im.visibility,
  protected: false,
  os_hidden: false,
  checksum: im.checksum,
  os_hash_algo: 'sha512',
  os_hash_value: createHash('sha512').update(im.id).digest('hex'),
  owner: im.ownerProjectId,
  size: im.size,
  virtual_size: null,
  min_ram: im.minRam,
  min_disk: im.minDisk,
  disk_format: im.diskFormat,
  container_format: im.containerFormat,
  created_at: isoSeconds(im.created),
  updated_at: isoSeconds(im.created),
  tags: [],
  self: `/v2/images/${im.id}`,
  file: `/v2/images/${im.id}/file`,
  schema: '/v2/schemas/image',
});
