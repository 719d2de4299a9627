import { createHash, randomBytes, randomInt } from 'node:crypto';
import { settleServer, statusOf } from '../compute/server-state';
import { ApiError } from '../http/api-error';
import type { RegionState } from '../store/region-state';
import type { Container, DockerHost, Server } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';

/** The standalone Docker host that answers on addresses no server holds. */
export const LOCAL_HOST = 'local';

/** `busybox` → `busybox:latest`; `docker.io/library/nginx:1.25` → `nginx:1.25`. */
export function normalizeImage(ref: string): string {
  let name = ref
    .trim()
    .replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
    .replace(/^library\//, '');
  if (name.includes('@')) return name;
  const slash = name.lastIndexOf('/');
  if (name.indexOf(':', slash + 1) < 0) name += ':latest';
  return name;
}

export const imageId = (normalized: string): string =>
  `sha256:${createHash('sha256').update(normalized).digest('hex')}`;

/** Where a Docker request landed: the server whose address it arrived on (if any) and that host's containers. */
export interface DockerTarget {
  host: DockerHost;
  server: Server | null;
  region: RegionState | null;
}

/** States in which a server's Docker daemon is not running: a request to it finds nobody listening. */
const DOWN = new Set([
  'BUILD',
  'SHUTOFF',
  'PAUSED',
  'SUSPENDED',
  'ERROR',
  'SHELVED',
  'SHELVED_OFFLOADED',
  'HARD_REBOOT',
  'REBOOT',
  'REBUILD',
]);

/**
 * The Docker host behind a local address: the server holding that fixed (or floating) IP, else
 * the `local` host. Returns null when the address belongs to a server whose daemon is down.
 */
export function dockerTarget(store: SimulatorStore, localAddress: string | undefined): DockerTarget | null {
  const ip = (localAddress ?? '').replace(/^::ffff:/, '');
  const owner = store.addressOwners.get(ip);
  let server: Server | null = null;
  let region: RegionState | null = null;
  if (owner) {
    region = owner.region;
    const portId =
      owner.portId ?? (owner.floatingIpId ? owner.region.floatingIps.get(owner.floatingIpId)?.portId : undefined);
    const port = portId ? owner.region.ports.get(portId) : undefined;
    const raw = port?.deviceId ? owner.region.servers.get(port.deviceId) : undefined;
    server = raw ? settleServer(store, owner.region, raw, Date.now()) : null;
  }
  if (server && DOWN.has(statusOf(server))) return null;
  const key = server ? server.id : LOCAL_HOST;
  let host = store.dockerHosts.get(key);
  if (!host) {
    host = {
      key,
      containers: new Map(),
      names: new Map(),
      images: new Set(store.seed.docker_images.map(normalizeImage)),
      nextAddress: 2,
    };
    store.dockerHosts.set(key, host);
  }
  return { host, server, region: server ? region : null };
}

/** Brings a container up to date: a main process whose time has come has exited, with its planned code. */
export function settleContainer(c: Container, now = Date.now()): Container {
  if (c.status === 'running' && c.exitAt !== null && now >= c.exitAt) {
    c.status = 'exited';
    c.exitCode = c.plannedExitCode;
    c.finishedAt = c.exitAt;
    c.pid = 0;
    c.ipAddress = '';
    c.exitAt = null;
  }
  return c;
}

/** A container by full id, name (with or without the leading slash), or unique id prefix, as Docker finds them. */
export function findContainer(host: DockerHost, ref: string): Container {
  const exact = host.containers.get(ref);
  if (exact) return settleContainer(exact);
  const byName = host.names.get(ref.replace(/^\//, ''));
  if (byName) return settleContainer(host.containers.get(byName)!);
  const matches = ref.length > 0 ? [...host.containers.values()].filter((c) => c.id.startsWith(ref)) : [];
  if (matches.length > 1) throw new ApiError(400, `multiple IDs found with provided prefix: ${ref}`);
  if (matches.length === 1) return settleContainer(matches[0]);
  throw new ApiError(404, `No such container: ${ref}`);
}

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function checkName(host: DockerHost, name: string, exceptId?: string): string {
  if (!NAME.test(name))
    throw new ApiError(400, `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const clean = name.replace(/^\//, '');
  const holder = host.names.get(clean);
  if (holder && holder !== exceptId) {
    throw new ApiError(
      409,
      `Conflict. The container name "/${clean}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
  }
  return clean;
}

const ADJECTIVES = [
  'admiring',
  'brave',
  'clever',
  'dreamy',
  'eager',
  'focused',
  'gallant',
  'happy',
  'jolly',
  'keen',
  'nifty',
  'quirky',
  'serene',
  'vibrant',
  'zealous',
];
const SURNAMES = [
  'babbage',
  'curie',
  'darwin',
  'euler',
  'feynman',
  'gauss',
  'hopper',
  'kepler',
  'lovelace',
  'noether',
  'pascal',
  'ritchie',
  'shannon',
  'turing',
  'wozniak',
];

/** Docker's generated names: adjective_scientist, with a number when taken. */
export function generatedName(host: DockerHost): string {
  for (let attempt = 0; ; attempt++) {
    const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}${attempt > 5 ? randomInt(10) : ''}`;
    if (!host.names.has(name)) return name;
  }
}

export const newContainerId = (): string => randomBytes(32).toString('hex');

/** Gives a starting container an address on the host's bridge, 172.17.0.0/16. */
export function assignAddress(host: DockerHost, c: Container): void {
  const n = host.nextAddress++;
  c.ipAddress = `172.17.${Math.floor(n / 256) % 256}.${n % 256}`;
}
