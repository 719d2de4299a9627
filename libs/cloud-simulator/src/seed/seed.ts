import { readFileSync } from 'node:fs';
import { isUuid } from '@grove/core';
import { overlaps, parseCidr, parseIpv4, type Ipv4Cidr } from '../store/ip-pool';
import defaultSeedJson from './default-seed.json';

/**
 * What the simulated cloud holds when it starts and after every reset. The JSON file given as
 * `seedFile` (or SIMULATOR_SEED_FILE) has exactly this shape; README.md documents it. Every region
 * gets the same flavors, images and networks; identity (domains, projects, users) is global.
 */
export interface SimulatorSeed {
  /** Region ids; each is a separate cloud reached under `/<region>/...`. */
  regions: string[];
  /** Availability zones of every region, each with this many simulated hypervisors (default 2). */
  availability_zones: { name: string; hypervisors?: number }[];
  domains: { id: string; name: string }[];
  projects: { id: string; name: string; domain_id: string; description?: string }[];
  roles: { id: string; name: string }[];
  /** `roles` name a project (by name or id) and a role (by name) the user holds on it. */
  users: {
    id: string;
    name: string;
    password: string;
    domain_id: string;
    email?: string;
    roles: { project: string; role: string }[];
  }[];
  flavors: { id: string; name: string; vcpus: number; ram: number; disk: number; swap?: number; ephemeral?: number }[];
  images: {
    id: string;
    name: string;
    disk_format?: string;
    container_format?: string;
    size?: number;
    min_disk?: number;
    min_ram?: number;
    visibility?: 'public' | 'private' | 'shared' | 'community';
  }[];
  /**
   * Networks with their IPv4 subnets. Servers get their fixed IPs here, so the default CIDRs are
   * loopback blocks: the Docker API answers on every address of 127.0.0.0/8.
   */
  networks: {
    id: string;
    name: string;
    external?: boolean;
    shared?: boolean;
    mtu?: number;
    subnets: { id: string; name: string; cidr: string; gateway_ip?: string | null }[];
  }[];
  /** Images every Docker host has without a pull, `name` or `name:tag`. */
  docker_images: string[];
}

