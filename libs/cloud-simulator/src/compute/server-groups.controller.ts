import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { newId } from '@grove/core';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { badRequest, forbidden, notFound } from '../http/api-error';
import type { ServerGroup, ServerGroupPolicy } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import { answerMicroversion, computeMicroversion } from './microversion';
import { schemaError } from './server-create';
import { findServerGroup, settleServer } from './server-state';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** 2.64 replaced `policies: [p]` with `policy: p` (and `rules`), and dropped `metadata`. */
const POLICY_OBJECT = 64;
/** 2.15 added the soft policies. */
const SOFT_POLICIES = 15;
/** 2.13 added project_id and user_id. */
const OWNERS = 13;
const MAX_LIMIT = 1000;

const policiesAt = (v: number): ServerGroupPolicy[] =>
  v >= SOFT_POLICIES
    ? ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']
    : ['anti-affinity', 'affinity'];

const denied = (rule: string) =>
  forbidden(`Policy doesn't allow os_compute_api:os-server-groups:${rule} to be performed.`);

const groupNotFound = (id: string) => notFound(`Instance group ${id} could not be found.`);

/**
 * Nova's server groups (`/os-server-groups`), in the shape of the microversion asked for. Servers
 * booted with `scheduler_hints.group` join a group and are placed by its policy (server-create.ts).
 */
@Controller(':region/compute/v2.1/os-server-groups')
@UseGuards(TokenGuard)
export class ServerGroupsController {
  constructor(private readonly store: SimulatorStore) {}

  private view(api: RegionApi, g: ServerGroup, v: number) {
    const now = Date.now();
    // Only members that still exist are shown.
    const members = g.members.filter((id) => {
      const s = api.region.servers.get(id);
      return !!s && !!settleServer(this.store, api.region, s, now);
    });
    return {
      id: g.id,
      name: g.name,
      ...(v >= POLICY_OBJECT ? { policy: g.policy, rules: { ...g.rules } } : { policies: [g.policy], metadata: {} }),
      members,
      ...(v >= OWNERS ? { project_id: g.projectId, user_id: g.userId } : {}),
    };
  }

  @Post()
  @HttpCode(200)
  create(@Api() api: RegionApi, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const v = computeMicroversion(req);
    answerMicroversion(res, v);
    const sg = isObject(body) ? body.server_group : undefined;
    if (!isObject(sg)) throw schemaError('server_group', sg, "'server_group' is a required property");
    const allowed = v >= POLICY_OBJECT ? ['name', 'policy', 'rules'] : ['name', 'policies'];
    const extra = Object.keys(sg).find((k) => !allowed.includes(k));
    if (extra)
      throw schemaError('server_group', sg, `Additional properties are not allowed ('${extra}' was unexpected)`);
    const name = sg.name;
    if (name === undefined) throw schemaError('server_group', sg, "'name' is a required property");
    if (typeof name !== 'string' || name.length < 1 || name.length > 255 || name.trim() !== name)
      throw schemaError('name', name, 'The name must be 1 to 255 characters, without leading or trailing whitespace');
    const valid = policiesAt(v);
    let policy: ServerGroupPolicy;
    const rules: ServerGroup['rules'] = {};
    if (v >= POLICY_OBJECT) {
      if (sg.policy === undefined) throw schemaError('server_group', sg, "'policy' is a required property");
      if (typeof sg.policy !== 'string' || !(valid as string[]).includes(sg.policy))
        throw schemaError('policy', sg.policy, `'${String(sg.policy)}' is not one of ${JSON.stringify(valid)}`);
      policy = sg.policy as ServerGroupPolicy;
      if (sg.rules !== undefined) {
        if (!isObject(sg.rules)) throw schemaError('rules', sg.rules, "is not of type 'object'");
        for (const [k, value] of Object.entries(sg.rules)) {
          if (k !== 'max_server_per_host')
            throw schemaError('rules', sg.rules, `Additional properties are not allowed ('${k}' was unexpected)`);
          const n = typeof value === 'string' ? Number(value) : value;
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
            throw schemaError('rules.max_server_per_host', value, 'is not a positive integer');
          rules.max_server_per_host = n;
        }
        if (Object.keys(rules).length && policy !== 'anti-affinity')
          throw badRequest('Only anti-affinity policy supports rules.');
      }
    } else {
      const p = sg.policies;
      if (p === undefined) throw schemaError('server_group', sg, "'policies' is a required property");
      if (!Array.isArray(p) || p.length !== 1)
        throw schemaError('policies', p, Array.isArray(p) ? 'must hold exactly one policy' : "is not of type 'array'");
      if (typeof p[0] !== 'string' || !(valid as string[]).includes(p[0]))
        throw schemaError('policies', p, `'${String(p[0])}' is not one of ${JSON.stringify(valid)}`);
      policy = p[0] as ServerGroupPolicy;
    }
    const g: ServerGroup = {
      id: newId(),
      name,
      projectId: api.caller.project.id,
      userId: api.caller.user.id,
      policy,
      rules,
      members: [],
      created: Date.now(),
    };
    api.region.serverGroups.set(g.id, g);
    return { server_group: this.view(api, g, v) };
  }

  /** The project's groups; with `all_projects` (admins only) everyone's. Paged by `limit` and `offset`. */
  @Get()
  list(
    @Api() api: RegionApi,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() q: Record<string, string | undefined>,
  ) {
    const v = computeMicroversion(req);
    answerMicroversion(res, v);
    const all = q.all_projects !== undefined;
    if (all && !api.caller.isAdmin) throw denied('index:all_projects');
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    const limit = q.limit === undefined ? MAX_LIMIT : Number(q.limit);
    if (!Number.isInteger(offset) || offset < 0) throw schemaError('offset', q.offset, 'is not a valid offset');
    if (!Number.isInteger(limit) || limit < 0) throw schemaError('limit', q.limit, 'is not a valid limit');
    const groups = [...api.region.serverGroups.values()].filter((g) => all || g.projectId === api.caller.project.id);
    return {
      server_groups: groups.slice(offset, offset + Math.min(limit, MAX_LIMIT)).map((g) => this.view(api, g, v)),
    };
  }

  @Get(':id')
  show(@Api() api: RegionApi, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id') id: string) {
    const v = computeMicroversion(req);
    answerMicroversion(res, v);
    const g = findServerGroup(api.region, api, id);
    if (!g) throw groupNotFound(id);
    return { server_group: this.view(api, g, v) };
  }

  /** Its servers keep running where they are; they just stop being a group. */
  @Delete(':id')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string): void {
    const g = findServerGroup(api.region, api, id);
    if (!g) throw groupNotFound(id);
    api.region.serverGroups.delete(id);
    for (const sid of g.members) {
      const s = api.region.servers.get(sid);
      if (s?.groupId === id) s.groupId = null;
    }
  }
}
