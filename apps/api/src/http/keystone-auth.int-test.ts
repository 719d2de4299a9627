import { describeKeystoneAuth } from '@grove/testing';
import { useGrove } from '../testing/grove-harness';

/** The seed's accounts: admin (admin in admin and demo), demo and alt_demo (members of their projects). */
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
    other: { user: 'alt_demo', password: 'secret', project: 'alt_demo' },
    admin,
  }),
  {
    shortTokens: async (simUrl) => {
      await knob(simUrl, 1);
      return async () => void (await knob(simUrl, 3600));
    },
  },
);
