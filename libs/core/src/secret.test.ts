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

describe('redactSecrets, field by field', () => {
  it.each([
    ['admin_pass', { properties: { admin_pass: 'p' } }, { properties: { admin_pass: '***' } }],
    ['adminPass', { server: { adminPass: 'p' } }, { server: { adminPass: '***' } }],
    ['a camel-case password', { DBPassword: 'p' }, { DBPassword: '***' }],
    ['a password in any case', { params: { MySQL_PASSWORD_2: 'p' } }, { params: { MySQL_PASSWORD_2: '***' } }],
    ['a secret', { auth: { client_secret: 's' } }, { auth: { client_secret: '***' } }],
    ['a key outside parameters, kept', { key_name: 'mykey' }, { key_name: 'mykey' }],
    [
      'a lifecycle hook token, kept (its receiver needs it)',
      { lifecycle_action_token: 't' },
      { lifecycle_action_token: 't' },
    ],
    ['user_data', { properties: { user_data: '#!/bin/sh' } }, { properties: { user_data: '***' } }],
    [
      'an auth token',
      { headers: { auth_token: 't', X_Auth_Token: 't' } },
      { headers: { auth_token: '***', X_Auth_Token: '***' } },
    ],
    ['an access or bearer token', { accessToken: 't', bearer_token: 't' }, { accessToken: '***', bearer_token: '***' }],
    [
      'a private key',
      { private_key: 'k', ssh: { privateKey: 'k' } },
      { private_key: '***', ssh: { privateKey: '***' } },
    ],
    [
      'Heat parameters named like secrets',
      { parameters: { KeyName: 'k', api_token: 't', DBPassword: 'p', flavor: 'm1.tiny' } },
      { parameters: { KeyName: '***', api_token: '***', DBPassword: '***', flavor: 'm1.tiny' } },
    ],
    [
      "a stack environment's parameters",
      { environment: { parameters: { db_secret: 's', size: 2 } } },
      { environment: { parameters: { db_secret: '***', size: 2 } } },
    ],
  ])('masks %s', (_what, value, masked) => {
    expect(redactSecrets(value)).toEqual(masked);
  });

  it('masks the parameters a template in the spec declares hidden, and their defaults', () => {
    const spec = {
      type: 'os.heat.stack',
      properties: {
        template: {
          parameters: {
            Seed: { type: 'string', hidden: true, default: 'abc' },
            Flavor: { type: 'string', default: 'm1.tiny' },
            DBPassword: { type: 'string', default: 'pw' },
          },
          resources: {},
        },
        parameters: { Seed: 'xyz', Flavor: 'm1.small', DBPassword: 'pw2' },
      },
    };
    expect(redactSecrets(spec).properties).toEqual({
      template: {
        parameters: {
          Seed: { type: 'string', hidden: true, default: '***' },
          Flavor: { type: 'string', default: 'm1.tiny' },
          DBPassword: { type: 'string', default: '***' },
        },
        resources: {},
      },
      parameters: { Seed: '***', Flavor: 'm1.small', DBPassword: '***' },
    });
  });

  it('masks a hidden parameter in node details, whose template sits beside them', () => {
    const details = {
      template: { parameters: { Seed2: { type: 'string', hidden: 'true' }, Plain: { type: 'string' } } },
      parameters: { Seed2: 'x', Plain: 'y', OS_stack_id: 'id' },
    };
    expect(redactSecrets(details).parameters).toEqual({ Seed2: '***', Plain: 'y', OS_stack_id: 'id' });
  });
});
