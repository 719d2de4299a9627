import { Injectable } from '@nestjs/common';
import { CloudAuthError } from '@grove/core';
import { CredentialRepository } from '@grove/db';
import type { CloudOwner, TrustSource } from '@grove/drivers';
import { LRUCache } from 'lru-cache';

/**
 * Keystone mode: each owner's trust to Grove's service user, as the api recorded it on the
 * owner's first request. A trust id never changes, so one read per owner per engine is enough.
 */
@Injectable()
export class OwnerTrusts implements TrustSource {
  private readonly known = new LRUCache<string, string>({ max: 10_000 });

  constructor(private readonly credentials: CredentialRepository) {}

  async trustOf(owner: CloudOwner): Promise<string> {
    const key = `${owner.userId}/${owner.project}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    const trustId = await this.credentials.trustOf(owner.userId, owner.project);
    if (!trustId) {
      throw new CloudAuthError(
        `User ${owner.userId} has no trust for Grove in project ${owner.project}: any request of theirs to Grove's API makes one`,
      );
    }
    this.known.set(key, trustId);
    return trustId;
  }

  async refused(owner: CloudOwner, trustId: string): Promise<void> {
    this.known.delete(`${owner.userId}/${owner.project}`);
    await this.credentials.forget(owner.userId, owner.project, trustId);
  }
}