/** A seed that failed validation, with every problem named by its path. */
export class SeedError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid simulator seed (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

/** The seed to use: the given object, else the given file, else the built-in default. Throws SeedError. */
export function loadSeed(o: { seed?: unknown; seedFile?: string } = {}): SimulatorSeed {
  if (o.seed !== undefined) return validateSeed(o.seed, 'seed option');
  if (o.seedFile) {
    let text: string;
    try {
      text = readFileSync(o.seedFile, 'utf8');
    } catch (e) {
      throw new SeedError(o.seedFile, [`cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`]);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new SeedError(o.seedFile, [`is not valid JSON: ${(e as Error).message}`]);
    }
    return validateSeed(parsed, o.seedFile);
  }
  return validateSeed(structuredClone(defaultSeedJson), 'default seed');
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const DOCKER_IMAGE = /^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;
/** Path segments the simulator uses for itself, so no region may take them. */
const RESERVED_REGIONS = new Set(['identity', 'admin']);

type Json = Record<string, unknown>;

/** Collects problems as `path: what is wrong`; every check returns whether it passed. */
class Checker {
  readonly problems: string[] = [];

  fail(path: string, msg: string): false {
    this.problems.push(`${path}: ${msg}`);
    return false;
  }

  object(v: unknown, path: string): v is Json {
    return (typeof v === 'object' && v !== null && !Array.isArray(v)) || this.fail(path, 'must be an object');
  }

  array(v: unknown, path: string, o: { nonEmpty?: boolean } = {}): v is unknown[] {
    if (!Array.isArray(v)) return this.fail(path, 'must be an array');
    if (o.nonEmpty && v.length === 0) return this.fail(path, 'must not be empty');
    return true;
  }

  string(v: unknown, path: string, pattern?: RegExp): v is string {
    if (typeof v !== 'string' || v === '') return this.fail(path, 'must be a non-empty string');
    if (pattern && !pattern.test(v)) return this.fail(path, `'${v}' does not match ${pattern}`);
    return true;
  }

  int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): v is number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return this.fail(path, `must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
    }
    return true;
  }

  optional<T>(obj: Json, key: string, path: string, check: (v: unknown, p: string) => v is T): boolean {
    return obj[key] === undefined || check(obj[key], `${path}.${key}`);
  }

  knownKeys(obj: Json, path: string, allowed: string[]): void {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.fail(`${path}.${k}`, 'is not a known key');
  }

  unique(values: { value: unknown; path: string }[], what: string): void {
    const seen = new Map<unknown, string>();
    for (const { value, path } of values) {
      if (value === undefined) continue;
      const first = seen.get(value);
      if (first) this.fail(path, `duplicate ${what} '${String(value)}' (also at ${first})`);
      else seen.set(value, path);
    }
  }

  /** Checks each element of an array property with `each`, when the property is an array. */
  list(
    obj: Json,
    key: string,
    path: string,
    each: (item: Json, p: string) => void,
    o: { nonEmpty?: boolean } = {},
  ): Json[] {
    const v = obj[key];
    if (!this.array(v, `${path}${key}`, o)) return [];
    const out: Json[] = [];
    v.forEach((item, i) => {
      const p = `${path}${key}[${i}]`;
      if (this.object(item, p)) {
        each(item, p);
        out.push(item);
      }
    });
    return out;
  }
}

/**
 * Checks a seed and reports every problem at once, each with its path (`flavors[2].ram: …`), so
 * that a bad file is fixed in one go. Cross-references (a user's role on a project, a subnet's
 * gateway inside its CIDR, CIDRs that overlap) are checked too.
 */
export function validateSeed(input: unknown, source: string): SimulatorSeed {
  const c = new Checker();
  if (!c.object(input, '(top level)')) throw new SeedError(source, c.problems);
  const s = input;
  c.knownKeys(s, '(top level)', [
    'regions',
    'availability_zones',
    'domains',
    'projects',
    'roles',
    'users',
    'flavors',
    'images',
    'networks',
    'docker_images',
  ]);

  if (c.array(s.regions, 'regions', { nonEmpty: true })) {
    s.regions.forEach((r, i) => {
      if (c.string(r, `regions[${i}]`, NAME) && RESERVED_REGIONS.has(r)) c.fail(`regions[${i}]`, `'${r}' is reserved`);
    });
    c.unique(
      s.regions.map((value, i) => ({ value, path: `regions[${i}]` })),
      'region',
    );
  }

  const zones = c.list(
    s,
    'availability_zones',
    '',
    (z, p) => {
      c.knownKeys(z, p, ['name', 'hypervisors']);
      c.string(z.name, `${p}.name`, NAME);
      c.optional(z, 'hypervisors', p, (v, q): v is number => c.int(v, q, 1, 64));
    },
    { nonEmpty: true },
  );
  c.unique(
    zones.map((z, i) => ({ value: z.name, path: `availability_zones[${i}].name` })),
    'zone',
  );

  const domains = c.list(
    s,
    'domains',
    '',
    (d, p) => {
      c.knownKeys(d, p, ['id', 'name']);
      c.string(d.id, `${p}.id`);
      c.string(d.name, `${p}.name`);
    },
    { nonEmpty: true },
  );
  c.unique(
    domains.map((d, i) => ({ value: d.id, path: `domains[${i}].id` })),
    'domain id',
  );
  c.unique(
    domains.map((d, i) => ({ value: d.name, path: `domains[${i}].name` })),
    'domain name',
  );
  const domainIds = new Set(domains.map((d) => d.id));

  const projects = c.list(
    s,
    'projects',
    '',
    (pr, p) => {
      c.knownKeys(pr, p, ['id', 'name', 'domain_id', 'description']);
      c.string(pr.id, `${p}.id`, /^[A-Za-z0-9_-]+$/);
      c.string(pr.name, `${p}.name`);
      if (c.string(pr.domain_id, `${p}.domain_id`) && !domainIds.has(pr.domain_id))
        c.fail(`${p}.domain_id`, `no domain has id '${pr.domain_id}'`);
    },
    { nonEmpty: true },
  );
  c.unique(
    projects.map((pr, i) => ({ value: pr.id, path: `projects[${i}].id` })),
    'project id',
  );
  c.unique(
    projects.map((pr, i) => ({ value: `${String(pr.domain_id)}/${String(pr.name)}`, path: `projects[${i}].name` })),
    'project name in its domain',
  );
  const projectRefs = new Set(projects.flatMap((pr) => [pr.id, pr.name]));

  const roles = c.list(
    s,
    'roles',
    '',
    (r, p) => {
      c.knownKeys(r, p, ['id', 'name']);
      c.string(r.id, `${p}.id`);
      c.string(r.name, `${p}.name`);
    },
    { nonEmpty: true },
  );
  c.unique(
    roles.map((r, i) => ({ value: r.id, path: `roles[${i}].id` })),
    'role id',
  );
  c.unique(
    roles.map((r, i) => ({ value: r.name, path: `roles[${i}].name` })),
    'role name',
  );
  const roleNames = new Set(roles.map((r) => r.name));

  const users = c.list(
    s,
    'users',
    '',
    (u, p) => {
      c.knownKeys(u, p, ['id', 'name', 'password', 'domain_id', 'email', 'roles']);
      c.string(u.id, `${p}.id`);
      c.string(u.name, `${p}.name`);
      c.string(u.password, `${p}.password`);
      if (c.string(u.domain_id, `${p}.domain_id`) && !domainIds.has(u.domain_id))
        c.fail(`${p}.domain_id`, `no domain has id '${u.domain_id}'`);
      c.list(u, 'roles', `${p}.`, (a, q) => {
        c.knownKeys(a, q, ['project', 'role']);
        if (c.string(a.project, `${q}.project`) && !projectRefs.has(a.project))
          c.fail(`${q}.project`, `no project is named or has id '${a.project}'`);
        if (c.string(a.role, `${q}.role`) && !roleNames.has(a.role))
          c.fail(`${q}.role`, `no role is named '${a.role}'`);
      });
    },
    { nonEmpty: true },
  );
  c.unique(
    users.map((u, i) => ({ value: u.id, path: `users[${i}].id` })),
    'user id',
  );
  c.unique(
    users.map((u, i) => ({ value: `${String(u.domain_id)}/${String(u.name)}`, path: `users[${i}].name` })),
    'user name in its domain',
  );

  const flavors = c.list(
    s,
    'flavors',
    '',
    (f, p) => {
      c.knownKeys(f, p, ['id', 'name', 'vcpus', 'ram', 'disk', 'swap', 'ephemeral']);
      c.string(f.id, `${p}.id`, /^[A-Za-z0-9_.-]+$/);
      c.string(f.name, `${p}.name`);
      c.int(f.vcpus, `${p}.vcpus`, 1);
      c.int(f.ram, `${p}.ram`, 1);
      c.int(f.disk, `${p}.disk`, 0);
      c.optional(f, 'swap', p, (v, q): v is number => c.int(v, q, 0));
      c.optional(f, 'ephemeral', p, (v, q): v is number => c.int(v, q, 0));
    },
    { nonEmpty: true },
  );
  c.unique(
    flavors.map((f, i) => ({ value: f.id, path: `flavors[${i}].id` })),
    'flavor id',
  );
  c.unique(
    flavors.map((f, i) => ({ value: f.name, path: `flavors[${i}].name` })),
    'flavor name',
  );

  const images = c.list(s, 'images', '', (im, p) => {
    c.knownKeys(im, p, ['id', 'name', 'disk_format', 'container_format', 'size', 'min_disk', 'min_ram', 'visibility']);
    if (c.string(im.id, `${p}.id`) && !isUuid(im.id)) c.fail(`${p}.id`, 'must be a UUID');
    c.string(im.name, `${p}.name`);
    c.optional(im, 'disk_format', p, (v, q): v is string => c.string(v, q));
    c.optional(im, 'container_format', p, (v, q): v is string => c.string(v, q));
    c.optional(im, 'size', p, (v, q): v is number => c.int(v, q, 0));
    c.optional(im, 'min_disk', p, (v, q): v is number => c.int(v, q, 0));
    c.optional(im, 'min_ram', p, (v, q): v is number => c.int(v, q, 0));
    c.optional(im, 'visibility', p, (v, q): v is string => c.string(v, q, /^(public|private|shared|community)$/));
  });
  c.unique(
    images.map((im, i) => ({ value: im.id, path: `images[${i}].id` })),
    'image id',
  );

  const blocks: { block: Ipv4Cidr; path: string }[] = [];
  const networks = c.list(
    s,
    'networks',
    '',
    (n, p) => {
      c.knownKeys(n, p, ['id', 'name', 'external', 'shared', 'mtu', 'subnets']);
      if (c.string(n.id, `${p}.id`) && !isUuid(n.id)) c.fail(`${p}.id`, 'must be a UUID');
      c.string(n.name, `${p}.name`);
      for (const flag of ['external', 'shared']) {
        if (n[flag] !== undefined && typeof n[flag] !== 'boolean') c.fail(`${p}.${flag}`, 'must be true or false');
      }
      c.optional(n, 'mtu', p, (v, q): v is number => c.int(v, q, 68, 9216));
      c.list(
        n,
        'subnets',
        `${p}.`,
        (sn, q) => {
          c.knownKeys(sn, q, ['id', 'name', 'cidr', 'gateway_ip']);
          if (c.string(sn.id, `${q}.id`) && !isUuid(sn.id)) c.fail(`${q}.id`, 'must be a UUID');
          c.string(sn.name, `${q}.name`);
          if (!c.string(sn.cidr, `${q}.cidr`)) return;
          const block = parseCidr(sn.cidr);
          if (!block || block.prefix < 8 || block.prefix > 30) {
            c.fail(`${q}.cidr`, `'${sn.cidr}' is not an IPv4 CIDR with a prefix from /8 to /30 and zero host bits`);
            return;
          }
          const clash = blocks.find((b) => overlaps(b.block, block));
          if (clash) c.fail(`${q}.cidr`, `overlaps ${clash.path}`);
          blocks.push({ block, path: `${q}.cidr` });
          if (sn.gateway_ip !== undefined && sn.gateway_ip !== null) {
            const gw = typeof sn.gateway_ip === 'string' ? parseIpv4(sn.gateway_ip) : null;
            if (gw === null) c.fail(`${q}.gateway_ip`, 'must be an IPv4 address or null');
            else if (gw <= block.first || gw >= block.last)
              c.fail(`${q}.gateway_ip`, `must be a host address inside ${sn.cidr}`);
          }
        },
        { nonEmpty: true },
      );
    },
    { nonEmpty: true },
  );
  c.unique(
    networks.map((n, i) => ({ value: n.id, path: `networks[${i}].id` })),
    'network id',
  );
  c.unique(
    networks.map((n, i) => ({ value: n.name, path: `networks[${i}].name` })),
    'network name',
  );
  const subnetIds = networks.flatMap((n, i) =>
    Array.isArray(n.subnets)
      ? (n.subnets as Json[]).map((sn, j) => ({ value: sn?.id, path: `networks[${i}].subnets[${j}].id` }))
      : [],
  );
  c.unique(subnetIds, 'subnet id');

  if (c.array(s.docker_images, 'docker_images')) {
    s.docker_images.forEach((im, i) => c.string(im, `docker_images[${i}]`, DOCKER_IMAGE));
  }

  if (c.problems.length) throw new SeedError(source, c.problems);
  return s as unknown as SimulatorSeed;
}
