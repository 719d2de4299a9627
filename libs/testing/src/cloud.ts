import { Secret } from '@grove/core';
import { CloudConnector, type CloudCredentials } from '@grove/drivers';
import {
  startCloudSimulator,
  type CloudSimulator,
  type ContainerListing,
  type FailNextRequest,
  type FailNextRule,
  type ForcedServerStatus,
  type HypervisorListing,
  type HypervisorPatch,
  type KnobsPatch,
  type ListedType,
  type LoadBalancerListing,
  type MemberListing,
  type RequestStats,
  type ResourceFilter,
  type ResourceListing,
  type ResourceType,
  type ServerGroupListing,
  type ServerListing,
  type SimulatorKnobs,
  type SimulatorOptions,
  type StackListing,
} from '@grove/cloud-simulator';

export { startCloudSimulator };

/** What a Grove process needs to reach the simulated cloud, as a real cloud's credentials. */
export interface SimulatorCredentials {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  regionName: string;
}

/**
 * The simulator's admin API over HTTP, typed. It works the same against a simulator in the test
 * process and one running as its own process (`startGroveProcesses().simUrl`).
 */
export interface CloudAdminClient {
  config(): Promise<SimulatorKnobs>;
  /** Changes the given knobs; `{services: {compute: null}}` drops a service's overrides. */
  setConfig(patch: KnobsPatch): Promise<SimulatorKnobs>;
  /** Replaces every knob; those left out go back to their defaults. */
  replaceConfig(config: KnobsPatch): Promise<SimulatorKnobs>;
  /** The next `count` requests matching `method` and the `path` regex fail (or, with after_effect, take effect and then fail). */
  failNext(rule: FailNextRequest): Promise<FailNextRule>;
  clearFailNext(): Promise<void>;
  resources(filter?: ResourceFilter): Promise<ResourceListing>;
  servers(filter?: Omit<ResourceFilter, 'type'>): Promise<ServerListing[]>;
  stacks(filter?: Omit<ResourceFilter, 'type'>): Promise<StackListing[]>;
  containers(filter?: Omit<ResourceFilter, 'type'>): Promise<ContainerListing[]>;
  loadBalancers(filter?: Omit<ResourceFilter, 'type'>): Promise<LoadBalancerListing[]>;
  /** Load-balancer pool members; `{pool_id}` or `{loadbalancer_id}` narrows. */
  members(filter?: Omit<ResourceFilter, 'type'>): Promise<MemberListing[]>;
  serverGroups(filter?: Omit<ResourceFilter, 'type'>): Promise<ServerGroupListing[]>;
  /** Back to the seed with default knobs. */
  reset(): Promise<void>;
  /** Breaks (or mends) a server behind Grove's back. */
  setServerStatus(id: string, status: ForcedServerStatus, o?: { fault?: string }): Promise<ServerListing>;
  /** A resource disappears without Grove being told. */
  vanish(type: ResourceType, id: string): Promise<void>;
  stats(): Promise<RequestStats>;
  resetStats(): Promise<void>;
  setHypervisor(name: string, patch: HypervisorPatch): Promise<HypervisorListing>;
  /** Stores a Heat template and returns the URL a stack's template_url can name. */
  putTemplate(name: string, template: Record<string, unknown>): Promise<string>;
}

