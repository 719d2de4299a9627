import { resolveSpec } from '@grove/core';
import { specError as thrown } from '../test-support';
import { checkLoadBalancingProps } from './lb-spec-rules';
import { LOAD_BALANCING_PROPERTIES, type LoadBalancingProps } from './load-balancing.properties';

const spec = (path: string, reason: string) => ({ path, reason });

const resolve = (properties: Record<string, unknown>) =>
  resolveSpec(LOAD_BALANCING_PROPERTIES, properties) as unknown as LoadBalancingProps;

describe('load-balancing spec', () => {
  it("fills Senlin's defaults", () => {
    expect(resolve({ pool: { subnet: 'private' }, vip: { subnet: 'public' }, health_monitor: {} })).toEqual({
      pool: {
        protocol: 'HTTP',
        protocol_port: 80,
        subnet: 'private',
        lb_method: 'ROUND_ROBIN',
        admin_state_up: true,
        session_persistence: {},
      },
      vip: { subnet: 'public', connection_limit: -1, protocol: 'HTTP', protocol_port: 80, admin_state_up: true },
      health_monitor: { type: 'PING', delay: 10, timeout: 5, max_retries: 3, admin_state_up: true },
      lb_status_timeout: 300,
    });
  });

  it.each<[string, Record<string, unknown>, { path: string; reason: string }]>([
    ['a pool without subnet', { pool: {} }, spec('pool.subnet', "Required spec item 'pool.subnet' not provided")],
    [
      'an unknown pool protocol',
      { pool: { subnet: 's', protocol: 'UDP' } },
      spec('pool.protocol', "'UDP' must be one of the allowed values: HTTP, HTTPS, TCP (spec item 'pool.protocol')"),
    ],
    [
      'an unknown persistence type',
      { pool: { subnet: 's', session_persistence: { type: 'STICKY' } } },
      spec(
        'pool.session_persistence.type',
        "'STICKY' must be one of the allowed values: SOURCE_IP, HTTP_COOKIE, APP_COOKIE, NONE (spec item 'pool.session_persistence.type')",
      ),
    ],
  ])('refuses %s in the schema', (_name, properties, error) => {
    expect(thrown(() => resolve(properties))).toEqual(error);
  });

  it.each<[string, Record<string, unknown>, { path: string; reason: string } | null]>([
    ['no pool', { vip: { subnet: 'v' } }, spec('pool', "Required spec item 'pool' not provided")],
    ['no vip', { pool: { subnet: 's' } }, spec('vip', 'At least one of VIP Subnet or Network must be defined.')],
    [
      'a vip with neither subnet nor network',
      { pool: { subnet: 's' }, vip: { address: '10.0.0.9' } },
      spec('vip', 'At least one of VIP Subnet or Network must be defined.'),
    ],
    ['a vip on a subnet', { pool: { subnet: 's' }, vip: { subnet: 'v' } }, null],
    ['a vip on a network (1.3)', { pool: { subnet: 's' }, vip: { network: 'n' } }, null],
    [
      'an adopted load balancer without pool.id',
      { pool: { subnet: 's' }, vip: { subnet: 'v' }, loadbalancer: 'lb-1' },
      spec('pool.id', "The 'pool.id' of the load balancer 'lb-1' must be given to adopt it."),
    ],
    [
      'an adopted load balancer with its pool (1.1)',
      { pool: { subnet: 's', id: 'p' }, vip: { subnet: 'v' }, loadbalancer: 'lb-1' },
      null,
    ],
  ])('checks %s', (_name, properties, error) => {
    expect(thrown(() => checkLoadBalancingProps(resolve(properties)))).toEqual(error);
  });
});
