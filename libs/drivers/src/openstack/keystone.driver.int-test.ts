import { describeIdentityDriver, simulatorAdmin, simulatorConnector, useCloudSimulator } from '@grove/testing';
import type { CloudConnector } from '../cloud';

describe('KeystoneDriver against the simulated Keystone', () => {
  const cloud = useCloudSimulator();
  let connector: CloudConnector;

  beforeEach(async () => {
    await cloud.admin.reset();
    connector = simulatorConnector(cloud);
  });
  afterEach(() => connector?.close());

  it('shares one token request among callers, and one caller giving up does not fail it for the others', async () => {
    await cloud.admin.setConfig({ latency_ms: 200 });
    const identity = connector.forRegion('RegionOne').identity;
    const quitter = new AbortController();
    const waiters = [identity.token(quitter.signal), identity.token(), identity.token()];
    setTimeout(() => quitter.abort(new Error('cancelled by its user')), 50);
    const [first, ...others] = await Promise.allSettled(waiters);
    expect(first).toMatchObject({ status: 'rejected', reason: new Error('cancelled by its user') });
    expect(others.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    const tokens = others.map((o) => (o.status === 'fulfilled' ? o.value : null));
    expect(tokens[0]).toBe(tokens[1]);
    // One request served them all: the token is reused, not asked for again.
    expect(await identity.token()).toBe(tokens[0]);
  });
});

const simulated = useCloudSimulator();
describeIdentityDriver('the simulator', () => ({
  credentials: simulatorAdmin(simulated.authUrl),
  region: 'RegionOne',
}));
