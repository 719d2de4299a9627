import { CloudAuthError, Secret } from '@grove/core';
import { JsonHttp, KeystoneDriver, KeystoneTokenValidator, type CloudCredentials } from '@grove/drivers';

/** A Keystone to run the contract against: an account with a project, and another user's token maker. */
export interface IdentityUnderTest {
  credentials: CloudCredentials;
  /** The region its catalog lists the identity service in. */
  region: string;
}

/**
 * Grove's Keystone drivers as a contract, run against the simulator's Keystone (int tests) and
 * Debian's (test/clouds): the engine's password authentication with its catalog, and the api's
 * token validation.
 */
export function describeIdentityDriver(name: string, keystone: () => IdentityUnderTest): void {
  describe(`the Keystone drivers (${name})`, () => {
    let k: IdentityUnderTest;
    let http: JsonHttp;
    beforeAll(() => {
      k = keystone();
      http = new JsonHttp({ service: 'Keystone', timeoutMs: 30_000, retries: 1, maxConnections: 4 });
    });
    afterAll(() => http?.close());

    it('authenticates with a password, scoped to the project, and reuses the token', async () => {
      const driver = new KeystoneDriver(k.credentials, http);
      const t = await driver.token();
      expect(t.token.reveal()).toMatch(/^\S{16,}$/);
      expect(t.projectId).toMatch(/^[0-9a-f]{32}$/);
      expect(t.userId).toMatch(/^[0-9a-f]{32}$/);
      expect(t.expiresAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
      expect(await driver.token()).toBe(t);
    }, 30_000);

    it('finds the identity endpoint and the regions in the catalog', async () => {
      const driver = new KeystoneDriver(k.credentials, http);
      expect(await driver.regions()).toContain(k.region);
      const url = await driver.endpoint('identity', k.region);
      expect((await fetch(url)).status).toBeLessThan(500);
      await expect(driver.endpoint('no-such-service', k.region)).rejects.toThrow(CloudAuthError);
    }, 30_000);

    it('refuses a wrong password with a CloudAuthError that names the user, not the password', async () => {
      const driver = new KeystoneDriver({ ...k.credentials, password: new Secret('not-the-password') }, http);
      const err = (await driver.token().catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(CloudAuthError);
      expect(err.message).toContain(k.credentials.username);
      expect(err.message).not.toContain('not-the-password');
    }, 30_000);

    it('validates a user token under the service token, and refuses one it does not know', async () => {
      const validator = new KeystoneTokenValidator({ credentials: k.credentials, cacheS: 0 });
      try {
        const user = await new KeystoneDriver(k.credentials, http).token();
        const who = await validator.validate(user.token.reveal());
        expect(who).toMatchObject({ userId: user.userId, projectId: user.projectId });
        expect(who!.roles.length).toBeGreaterThan(0);
        expect(await validator.validate('gAAAAAB-not-a-token')).toBeNull();
      } finally {
        await validator.close();
      }
    }, 30_000);
  });
}
