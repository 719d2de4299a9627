import { CloudResourceFailed } from '@grove/core';
import { cleanQuote } from '../http/json-http';
import { pollUntil, type WaitOptions } from '../http/wait';
import type {
  OrchestrationDriver,
  Stack,
  StackCreate,
  StackResource,
  StackSources,
  StackUpdate,
} from '../orchestration/orchestration.driver';
import type { OpenStackService } from './openstack-service';

interface RawStack {
  id: string;
  stack_name: string;
  stack_status: string;
  stack_status_reason?: string;
  outputs?: { output_key: string; output_value: unknown }[];
  tags?: string[] | string | null;
  parameters?: Record<string, unknown>;
}

function toStack(s: RawStack): Stack {
  const tags = Array.isArray(s.tags) ? s.tags : typeof s.tags === 'string' && s.tags ? s.tags.split(',') : [];
  return {
    id: s.id,
    name: s.stack_name,
    status: s.stack_status,
    statusReason: cleanQuote(s.stack_status_reason ?? ''),
    outputs: Object.fromEntries((s.outputs ?? []).map((o) => [o.output_key, o.output_value])),
    tags,
    parameters: s.parameters ?? {},
    raw: s as unknown as Record<string, unknown>,
  };
}

function stackBody(req: StackUpdate & { name?: string }): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  if (req.name !== undefined) b.stack_name = req.name;
  if (req.template !== undefined) b.template = req.template;
  if (req.templateUrl !== undefined) b.template_url = req.templateUrl;
  if (req.parameters !== undefined) b.parameters = req.parameters;
  if (req.files !== undefined) b.files = req.files;
  if (req.environment !== undefined) b.environment = req.environment;
  if (req.timeoutMins !== undefined) b.timeout_mins = req.timeoutMins;
  if (req.disableRollback !== undefined) b.disable_rollback = req.disableRollback;
  if (req.tags !== undefined) b.tags = req.tags.join(',');
  if (req.clearParameters?.length) b.clear_parameters = req.clearParameters;
  return b;
}

/** Heat v1. Stacks are addressed by `<name>/<id>`; a bare id is first resolved through Heat's redirect. */
export class HeatDriver implements OrchestrationDriver {
  private readonly paths = new Map<string, string>();

  constructor(private readonly heat: OpenStackService) {}

  /** `/stacks/<name>/<id>` for an id, learned from Heat's redirect and remembered. */
  private async path(id: string, signal?: AbortSignal): Promise<string | null> {
    const known = this.paths.get(id);
    if (known) return known;
    const res = await this.heat.call('GET', `/stacks/${encodeURIComponent(id)}`, { expect: [302, 404], signal });
    if (res.status === 404) return null;
    let path: string;
    if (res.status === 302) {
      const location = String(res.headers.location ?? '');
      const m = /\/stacks\/([^/]+)\/([^/?]+)/.exec(location);
      if (!m) return null;
      path = `/stacks/${m[1]}/${m[2]}`;
    } else {
      const s = (res.body as { stack: RawStack }).stack;
      path = `/stacks/${encodeURIComponent(s.stack_name)}/${s.id}`;
    }
    this.paths.set(id, path);
    return path;
  }

  async createStack(req: StackCreate, signal?: AbortSignal): Promise<{ id: string }> {
    const res = await this.heat.call<{ stack: { id: string } }>('POST', '/stacks', { body: stackBody(req), signal });
    const id = res.body.stack.id;
    this.paths.set(id, `/stacks/${encodeURIComponent(req.name)}/${id}`);
    return { id };
  }

  async getStack(id: string, signal?: AbortSignal): Promise<Stack | null> {
    const path = await this.path(id, signal);
    if (!path) return null;
    const res = await this.heat.call<{ stack: RawStack }>('GET', path, { expect: [404], signal });
    if (res.status === 404) {
      this.paths.delete(id);
      return null;
    }
    return toStack(res.body.stack);
  }

