import type { CloudConnector, ImageDriver } from '@grove/drivers';

/** A Glance to run the contract against. */
export interface ImageUnderTest {
  /** Signed in to a project that sees the image; the contract closes it. */
  connector: CloudConnector;
  region: string;
  /** An active image the project sees, by its name. */
  image: string;
}

/**
 * Grove's Glance driver as a contract, run against the simulator (int tests) and Debian's Glance
 * (test/clouds): an image found by its name and by its id, and nothing for a name or an id that
 * no image has.
 */
export function describeImageDriver(name: string, glance: () => ImageUnderTest): void {
  describe(`the Glance driver (${name})`, () => {
    let u: ImageUnderTest;
    let d: ImageDriver;
    beforeAll(() => {
      u = glance();
      d = u.connector.forRegion(u.region).image;
    });
    afterAll(() => u?.connector.close());

    it('finds an image by name and by id', async () => {
      const byName = await d.findImage(u.image);
      expect(byName).toMatchObject({ name: u.image, status: 'active' });
      expect(byName!.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(byName!.minDisk).toBeGreaterThanOrEqual(0);
      expect(byName!.minRam).toBeGreaterThanOrEqual(0);
      expect(await d.findImage(byName!.id)).toEqual(byName);
    }, 30_000);

    it('finds nothing for an unknown name or id', async () => {
      expect(await d.findImage(`grove-no-such-image-${crypto.randomUUID().slice(0, 8)}`)).toBeNull();
      expect(await d.findImage(crypto.randomUUID())).toBeNull();
    }, 30_000);
  });
}
