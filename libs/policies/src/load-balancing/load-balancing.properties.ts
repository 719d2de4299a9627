import { S } from '@grove/core';

export const LB_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP'] as const;
export const LB_METHODS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP'] as const;
export const LB_HEALTH_MONITOR_TYPES = ['PING', 'TCP', 'HTTP', 'HTTPS'] as const;
export const LB_HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export const LB_PERSISTENCE_TYPES = ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE', 'NONE'] as const;

export interface LbPoolProps {
  protocol: (typeof LB_PROTOCOLS)[number];
  protocol_port: number;
  subnet: string;
  lb_method: (typeof LB_METHODS)[number];
  admin_state_up: boolean;
  session_persistence: { type?: (typeof LB_PERSISTENCE_TYPES)[number]; cookie_name?: string };
  id?: string;
}

export interface LbVipProps {
  subnet?: string;
  network?: string;
  address?: string;
  connection_limit: number;
  protocol: (typeof LB_PROTOCOLS)[number];
  protocol_port: number;
  admin_state_up: boolean;
}

export interface LbHealthMonitorProps {
  type: (typeof LB_HEALTH_MONITOR_TYPES)[number];
  delay: number;
  timeout: number;
  max_retries: number;
  admin_state_up: boolean;
  http_method?: (typeof LB_HTTP_METHODS)[number];
  url_path?: string;
  expected_codes?: string;
  id?: string;
}

/**
 * The resolved `properties` of a `senlin.policy.loadbalance` spec. `pool` and `vip` are optional
 * in Senlin's schema (and so on the wire) but checkProperties refuses a spec without them.
 */
export interface LoadBalancingProps {
  pool?: LbPoolProps;
  vip?: LbVipProps;
  health_monitor?: LbHealthMonitorProps;
  lb_status_timeout: number;
  loadbalancer?: string;
  availability_zone?: string;
  flavor_id?: string;
}

/** Names, types, defaults and constraints follow Senlin's LoadBalancingPolicy (the wire contract). */
export const LOAD_BALANCING_PROPERTIES = {
  pool: S.map('The pool of cluster members behind the load balancer.', {
    protocol: S.string('Protocol the pool balances.', { default: 'HTTP', allowed: LB_PROTOCOLS }),
    protocol_port: S.integer('Port on which the nodes serve.', { default: 80 }),
    subnet: S.string('Subnet (name or id) through which the load balancer reaches the nodes.', { required: true }),
    lb_method: S.string('How the pool spreads requests over its members.', {
      default: 'ROUND_ROBIN',
      allowed: LB_METHODS,
    }),
    admin_state_up: S.boolean('Whether the pool is administratively up.', { default: true }),
    session_persistence: S.map(
      'Whether and how requests of one client stick to one member.',
      {
        type: S.string('Kind of session persistence.', { allowed: LB_PERSISTENCE_TYPES }),
        cookie_name: S.string('Name of the application cookie (APP_COOKIE only).'),
      },
      { default: {} },
    ),
    id: S.string('Id of an existing pool of the adopted load balancer, which the members join.'),
  }),
  vip: S.map('The virtual IP clients connect to, and its listener.', {
    subnet: S.string('Subnet (name or id) of the VIP address; give this or network.'),
    network: S.string('Network (name or id) of the VIP address; give this or subnet.'),
    address: S.string('A fixed VIP address to ask for.'),
    connection_limit: S.integer('Most concurrent connections the listener accepts (-1: no limit).', {
      default: -1,
    }),
    protocol: S.string('Protocol of the listener.', { default: 'HTTP', allowed: LB_PROTOCOLS }),
    protocol_port: S.integer('Port on which the listener accepts connections.', { default: 80 }),
    admin_state_up: S.boolean('Whether the VIP is administratively up.', { default: true }),
  }),
  health_monitor: S.map('How the load balancer probes its members.', {
    type: S.string('Kind of probe.', { default: 'PING', allowed: LB_HEALTH_MONITOR_TYPES }),
    delay: S.integer('Seconds between probes of a member.', { default: 10 }),
    timeout: S.integer('Seconds a probe may take before it counts as failed.', { default: 5 }),
    max_retries: S.integer('Failed probes in a row after which a member is taken out.', { default: 3 }),
    admin_state_up: S.boolean('Whether the health monitor is administratively up.', { default: true }),
    http_method: S.string('HTTP method of an HTTP(S) probe.', { allowed: LB_HTTP_METHODS }),
    url_path: S.string('Path requested by an HTTP(S) probe.'),
    expected_codes: S.string('HTTP status codes that make an HTTP(S) probe pass, e.g. 200-204.'),
    id: S.string('Id of the existing health monitor of the adopted load balancer.'),
  }),
  lb_status_timeout: S.integer(
    'Seconds to wait for the load balancer to become ACTIVE again after each change Grove asks of it.',
    { default: 300 },
  ),
  loadbalancer: S.string('Name or id of an existing load balancer to use instead of making one.'),
  availability_zone: S.string('Octavia availability zone of the load balancer made for the cluster.'),
  flavor_id: S.string('Octavia flavor of the load balancer made for the cluster.'),
};
