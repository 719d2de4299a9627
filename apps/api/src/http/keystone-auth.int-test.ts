import { describeKeystoneAuth } from '@grove/testing';
import { SIMULATOR_ACCOUNTS, useGroveForContract } from '../testing/grove-harness';

const knob = (simUrl: string, token_ttl_s: number) =>
  fetch(`${simUrl}/admin/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token_ttl_s }),
  });

describeKeystoneAuth('the simulator’s Keystone', useGroveForContract, SIMULATOR_ACCOUNTS, {
  shortTokens: async (simUrl) => {
    await knob(simUrl, 1);
    return async () => void (await knob(simUrl, 3600));
  },
});
