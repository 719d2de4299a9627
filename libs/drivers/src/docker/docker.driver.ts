import { CloudResourceFailed } from '@grove/core';
import type { JsonHttp } from '../http/json-http';
import { pollUntil, type WaitOptions } from '../http/wait';
import type { Container, ContainerCreate, ContainerDriver } from '../container/container.driver';

interface RawContainer {
  Id: string;
  Name?: string;
  Names?: string[];
  State?: { Status: string } | string;
  Config?: { Image: string; Labels?: Record<string, string> };
  Image?: string;
  Labels?: Record<string, string>;
}

function toContainer(c: RawContainer): Container {
  const status = typeof c.State === 'string' ? c.State : (c.State?.Status ?? 'unknown');
  const name = (c.Name ?? c.Names?.[0] ?? '').replace(/^\//, '');
  return {
    id: c.Id,
    name,
    status,
    image: c.Config?.Image ?? c.Image ?? '',
    labels: c.Config?.Labels ?? c.Labels ?? {},
    raw: c as unknown as Record<string, unknown>,
  };
}

/** The Docker Engine API (v1.41) of one host, e.g. http://10.0.0.5:2375. */
export class DockerDriver implements ContainerDriver {
  constructor(
    readonly endpoint: string,
    private readonly http: JsonHttp,
  ) {}

  private url(path: string): string {
    return `${this.endpoint.replace(/\/+$/, '')}/v1.41${path}`;
  }

  private id(id: string): string {
    return encodeURIComponent(id);
  }

  async create(req: ContainerCreate, signal?: AbortSignal): Promise<{ id: string }> {
    const body: Record<string, unknown> = { Image: req.image, Labels: req.labels };
    if (req.command !== undefined) body.Cmd = Array.isArray(req.command) ? req.command : ['/bin/sh', '-c', req.command];
    if (req.env) body.Env = req.env;
    const q = req.name ? `?name=${encodeURIComponent(req.name)}` : '';
    const res = await this.http.request<{ Id: string }>({
      method: 'POST',
      url: this.url(`/containers/create${q}`),
      body,
      signal,
    });
    return { id: res.body.Id };
  }

  private async post(path: string, signal?: AbortSignal, expect: number[] = []): Promise<void> {
    await this.http.request({ method: 'POST', url: this.url(path), expect: [304, ...expect], signal });
  }

  start(id: string, signal?: AbortSignal) {
    return this.post(`/containers/${this.id(id)}/start`, signal);
  }
  stop(id: string, timeoutS = 10, signal?: AbortSignal) {
    return this.post(`/containers/${this.id(id)}/stop?t=${timeoutS}`, signal);
  }
  restart(id: string, timeoutS = 10, signal?: AbortSignal) {
    return this.post(`/containers/${this.id(id)}/restart?t=${timeoutS}`, signal);
  }
  pause(id: string, signal?: AbortSignal) {
    return this.post(`/containers/${this.id(id)}/pause`, signal);
  }
  unpause(id: string, signal?: AbortSignal) {
    return this.post(`/containers/${this.id(id)}/unpause`, signal);
  }
  rename(id: string, name: string, signal?: AbortSignal) {
    return this.post(`/containers/${this.id(id)}/rename?name=${encodeURIComponent(name)}`, signal);
  }

  async remove(id: string, o: { force?: boolean } = {}, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      url: this.url(`/containers/${this.id(id)}?force=${o.force ? 'true' : 'false'}`),
      expect: [404],
      signal,
    });
  }

  async inspect(id: string, signal?: AbortSignal): Promise<Container | null> {
    const res = await this.http.request<RawContainer>({
      method: 'GET',
      url: this.url(`/containers/${this.id(id)}/json`),
      expect: [404],
      signal,
    });
    return res.status === 404 ? null : toContainer(res.body);
  }

  async list(filter: { labels?: Record<string, string> }, signal?: AbortSignal): Promise<Container[]> {
    const label = Object.entries(filter.labels ?? {}).map(([k, v]) => `${k}=${v}`);
    const q = new URLSearchParams({ all: 'true', filters: JSON.stringify(label.length ? { label } : {}) });
    const res = await this.http.request<RawContainer[]>({
      method: 'GET',
      url: this.url(`/containers/json?${q}`),
      signal,
    });
    return (res.body ?? []).map(toContainer);
  }

  async waitForStatus(id: string, wanted: readonly string[], o: WaitOptions): Promise<Container> {
    return pollUntil(
      `container ${id} to be ${wanted.join(' or ')}`,
      async () => {
        const c = await this.inspect(id, o.signal);
        if (!c) throw new CloudResourceFailed(`Container ${id} disappeared`);
        if (wanted.includes(c.status)) return c;
        if (c.status === 'dead') throw new CloudResourceFailed(`Container ${id} is dead`);
        return undefined;
      },
      o,
    );
  }
}
