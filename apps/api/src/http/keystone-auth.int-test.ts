import { describeKeystoneAuth } from '@grove/testing';
import { useGrove } from '../testing/grove-harness';

/** The seed's accounts: admin (admin in admin and demo) and demo (member of demo). */
const admin = { user: 'admin', password: 'secret', project: 'admin' };

const knob = (simUrl: string, token_ttl_s: number) =>
  fetch(`${simUrl}/admin/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token_ttl_s }),
  });

describeKeystoneAuth(
  'the simulator’s Keystone',
  (env) => {
    const h = useGrove((sim) => env(sim.authUrl));
    return {
      get url() {
        return h.url;
      },
      get simUrl() {
        return h.sim.url;
      },
    };
  },
  (authUrl) => ({
    authUrl,
    service: admin,
    member: { user: 'demo', password: 'secret', project: 'demo' },
    // The seed has one member only: the admin's token for its own project stands for another tenant.
    other: admin,
    admin,
  }),
  {
    shortTokens: async (simUrl) => {
      await knob(simUrl, 1);
      return async () => void (await knob(simUrl, 3600));
    },
  },
);
