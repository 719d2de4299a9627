import { ConstantBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { CloudBusy, CloudError, CloudResourceFailed, isUuid } from '@grove/core';
import { errorMessage, type HttpMethod } from '../http/json-http';
import { pollUntil, type WaitOptions } from '../http/wait';
import type {
  LbHealthMonitor,
  LbHealthMonitorCreate,
  LbFlavor,
  LbObject,
  LbListener,
  LbListenerCreate,
  LoadBalancer,
  LoadBalancerCreate,
  LoadBalancerDriver,
  LbMember,
  LbMemberCreate,
  LbPool,
  LbPoolCreate,
  LbProvisioningStatus,
} from '../lbaas/lbaas.driver';
import type { OpenStackService } from './openstack-service';

export interface OctaviaDriverOptions {
  /** Polling settings for a wait of `timeoutMs` (the connector's pause bounds). */
  wait(timeoutMs: number, signal?: AbortSignal): WaitOptions;
  /** How long a change refused as "immutable" waits for its load balancer to be ACTIVE again; default 300 s (Senlin's lb_status_timeout). */
  busyTimeoutMs?: number;
  /** How many times such a change is tried again; default 3. */
  busyRetries?: number;
}

type Raw = Record<string, unknown>;
const PAGE = 1000;

/** A 409 saying which load balancer (or pool) is busy; retried once it has settled. */
class LoadBalancerBusy extends CloudBusy {
  constructor(
    message: string,
    readonly busy: { loadBalancerId: string } | { poolId: string },
  ) {
    super(message);
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);
const ids = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((x) => (x as { id?: unknown })?.id).filter((x): x is string => typeof x === 'string') : [];

const common = (r: Raw): LbObject => ({
  id: str(r.id),
  name: str(r.name),
  provisioningStatus: str(r.provisioning_status) as LbProvisioningStatus,
  operatingStatus: str(r.operating_status),
  adminStateUp: r.admin_state_up !== false,
  raw: r,
});

const toLoadBalancer = (r: Raw): LoadBalancer => ({
  ...common(r),
  vipAddress: str(r.vip_address),
  vipPortId: str(r.vip_port_id),
  vipSubnetId: str(r.vip_subnet_id),
  vipNetworkId: str(r.vip_network_id),
  availabilityZone: strOrNull(r.availability_zone),
  flavorId: strOrNull(r.flavor_id) || null,
  listenerIds: ids(r.listeners),
  poolIds: ids(r.pools),
});

const toListener = (r: Raw): LbListener => ({
  ...common(r),
  loadBalancerId: ids(r.loadbalancers)[0] ?? str(r.loadbalancer_id),
  protocol: str(r.protocol),
  protocolPort: num(r.protocol_port),
  connectionLimit: num(r.connection_limit, -1),
  defaultPoolId: strOrNull(r.default_pool_id),
});

const toPool = (r: Raw): LbPool => {
  const sp = r.session_persistence as { type?: string; cookie_name?: string | null } | null | undefined;
  return {
    ...common(r),
    protocol: str(r.protocol),
    lbAlgorithm: str(r.lb_algorithm),
    sessionPersistence: sp?.type
      ? {
          type: sp.type as NonNullable<LbPool['sessionPersistence']>['type'],
          ...(sp.cookie_name ? { cookieName: sp.cookie_name } : {}),
        }
      : null,
    loadBalancerIds: ids(r.loadbalancers),
    listenerIds: ids(r.listeners),
    healthMonitorId: strOrNull(r.healthmonitor_id),
    memberIds: ids(r.members),
  };
};

const toMember = (poolId: string, r: Raw): LbMember => ({
  ...common(r),
  poolId,
  address: str(r.address),
  protocolPort: num(r.protocol_port),
  subnetId: strOrNull(r.subnet_id),
  weight: num(r.weight, 1),
});

const toHealthMonitor = (r: Raw): LbHealthMonitor => ({
  ...common(r),
  type: str(r.type),
  delay: num(r.delay),
  timeout: num(r.timeout),
  maxRetries: num(r.max_retries),
  httpMethod: strOrNull(r.http_method),
  urlPath: strOrNull(r.url_path),
  expectedCodes: strOrNull(r.expected_codes),
  poolIds: ids(r.pools),
});

/** Fields that are set, so that Octavia's defaults apply to the rest. */
const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const enc = encodeURIComponent;

/** Octavia v2 over its REST API (`<catalog url>/v2/lbaas/...`). */
export class OctaviaDriver implements LoadBalancerDriver {
  private readonly busyRetry: RetryPolicy;
  private readonly busyRetries: number;

  constructor(
    private readonly octavia: OpenStackService,
    private readonly o: OctaviaDriverOptions,
  ) {
    this.busyRetries = o.busyRetries ?? 3;
    this.busyRetry = retry(
      handleWhen((e) => e instanceof LoadBalancerBusy),
      { maxAttempts: this.busyRetries, backoff: new ConstantBackoff(0) },
    );
  }

  /**
   * One request. A 409 is read here: Octavia's "<Load Balancer|Pool> <id> is immutable" and
   * "Invalid state … of loadbalancer resource <id>" become LoadBalancerBusy, any other 409 a
   * CloudError with Octavia's words.
   */
  private async send<T>(method: HttpMethod, path: string, o: { body?: unknown; signal?: AbortSignal; gone?: boolean }) {
    const res = await this.octavia.call<T>(method, `/lbaas${path}`, {
      body: o.body,
      signal: o.signal,
      expect: o.gone ? [404, 409] : [409],
    });
    if (res.status !== 409) return res;
    const message = errorMessage(res.body);
    const text = `Octavia: ${method} /lbaas${path.split('?')[0]} returned 409: ${message}`;
    const lb = /Load Balancer (\S+) is immutable/.exec(message) ?? /of loadbalancer resource (\S+)$/.exec(message);
    if (lb) throw new LoadBalancerBusy(text, { loadBalancerId: lb[1] });
    const pool = /Pool (\S+) is immutable/.exec(message);
    if (pool) throw new LoadBalancerBusy(text, { poolId: pool[1] });
    throw new CloudError(text, 409);
  }

  /**
   * Runs a change under a load balancer; while that load balancer is busy with another change,
   * waits for it to be ACTIVE and tries again (at most `busyRetries` times, as Senlin waits
   * between its calls). A load balancer that goes to ERROR or away meanwhile ends it at once.
   */
  private async change<T>(run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.busyRetry.execute(async ({ attempt }) => {
      try {
        return await run();
      } catch (e) {
        if (!(e instanceof LoadBalancerBusy) || attempt >= this.busyRetries) throw e;
        const lbId =
          'loadBalancerId' in e.busy ? e.busy.loadBalancerId : await this.loadBalancerOfPool(e.busy.poolId, signal);
        if (!lbId) throw e;
        await this.waitLoadBalancerActive(lbId, this.o.wait(this.o.busyTimeoutMs ?? 300_000, signal));
        throw e;
      }
    }, signal);
  }

  private async loadBalancerOfPool(poolId: string, signal?: AbortSignal): Promise<string | null> {
    return (await this.getPool(poolId, signal))?.loadBalancerIds[0] ?? null;
  }

  private async get<T>(path: string, key: string, to: (r: Raw) => T, signal?: AbortSignal): Promise<T | null> {
    const res = await this.octavia.call<Record<string, Raw>>('GET', `/lbaas${path}`, { expect: [404], signal });
    return res.status === 404 ? null : to(res.body[key]);
  }

  /** Every page of a listing (Octavia pages at its pagination_max_limit, 1000 by default). */
  private async list<T>(path: string, key: string, to: (r: Raw) => T, signal?: AbortSignal): Promise<T[] | null> {
    const out: T[] = [];
    let marker: string | undefined;
    const sep = path.includes('?') ? '&' : '?';
    for (;;) {
      const q = `limit=${PAGE}${marker ? `&marker=${enc(marker)}` : ''}`;
      const res = await this.octavia.call<Record<string, Raw[]>>('GET', `/lbaas${path}${sep}${q}`, {
        expect: [404],
        signal,
      });
      if (res.status === 404) return null;
      const page = res.body[key] ?? [];
      out.push(...page.map(to));
      if (page.length < PAGE) return out;
      marker = str(page[page.length - 1].id);
    }
  }

  async createLoadBalancer(req: LoadBalancerCreate, signal?: AbortSignal): Promise<LoadBalancer> {
    const loadbalancer = defined({
      name: req.name,
      description: req.description,
      vip_subnet_id: req.vipSubnetId,
      vip_network_id: req.vipNetworkId,
      vip_address: req.vipAddress,
      admin_state_up: req.adminStateUp ?? true,
      availability_zone: req.availabilityZone,
      flavor_id: req.flavorId,
    });
    const res = await this.send<{ loadbalancer: Raw }>('POST', '/loadbalancers', { body: { loadbalancer }, signal });
    return toLoadBalancer(res.body.loadbalancer);
  }

  async getLoadBalancer(id: string, signal?: AbortSignal): Promise<LoadBalancer | null> {
    const lb = await this.get(`/loadbalancers/${enc(id)}`, 'loadbalancer', toLoadBalancer, signal);
    // Octavia may still show a deleted load balancer for a moment; Senlin treats it as gone too.
    return lb && (lb.provisioningStatus as string) !== 'DELETED' ? lb : null;
  }

  async findLoadBalancer(nameOrId: string, signal?: AbortSignal): Promise<LoadBalancer | null> {
    if (isUuid(nameOrId)) {
      const byId = await this.getLoadBalancer(nameOrId, signal);
      if (byId) return byId;
    }
    const found = await this.list(`/loadbalancers?name=${enc(nameOrId)}`, 'loadbalancers', toLoadBalancer, signal);
    return found?.find((lb) => (lb.provisioningStatus as string) !== 'DELETED') ?? null;
  }

  async deleteLoadBalancer(id: string, o: { cascade?: boolean } = {}, signal?: AbortSignal): Promise<void> {
    const path = `/loadbalancers/${enc(id)}${o.cascade ? '?cascade=true' : ''}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.send('DELETE', path, { signal, gone: true });
        return;
      } catch (e) {
        if (!(e instanceof LoadBalancerBusy) || attempt >= this.busyRetries) throw e;
        // Busy with another change, or already being deleted: wait until it settles or is gone.
        const settled = await this.waitSettled(id, this.o.wait(this.o.busyTimeoutMs ?? 300_000, signal));
        if (!settled) return;
      }
    }
  }

  /** The load balancer once no change is running on it (ACTIVE or ERROR), or null once gone. */
  private async waitSettled(id: string, o: WaitOptions): Promise<LoadBalancer | null> {
    return pollUntil(
      `load balancer ${id} to finish its current change`,
      async () => {
        const lb = await this.getLoadBalancer(id, o.signal);
        if (!lb) return null;
        return lb.provisioningStatus.startsWith('PENDING_') ? undefined : lb;
      },
      o,
    );
  }

  async waitLoadBalancerActive(id: string, o: WaitOptions): Promise<LoadBalancer> {
    return pollUntil(
      `load balancer ${id} to become ACTIVE`,
      async () => {
        const lb = await this.getLoadBalancer(id, o.signal);
        if (!lb) throw new CloudResourceFailed(`Load balancer ${id} disappeared while waiting for it to become ACTIVE`);
        if (lb.provisioningStatus === 'ACTIVE') return lb;
        if (lb.provisioningStatus === 'ERROR')
          throw new CloudResourceFailed(`Load balancer ${id} went to provisioning_status ERROR`);
        return undefined;
      },
      o,
    );
  }

  async waitLoadBalancerGone(id: string, o: WaitOptions): Promise<void> {
    await pollUntil(
      `load balancer ${id} to be deleted`,
      async () => {
        const lb = await this.getLoadBalancer(id, o.signal);
        if (!lb) return true;
        if (lb.provisioningStatus === 'ERROR')
          throw new CloudResourceFailed(`Load balancer ${id} went to provisioning_status ERROR while being deleted`);
        return undefined;
      },
      o,
    );
  }

  createListener(req: LbListenerCreate, signal?: AbortSignal): Promise<LbListener> {
    const listener = defined({
      loadbalancer_id: req.loadBalancerId,
      protocol: req.protocol,
      protocol_port: req.protocolPort,
      connection_limit: req.connectionLimit,
      admin_state_up: req.adminStateUp ?? true,
      name: req.name,
      description: req.description,
    });
    return this.change(async () => {
      const res = await this.send<{ listener: Raw }>('POST', '/listeners', { body: { listener }, signal });
      return toListener(res.body.listener);
    }, signal);
  }

  getListener(id: string, signal?: AbortSignal): Promise<LbListener | null> {
    return this.get(`/listeners/${enc(id)}`, 'listener', toListener, signal);
  }

  async deleteListener(id: string, signal?: AbortSignal): Promise<void> {
    await this.change(() => this.send('DELETE', `/listeners/${enc(id)}`, { signal, gone: true }), signal);
  }

  createPool(req: LbPoolCreate, signal?: AbortSignal): Promise<LbPool> {
    const sp = req.sessionPersistence;
    const pool = defined({
      lb_algorithm: req.lbAlgorithm,
      protocol: req.protocol,
      listener_id: req.listenerId,
      loadbalancer_id: req.loadBalancerId,
      // Octavia takes a cookie name with APP_COOKIE only.
      session_persistence: sp
        ? { type: sp.type, ...(sp.type === 'APP_COOKIE' && sp.cookieName ? { cookie_name: sp.cookieName } : {}) }
        : sp,
      admin_state_up: req.adminStateUp ?? true,
      name: req.name,
      description: req.description,
    });
    return this.change(async () => {
      const res = await this.send<{ pool: Raw }>('POST', '/pools', { body: { pool }, signal });
      return toPool(res.body.pool);
    }, signal);
  }

  getPool(id: string, signal?: AbortSignal): Promise<LbPool | null> {
    return this.get(`/pools/${enc(id)}`, 'pool', toPool, signal);
  }

  async deletePool(id: string, signal?: AbortSignal): Promise<void> {
    await this.change(() => this.send('DELETE', `/pools/${enc(id)}`, { signal, gone: true }), signal);
  }

  createMember(poolId: string, req: LbMemberCreate, signal?: AbortSignal): Promise<LbMember> {
    const member = defined({
      address: req.address,
      protocol_port: req.protocolPort,
      subnet_id: req.subnetId,
      weight: req.weight,
      admin_state_up: req.adminStateUp ?? true,
      name: req.name,
    });
    return this.change(async () => {
      const res = await this.send<{ member: Raw }>('POST', `/pools/${enc(poolId)}/members`, {
        body: { member },
        signal,
      });
      return toMember(poolId, res.body.member);
    }, signal);
  }

  getMember(poolId: string, memberId: string, signal?: AbortSignal): Promise<LbMember | null> {
    return this.get(`/pools/${enc(poolId)}/members/${enc(memberId)}`, 'member', (r) => toMember(poolId, r), signal);
  }

  listMembers(poolId: string, signal?: AbortSignal): Promise<LbMember[] | null> {
    return this.list(`/pools/${enc(poolId)}/members`, 'members', (r) => toMember(poolId, r), signal);
  }

  async deleteMember(poolId: string, memberId: string, signal?: AbortSignal): Promise<void> {
    await this.change(
      () => this.send('DELETE', `/pools/${enc(poolId)}/members/${enc(memberId)}`, { signal, gone: true }),
      signal,
    );
  }

  createHealthMonitor(req: LbHealthMonitorCreate, signal?: AbortSignal): Promise<LbHealthMonitor> {
    const http = req.type === 'HTTP' || req.type === 'HTTPS';
    const healthmonitor = defined({
      pool_id: req.poolId,
      type: req.type,
      delay: req.delay,
      timeout: req.timeout,
      max_retries: req.maxRetries,
      admin_state_up: req.adminStateUp ?? true,
      // Octavia's HTTP fields mean nothing to other monitor types.
      http_method: http ? req.httpMethod : undefined,
      url_path: http ? req.urlPath : undefined,
      expected_codes: http ? req.expectedCodes : undefined,
      name: req.name,
    });
    return this.change(async () => {
      const res = await this.send<{ healthmonitor: Raw }>('POST', '/healthmonitors', {
        body: { healthmonitor },
        signal,
      });
      return toHealthMonitor(res.body.healthmonitor);
    }, signal);
  }

  getHealthMonitor(id: string, signal?: AbortSignal): Promise<LbHealthMonitor | null> {
    return this.get(`/healthmonitors/${enc(id)}`, 'healthmonitor', toHealthMonitor, signal);
  }

  async deleteHealthMonitor(id: string, signal?: AbortSignal): Promise<void> {
    await this.change(() => this.send('DELETE', `/healthmonitors/${enc(id)}`, { signal, gone: true }), signal);
  }

  async findFlavor(nameOrId: string, signal?: AbortSignal): Promise<LbFlavor | null> {
    const to = (r: Raw): LbFlavor => ({ id: str(r.id), name: str(r.name), enabled: r.enabled !== false });
    if (isUuid(nameOrId)) {
      const byId = await this.get(`/flavors/${enc(nameOrId)}`, 'flavor', to, signal);
      if (byId) return byId;
    }
    return (await this.list(`/flavors?name=${enc(nameOrId)}`, 'flavors', to, signal))?.[0] ?? null;
  }
}
