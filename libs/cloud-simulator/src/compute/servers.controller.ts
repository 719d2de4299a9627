import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { badRequest } from '../http/api-error';
import type { Server } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import { runServerAction } from './server-actions';
import { createServers, planServers, schemaError } from './server-create';
import { beginDelete, findServer, requireUnlocked, settleServer, simulatedWaitMs, statusOf } from './server-state';
import { links, serverAddresses, toServerSummary, toServerView } from './server.view';

/** Nova's max_limit: one page never holds more. */
const MAX_LIMIT = 1000;

type ListQuery = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);

/** Nova v2.1 servers: create, show, list (with Nova's filters and paging), update, delete and actions. */
@Controller(':region/compute/v2.1/servers')
@UseGuards(TokenGuard)
export class ServersController {
  constructor(private readonly store: SimulatorStore) {}

  @Post()
  @HttpCode(202)
  create(@Api() api: RegionApi, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const plan = planServers(api, body);
    const [first] = createServers(this.store, api, plan);
    res.setHeader('Location', links(api, 'servers', first.id)[0].href);
    const groups = plan.securityGroupIds.map((id) => api.region.securityGroups.get(id)?.name ?? id);
    return {
      server: {
        id: first.id,
        links: links(api, 'servers', first.id),
        'OS-DCF:diskConfig': first.diskConfig,
        security_groups: (groups.length ? groups : ['default']).map((name) => ({ name })),
        adminPass: plan.adminPass,
      },
    };
  }

  @Get()
  list(@Api() api: RegionApi, @Query() q: ListQuery) {
    const page = this.page(api, q, 'servers');
    return { servers: page.items.map((s) => toServerSummary(api, s)), ...page.links };
  }

  @Get('detail')
  detail(@Api() api: RegionApi, @Query() q: ListQuery) {
    const page = this.page(api, q, 'servers/detail');
    return { servers: page.items.map((s) => toServerView(api, s)), ...page.links };
  }

  @Get(':id')
  show(@Api() api: RegionApi, @Param('id') id: string) {
    return { server: toServerView(api, findServer(this.store, api, id)) };
  }

  @Put(':id')
  update(@Api() api: RegionApi, @Param('id') id: string, @Body() body: unknown) {
    const s = findServer(this.store, api, id);
    const patch = (body as { server?: unknown } | null)?.server;
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      throw schemaError('server', patch, "'server' is a required property");
    const p = patch as Record<string, unknown>;
    if (p.name !== undefined) {
      if (typeof p.name !== 'string' || p.name.length < 1 || p.name.length > 255 || p.name.trim() !== p.name) {
        throw schemaError(
          'name',
          p.name,
          'The name must be 1 to 255 characters, without leading or trailing whitespace',
        );
      }
      s.name = p.name;
    }
    if (typeof p.accessIPv4 === 'string') s.accessIPv4 = p.accessIPv4;
    if (typeof p.accessIPv6 === 'string') s.accessIPv6 = p.accessIPv6;
    s.updated = Date.now();
    return { server: toServerView(api, s) };
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string): void {
    const s = findServer(this.store, api, id);
    requireUnlocked(s, api.caller.isAdmin);
    if (s.taskState === 'deleting') return;
    beginDelete(s, Date.now(), simulatedWaitMs(s.metadata, this.store.knobs.delete_time_ms), api.caller);
  }

  @Post(':id/action')
  action(
    @Api() api: RegionApi,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const reply = runServerAction(this.store, api, findServer(this.store, api, id), body);
    res.status(reply.status);
    return reply.body;
  }

  /**
   * The servers a listing shows, newest first (Nova sorts by created_at desc), after Nova's
   * filters, from `marker` on, at most `limit`; `servers_links` points at the next page when
   * this one is full.
   */
  private page(api: RegionApi, q: ListQuery, path: string): { items: Server[]; links: Record<string, unknown> } {
    const { region, caller } = api;
    const now = Date.now();
    const allTenants = caller.isAdmin && ['1', 'true', 'True', ''].includes(one(q.all_tenants) ?? 'no');
    const projectFilter = caller.isAdmin ? (one(q.project_id) ?? one(q.tenant_id)) : undefined;
    const source =
      allTenants || projectFilter
        ? region.servers.values()
        : (region.serversByProject.get(caller.project.id)?.values() ?? [].values());

    let nameRe: RegExp | null = null;
    const name = one(q.name);
    if (name !== undefined) {
      try {
        nameRe = new RegExp(name);
      } catch {
        nameRe = new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      }
    }
    const statuses =
      q.status === undefined
        ? null
        : new Set((Array.isArray(q.status) ? q.status : [q.status]).map((s) => s.toUpperCase()));
    const flavor = one(q.flavor);
    const image = one(q.image);
    const zone = one(q.availability_zone);
    const host = caller.isAdmin ? one(q.host) : undefined;
    const ipRe = one(q.ip) !== undefined ? new RegExp(one(q.ip)!.replace(/\./g, '\\.')) : null;
    const since = one(q['changes-since']);
    const sinceMs = since === undefined ? null : Date.parse(since);
    if (sinceMs !== null && Number.isNaN(sinceMs)) throw badRequest(`Invalid filter field: changes-since.`);

    const matched: Server[] = [];
    for (const raw of source) {
      const s = settleServer(this.store, region, raw, now);
      if (!s) continue;
      if (projectFilter && s.projectId !== projectFilter) continue;
      if (nameRe && !nameRe.test(s.name)) continue;
      if (statuses && !statuses.has(statusOf(s))) continue;
      if (flavor && s.flavorId !== flavor) continue;
      if (image && s.imageId !== image) continue;
      if (zone && s.zone !== zone) continue;
      if (host && s.host !== host) continue;
      if (sinceMs !== null && s.updated < sinceMs) continue;
      if (
        ipRe &&
        !Object.values(serverAddresses(region, s)).some((list) => list.some((a) => ipRe.test(String(a.addr))))
      )
        continue;
      matched.push(s);
    }
    matched.reverse();

    let start = 0;
    const marker = one(q.marker);
    if (marker !== undefined) {
      const at = matched.findIndex((s) => s.id === marker);
      if (at < 0) throw badRequest(`marker [${marker}] not found`);
      start = at + 1;
    }
    const limitRaw = one(q.limit);
    let limit = MAX_LIMIT;
    if (limitRaw !== undefined) {
      limit = Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 0) throw schemaError('limit', limitRaw, 'is not a valid limit');
      limit = Math.min(limit, MAX_LIMIT);
    }
    const items = matched.slice(start, start + limit);
    const result: Record<string, unknown> = {};
    if (items.length > 0 && items.length === limit) {
      const next = new URLSearchParams();
      for (const [k, v] of Object.entries(q))
        if (k !== 'marker' && k !== 'limit' && v !== undefined) next.set(k, String(one(v)));
      next.set('limit', String(limit));
      next.set('marker', items[items.length - 1].id);
      result.servers_links = [{ rel: 'next', href: `${api.baseUrl}/${region.name}/compute/v2.1/${path}?${next}` }];
    }
    return { items, links: result };
  }
}
