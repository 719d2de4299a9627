import { renderSchema } from '@grove/core';
import { targets } from '../policy-type';
import { PolicyRegistry } from '../registry';
import { cluster, contextFor, member, withoutDescriptions } from '../test-support';
import { loadBalancingPolicy as lb } from './load-balancing.policy';
import type { LoadBalancingProps } from './load-balancing.properties';

// senlin_tempest_plugin/common/constants.py spec_lb_policy
const TEMPEST_SPEC = {
  type: 'senlin.policy.loadbalance',
  version: '1.1',
  properties: {
    pool: {
      protocol: 'HTTP',
      protocol_port: 80,
      subnet: 'private-subnet',
      lb_method: 'ROUND_ROBIN',
      session_persistence: { type: 'SOURCE_IP', cookie_name: 'test-cookie' },
    },
    vip: { subnet: 'private-subnet', connection_limit: 100, protocol: 'HTTP', protocol_port: 80 },
    health_monitor: {
      type: 'HTTP',
      delay: '1',
      timeout: 1,
      max_retries: 5,
      admin_state_up: true,
      http_method: 'GET',
      url_path: '/index.html',
      expected_codes: '200,201,202',
    },
    lb_status_timeout: 300,
  },
};

const props = new PolicyRegistry([lb as never]).validate(TEMPEST_SPEC).properties as unknown as LoadBalancingProps;

describe('senlin.policy.loadbalance', () => {
  it('is one of the types Grove knows', () => {
    expect(new PolicyRegistry().has('senlin.policy.loadbalance-1.3')).toBe(true);
  });

  it('is registered under every Senlin version', () => {
    expect(new PolicyRegistry([lb as never]).keys()).toEqual([
      'senlin.policy.loadbalance-1.0',
      'senlin.policy.loadbalance-1.1',
      'senlin.policy.loadbalance-1.2',
      'senlin.policy.loadbalance-1.3',
    ]);
    expect(lb).toMatchObject({ priority: 500, singleton: true, className: 'LoadBalancingPolicy' });
    expect(lb.profileTypes).toEqual(['os.nova.server-1.0']);
  });

  it('runs where Senlin’s TARGET says', () => {
    expect(targets(lb, 'after', 'NODE_RECOVER')).toBe(true);
    expect(targets(lb, 'before', 'NODE_RECOVER')).toBe(false);
    expect(targets(lb, 'before', 'CLUSTER_RESIZE') && targets(lb, 'after', 'CLUSTER_RESIZE')).toBe(true);
    expect(targets(lb, 'before', 'CLUSTER_SCALE_OUT')).toBe(false);
  });

  it('accepts the tempest spec, coercing as Senlin does', () => {
    expect(props.health_monitor?.delay).toBe(1);
    expect(props.vip?.admin_state_up).toBe(true);
  });

  it("shows Senlin's schema on the wire", () => {
    const str = (o: object = {}) => ({ type: 'String', required: false, updatable: false, ...o });
    const int = (d: number) => ({ type: 'Integer', required: false, updatable: false, default: d });
    const bool = (d: boolean) => ({ type: 'Boolean', required: false, updatable: false, default: d });
    const allowed = (...v: string[]) => ({ constraints: [{ type: 'AllowedValues', constraint: v }] });
    const map = (schema: object, o: object = {}) => ({ type: 'Map', required: false, updatable: false, schema, ...o });
    expect(withoutDescriptions(renderSchema(lb.properties))).toEqual({
      pool: map({
        protocol: str({ default: 'HTTP', ...allowed('HTTP', 'HTTPS', 'TCP') }),
        protocol_port: int(80),
        subnet: str({ required: true }),
        lb_method: str({ default: 'ROUND_ROBIN', ...allowed('ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP') }),
        admin_state_up: bool(true),
        session_persistence: map(
          { type: str(allowed('SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE', 'NONE')), cookie_name: str() },
          { default: {} },
        ),
        id: str(),
      }),
      vip: map({
        subnet: str(),
        network: str(),
        address: str(),
        connection_limit: int(-1),
        protocol: str({ default: 'HTTP', ...allowed('HTTP', 'HTTPS', 'TCP') }),
        protocol_port: int(80),
        admin_state_up: bool(true),
      }),
      health_monitor: map({
        type: str({ default: 'PING', ...allowed('PING', 'TCP', 'HTTP', 'HTTPS') }),
        delay: int(10),
        timeout: int(5),
        max_retries: int(3),
        admin_state_up: bool(true),
        http_method: str(allowed('GET', 'POST', 'PUT', 'DELETE')),
        url_path: str(),
        expected_codes: str(),
        id: str(),
      }),
      lb_status_timeout: int(300),
      loadbalancer: str(),
      availability_zone: str(),
      flavor_id: str(),
    });
  });

  describe('preview', () => {
    const members = ['a', 'b', 'c'].map((id, i) =>
      member({ id, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), data: { lb_member: `m-${id}` } }),
    );
    const binding = { data: { loadbalancer: 'lb', listener: 'l', pool: 'p' } };

    it('says which members a shrink would remove without calling the cloud', async () => {
      const ctx = contextFor(props, {
        action: 'CLUSTER_SCALE_IN',
        inputs: { count: 2 },
        cluster: cluster({ members }),
        binding,
        preview: true,
      });
      expect(await lb.before!(ctx)).toEqual({
        kind: 'allow',
        data: {
          deletion: { count: 2, candidates: ['c', 'b'] },
          load_balancer: { members_to_remove: { c: 'm-c', b: 'm-b' } },
        },
      });
    });

    it('describes what the AFTER hook would add', () => {
      const ctx = contextFor(props, {
        action: 'CLUSTER_RESIZE',
        cluster: cluster({ members }),
        binding,
        preview: true,
      });
      expect(lb.describeAfter!(ctx, { added: 2, removed: [] })).toEqual({
        load_balancer: { members_to_remove: {}, members_to_add: 2 },
      });
      expect(lb.describeAfter!(ctx, { added: 0, removed: ['a'] })).toEqual({
        load_balancer: { members_to_remove: { a: 'm-a' }, members_to_add: 0 },
      });
    });
  });

  it('does not reach the cloud when no member leaves', async () => {
    const ctx = contextFor(props, {
      action: 'CLUSTER_DEL_NODES',
      inputs: { candidates: ['x'] },
      cluster: cluster({ members: [member({ id: 'x' })] }),
      binding: { data: { loadbalancer: 'lb', pool: 'p' } },
    });
    expect(await lb.before!(ctx)).toEqual({ kind: 'allow' });
  });

  it('does not reach the cloud when no member joins', async () => {
    const ctx = contextFor(props, {
      action: 'CLUSTER_SCALE_OUT',
      cluster: cluster({ members: [member({ id: 'x', status: 'ERROR' })] }),
      outcome: { status: 'FAILED', outputs: { nodes_added: [] } },
      binding: { data: { loadbalancer: 'lb', pool: 'p' } },
    });
    expect(await lb.after!(ctx)).toEqual({ kind: 'allow' });
  });
});