  async listStackResources(id: string, signal?: AbortSignal): Promise<StackResource[] | null> {
    const path = await this.path(id, signal);
    if (!path) return null;
    const res = await this.heat.call<{
      resources?: { resource_name: string; resource_type: string; physical_resource_id?: string }[];
    }>('GET', `${path}/resources?nested_depth=5`, { expect: [404], signal });
    if (res.status === 404) return null;
    return (res.body.resources ?? []).map((r) => ({
      name: r.resource_name,
      type: r.resource_type,
      physicalId: r.physical_resource_id ?? '',
    }));
  }

  async getStackSources(id: string, signal?: AbortSignal): Promise<StackSources | null> {
    const path = await this.path(id, signal);
    if (!path) return null;
    const get = async (what: string) => {
      const res = await this.heat.call<Record<string, unknown>>('GET', `${path}/${what}`, { expect: [404], signal });
      return res.status === 404 ? null : (res.body ?? {});
    };
    const [template, environment, files] = await Promise.all([get('template'), get('environment'), get('files')]);
    if (!template || !environment || !files) return null;
    return { template, environment, files };
  }

  async listStacks(filter: { tags?: string[]; name?: string }, signal?: AbortSignal): Promise<Stack[]> {
    const q = new URLSearchParams();
    if (filter.tags?.length) q.set('tags', filter.tags.join(','));
    if (filter.name) q.set('name', filter.name);
    const res = await this.heat.call<{ stacks: RawStack[] }>('GET', `/stacks?${q}`, { signal });
    return (res.body.stacks ?? []).map(toStack);
  }

  async updateStack(id: string, patch: StackUpdate, signal?: AbortSignal): Promise<void> {
    const path = await this.requirePath(id, signal);
    await this.heat.call('PATCH', path, { body: stackBody(patch), signal });
  }

  async deleteStack(id: string, signal?: AbortSignal): Promise<void> {
    const path = await this.path(id, signal);
    if (!path) return;
    await this.heat.call('DELETE', path, { expect: [404], signal });
  }

  async checkStack(id: string, signal?: AbortSignal): Promise<void> {
    const path = await this.requirePath(id, signal);
    await this.heat.call('POST', `${path}/actions`, { body: { check: null }, signal });
  }

  async abandonStack(id: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const path = await this.requirePath(id, signal);
    const res = await this.heat.call<Record<string, unknown>>('DELETE', `${path}/abandon`, { signal });
    this.paths.delete(id);
    return res.body ?? {};
  }

  async validateTemplate(
    req: Pick<StackCreate, 'template' | 'templateUrl' | 'files' | 'environment'>,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.heat.call('POST', '/validate', { body: stackBody(req), signal });
  }

  async waitForStack(id: string, wanted: readonly string[], o: WaitOptions): Promise<Stack> {
    return pollUntil(
      `stack ${id} to reach ${wanted.join(' or ')}`,
      async () => {
        const s = await this.getStack(id, o.signal);
        if (!s) throw new CloudResourceFailed(`Stack ${id} disappeared while waiting for ${wanted.join(' or ')}`);
        if (wanted.includes(s.status)) return s;
        if (s.status.endsWith('_FAILED')) {
          throw new CloudResourceFailed(`Stack ${id} is ${s.status}${s.statusReason ? `: ${s.statusReason}` : ''}`);
        }
        return undefined;
      },
      o,
    );
  }

  async waitForStackGone(id: string, o: WaitOptions): Promise<void> {
    await pollUntil(
      `stack ${id} to be deleted`,
      async () => {
        const s = await this.getStack(id, o.signal);
        if (!s || s.status === 'DELETE_COMPLETE') return true;
        if (s.status === 'DELETE_FAILED')
          throw new CloudResourceFailed(`Stack ${id} is DELETE_FAILED: ${s.statusReason}`);
        return undefined;
      },
      o,
    );
  }

  private async requirePath(id: string, signal?: AbortSignal): Promise<string> {
    const path = await this.path(id, signal);
    if (!path) throw new CloudResourceFailed(`Stack ${id} does not exist`);
    return path;
  }
}
