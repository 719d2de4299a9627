import type { WaitOptions } from '../http/wait';

export interface Container {
  id: string;
  name: string;
  /** created, running, paused, restarting, exited, dead */
  status: string;
  image: string;
  labels: Record<string, string>;
  raw: Record<string, unknown>;
}

export interface ContainerCreate {
  name?: string;
  image: string;
  command?: string | string[];
  labels: Record<string, string>;
  env?: string[];
}

/** The Docker Engine API of one host. Missing containers are `null`; failures are CloudErrors. */
export interface ContainerDriver {
  readonly endpoint: string;
  create(req: ContainerCreate, signal?: AbortSignal): Promise<{ id: string }>;
  start(id: string, signal?: AbortSignal): Promise<void>;
  stop(id: string, timeoutS?: number, signal?: AbortSignal): Promise<void>;
  restart(id: string, timeoutS?: number, signal?: AbortSignal): Promise<void>;
  pause(id: string, signal?: AbortSignal): Promise<void>;
  unpause(id: string, signal?: AbortSignal): Promise<void>;
  rename(id: string, name: string, signal?: AbortSignal): Promise<void>;
  /** A container that is already gone is fine. */
  remove(id: string, o?: { force?: boolean }, signal?: AbortSignal): Promise<void>;
  inspect(id: string, signal?: AbortSignal): Promise<Container | null>;
  /** Containers (running or not) carrying every one of `labels`. */
  list(filter: { labels?: Record<string, string> }, signal?: AbortSignal): Promise<Container[]>;
  waitForStatus(id: string, wanted: readonly string[], o: WaitOptions): Promise<Container>;
}
