import { ResourceNotFound } from '@grove/core';
import type { ProfileEntity, ProfileRepository } from '@grove/db';
import { ProfileRegistry } from '@grove/profiles';
import { Profiles } from './profiles';

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};

/** Profiles over a table of rows that counts its reads; `missing` ids are not there. */
function profilesOver(missing = new Set<string>()) {
  let reads = 0;
  const repo = {
    async getById(id: string): Promise<ProfileEntity | null> {
      reads++;
      await new Promise((r) => setTimeout(r, 5));
      return missing.has(id) ? null : ({ id, type: 'os.nova.server-1.0', spec: SPEC } as unknown as ProfileEntity);
    },
  } as unknown as ProfileRepository;
  return { profiles: new Profiles(repo, new ProfileRegistry()), reads: () => reads };
}

describe('Profiles', () => {
  it('reads a profile once however many actions ask for it at the same moment', async () => {
    const { profiles, reads } = profilesOver();
    const loaded = await Promise.all(Array.from({ length: 50 }, () => profiles.load('p-1')));
    expect(reads()).toBe(1);
    expect(new Set(loaded).size).toBe(1);
    expect(loaded[0].properties).toMatchObject({ flavor: 'm1.tiny' });
    await profiles.load('p-1');
    expect(reads()).toBe(1);
  });

  it('does not remember a profile it could not find', async () => {
    const missing = new Set(['p-2']);
    const { profiles, reads } = profilesOver(missing);
    await expect(profiles.load('p-2')).rejects.toBeInstanceOf(ResourceNotFound);
    missing.clear();
    await expect(profiles.load('p-2')).resolves.toMatchObject({ entity: { id: 'p-2' } });
    expect(reads()).toBe(2);
  });
});