/** `?type=…&metadata.k=v…` for a listing filter. */
function listingQuery(f: ResourceFilter): string {
  const q = new URLSearchParams();
  if (f.type !== undefined) q.set('type', (Array.isArray(f.type) ? f.type : [f.type]).join(','));
  for (const key of ['region', 'project', 'name', 'status', 'loadbalancer_id', 'pool_id'] as const)
    if (f[key] !== undefined) q.set(key, f[key]!);
  for (const [k, v] of Object.entries(f.metadata ?? {})) q.set(`metadata.${k}`, v);
  for (const [k, v] of Object.entries(f.labels ?? {})) q.set(`labels.${k}`, v);
  if (f.tags?.length) q.set('tag', f.tags.join(','));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function cloudAdminClient(simUrl: string): CloudAdminClient {
  const base = simUrl.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`simulator admin ${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const of =
    <K extends keyof ResourceListing>(type: ListedType & K) =>
    async (filter: Omit<ResourceFilter, 'type'> = {}) =>
      ((await call<ResourceListing>('GET', `/resources${listingQuery({ ...filter, type })}`))[type] ??
        []) as NonNullable<ResourceListing[K]>;
  return {
    config: () => call('GET', '/config'),
    setConfig: (patch) => call('PATCH', '/config', patch),
    replaceConfig: (config) => call('PUT', '/config', config),
    failNext: async (rule) => (await call<{ rule: FailNextRule }>('POST', '/fail-next', rule)).rule,
    clearFailNext: () => call('DELETE', '/fail-next'),
    resources: (filter = {}) => call('GET', `/resources${listingQuery(filter)}`),
    servers: of('servers'),
    stacks: of('stacks'),
    containers: of('containers'),
    loadBalancers: of('loadbalancers'),
    members: of('members'),
    serverGroups: of('servergroups'),
    reset: () => call('POST', '/reset'),
    setServerStatus: async (id, status, o = {}) =>
      (await call<{ server: ServerListing }>('POST', `/servers/${encodeURIComponent(id)}/status`, { status, ...o }))
        .server,
    vanish: (type, id) => call('DELETE', `/resources/${type}/${encodeURIComponent(id)}`),
    stats: () => call('GET', '/stats'),
    resetStats: () => call('DELETE', '/stats'),
    setHypervisor: async (name, patch) =>
      (await call<{ hypervisor: HypervisorListing }>('PUT', `/hypervisors/${encodeURIComponent(name)}`, patch))
        .hypervisor,
    putTemplate: async (name, template) => {
      await call('PUT', `/templates/${encodeURIComponent(name)}`, template);
      return `${base}/admin/templates/${encodeURIComponent(name)}`;
    },
  };
}

/** A simulated cloud for one test file or one bench run. */
export interface TestCloud {
  sim: CloudSimulator;
  url: string;
  authUrl: string;
  dockerPort: number;
  /** The seed's admin user on the admin project, in RegionOne. */
  credentials: SimulatorCredentials;
  admin: CloudAdminClient;
  close(): Promise<void>;
}

/** Starts a simulator on free ports (unless `o` names ports); for bench scripts and other non-jest callers. */
export async function startTestCloud(o: SimulatorOptions = {}): Promise<TestCloud> {
  const sim = await startCloudSimulator({ port: 0, dockerPort: 0, ...o });
  return {
    sim,
    url: sim.url,
    authUrl: sim.authUrl,
    dockerPort: sim.dockerPort,
    credentials: {
      authUrl: sim.authUrl,
      username: 'admin',
      password: 'secret',
      projectName: 'admin',
      userDomainName: 'Default',
      projectDomainName: 'Default',
      regionName: 'RegionOne',
    },
    admin: cloudAdminClient(sim.url),
    close: () => sim.close(),
  };
}

/**
 * A simulator on free ports for the jest file that calls it: started in beforeAll, stopped in
 * afterAll. The returned object's fields are filled in once beforeAll has run.
 */
export function useCloudSimulator(o: SimulatorOptions = {}): TestCloud {
  const cloud = {} as TestCloud;
  beforeAll(async () => {
    Object.assign(cloud, await startTestCloud(o));
  }, 30_000);
  afterAll(async () => {
    await cloud.sim?.close();
  }, 30_000);
  return cloud;
}

/** The simulator's seeded admin on the admin project, as a driver's credentials. */
export const simulatorAdmin = (authUrl: string): CloudCredentials => ({
  authUrl,
  username: 'admin',
  password: new Secret('secret'),
  projectName: 'admin',
  userDomainName: 'Default',
  projectDomainName: 'Default',
  interface: 'public',
});

/**
 * A Keystone v3 password token scoped to a project of the Default domain (any Keystone: the
 * simulator's or a real one): the token and its project's id; throws on anything but a 201.
 */
export async function passwordToken(
  authUrl: string,
  a: { user: string; password: string; project: string },
): Promise<{ token: string; projectId: string; endpoint: (type: string) => string }> {
  const res = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: a.user, domain: { id: 'default' }, password: a.password } },
        },
        scope: { project: { name: a.project, domain: { id: 'default' } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`Keystone answered ${res.status} for ${a.user}`);
  const body = (await res.json()) as {
    token: { project: { id: string }; catalog?: { type: string; endpoints: { interface: string; url: string }[] }[] };
  };
  /** The public URL of a service in the token's catalog. */
  const endpoint = (type: string) => {
    const found = body.token.catalog?.find((s) => s.type === type)?.endpoints.find((e) => e.interface === 'public');
    if (!found) throw new Error(`the catalog of ${a.user}'s token has no public '${type}' endpoint`);
    return found.url.replace(/\/+$/, '');
  };
  return { token: res.headers.get('x-subject-token')!, projectId: body.token.project.id, endpoint };
}

/** A real CloudConnector signed in to a simulator as its seeded admin, polling fast for tests. */
export function simulatorConnector(sim: { authUrl: string }): CloudConnector {
  return new CloudConnector({
    credentials: simulatorAdmin(sim.authUrl),
    requestTimeoutMs: 10_000,
    retries: 2,
    maxConnections: 16,
    pollMinMs: 10,
    pollMaxMs: 100,
  });
}

/** What the cloud simulator says exists: the servers tagged with a cluster id (its admin listing). */
export async function serversOf(
  simUrl: string,
  clusterId: string,
): Promise<{ id: string; status: string; metadata: Record<string, string> }[]> {
  const res = await fetch(`${simUrl}/admin/resources?type=servers&metadata.cluster_id=${clusterId}`);
  if (res.status !== 200) throw new Error(`simulator listing answered ${res.status}`);
  const body = (await res.json()) as { servers?: { id: string; status: string; metadata: Record<string, string> }[] };
  return body.servers ?? [];
}

/** Changes the simulator's knobs (latency, build times, failure rates) through its admin API. */
export async function setSimulatorConfig(simUrl: string, config: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${simUrl}/admin/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (res.status >= 300) throw new Error(`simulator config answered ${res.status}: ${await res.text()}`);
}

/**
 * Everything of Grove's the simulator still holds: servers (Grove tags each with its node) and
 * ports and floating IPs tagged for a node. The seed has none of these.
 */
export async function groveLeftovers(simUrl: string): Promise<{ servers: number; ports: number; floatingIps: number }> {
  const res = await fetch(`${simUrl}/admin/resources?type=servers,ports,floatingips`);
  if (res.status !== 200) throw new Error(`simulator listing answered ${res.status}`);
  const body = (await res.json()) as {
    servers?: { metadata: Record<string, string> }[];
    ports?: { tags?: string[] }[];
    floatingips?: { description?: string }[];
  };
  const tagged = (t: string | undefined) => !!t?.startsWith('cluster_node_id=');
  return {
    servers: (body.servers ?? []).filter((s) => s.metadata.cluster_node_id).length,
    ports: (body.ports ?? []).filter((p) => (p.tags ?? []).some(tagged)).length,
    floatingIps: (body.floatingips ?? []).filter((f) => tagged(f.description)).length,
  };
}
