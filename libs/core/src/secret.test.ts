import { inspect } from 'node:util';
import { redactSecrets, Secret } from './secret';

describe('Secret', () => {
  it('never prints its value', () => {
    const s = new Secret('hunter2');
    expect(`${s}`).toBe('***');
    expect(JSON.stringify({ s })).toBe('{"s":"***"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
  });
});

describe('redactSecrets', () => {
  it('masks credential-named keys at any depth and leaves the rest', () => {
    const spec = {
      type: 'os.nova.server',
      properties: {
        admin_pass: 'p',
        key_name: 'mykey',
        networks: [{ network: 'private' }],
        parameters: { db_password: 'x', size: 2 },
      },
    };
    expect(redactSecrets(spec)).toEqual({
      type: 'os.nova.server',
      properties: {
        admin_pass: '***',
        key_name: 'mykey',
        networks: [{ network: 'private' }],
        parameters: { db_password: '***', size: 2 },
      },
    });
    expect(redactSecrets({ operation: 'change_password', params: { admin_pass: 'new' } })).toEqual({
      operation: 'change_password',
      params: { admin_pass: '***' },
    });
    expect(spec.properties.admin_pass).toBe('p');
  });
});
