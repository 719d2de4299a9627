import {
  All,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { ApiError } from '../http/api-error';
import type { SimRequest } from '../http/sim-request';
import { isoSeconds } from '../http/times';
import type { Stack } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import type { StackScope } from './resource-types';
import {
  abandonStack,
  createStack,
  deleteStack,
  findStack,
  previewStack,
  resolveOutputs,
  resourceStatus,
  settleStack,
  stackAction,
  stackAt,
  updateStack,
  validateTemplate,
} from './stack-lifecycle';
import { httpBadRequest, parseStackInput } from './stack-request';
import { stackUrl, toStackSummary, toStackView } from './stack.view';

type ListQuery = Record<string, string | string[] | undefined>;

/** The sub-paths Heat redirects from `/stacks/{name}/…` to `/stacks/{name}/{id}/…`. */
const LOOKUP_PATHS = new Set(['resources', 'events', 'template', 'actions', 'environment', 'files']);

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);
const list = (v: string | string[] | undefined): string[] =>
  v === undefined
    ? []
    : (Array.isArray(v) ? v : [v])
        .flatMap((x) => x.split(','))
        .map((x) => x.trim())
        .filter(Boolean);

/** Heat v1 stacks under `/<region>/orchestration/v1/{project_id}`. */
@Controller(':region/orchestration/v1/:projectId')
@UseGuards(TokenGuard)
export class StacksController {
  constructor(private readonly store: SimulatorStore) {}

  /** Heat answers 403 when the project in the path is not the token's (admins excepted). */
  private checkProject(api: RegionApi, projectId: string): void {
    if (projectId !== api.caller.project.id && !api.caller.isAdmin)
      throw new ApiError(403, 'Access was denied to this resource.', 'HTTPForbidden');
  }

  private scope(api: RegionApi, stack: Stack): StackScope {
    return { store: this.store, api, stack, now: Date.now() };
  }

  @Post('stacks')
  @HttpCode(201)
  create(@Api() api: RegionApi, @Param('projectId') projectId: string, @Body() body: unknown) {
    this.checkProject(api, projectId);
    const stack = createStack(
      this.store,
      api,
      parseStackInput(body, this.store.templates, { create: true, keepTemplate: false }),
    );
    return { stack: { id: stack.id, links: [{ href: stackUrl(api, stack), rel: 'self' }] } };
  }

  @Get('stacks')
  list(@Api() api: RegionApi, @Param('projectId') projectId: string, @Query() q: ListQuery) {
    this.checkProject(api, projectId);
    return { stacks: this.select(api, q).map((s) => toStackSummary(api, s)) };
  }

  @Get('stacks/detail')
  detail(@Api() api: RegionApi, @Param('projectId') projectId: string, @Query() q: ListQuery) {
    this.checkProject(api, projectId);
    return { stacks: this.select(api, q).map((s) => toStackView(this.scope(api, s))) };
  }

  @Post('stacks/preview')
  @HttpCode(200)
  preview(@Api() api: RegionApi, @Param('projectId') projectId: string, @Body() body: unknown) {
    this.checkProject(api, projectId);
    const { stack, resources } = previewStack(
      this.store,
      api,
      parseStackInput(body, this.store.templates, { create: true, keepTemplate: false }),
    );
    const view = toStackView(this.scope(api, stack));
    for (const key of ['stack_status', 'stack_status_reason', 'outputs']) delete view[key];
    return { stack: { ...view, id: 'None', links: [], resources } };
  }

  @Post('validate')
  @HttpCode(200)
  validate(@Api() api: RegionApi, @Param('projectId') projectId: string, @Body() body: unknown) {
    this.checkProject(api, projectId);
    return validateTemplate(
      this.store,
      api,
      parseStackInput(body, this.store.templates, { create: false, keepTemplate: false }),
    );
  }

  /** `/stacks/{name or id}` with any method: Heat's redirect to the stack's canonical URL. */
  @All('stacks/:nameOrId')
  lookup(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('nameOrId') nameOrId: string,
    @Req() req: SimRequest,
    @Res() res: Response,
  ): void {
    this.checkProject(api, projectId);
    this.redirect(api, nameOrId, '', req, res);
  }

  @Get('stacks/:name/:id')
  show(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
    @Req() req: SimRequest,
    @Res() res: Response,
  ): void {
    this.checkProject(api, projectId);
    if (LOOKUP_PATHS.has(id)) return this.redirect(api, name, id, req, res);
    const stack = stackAt(this.store, api, name, id, { deleted: true });
    res.json({ stack: toStackView(this.scope(api, stack)) });
  }

  @Post('stacks/:name/:sub')
  lookupPost(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('sub') sub: string,
    @Req() req: SimRequest,
    @Res() res: Response,
  ): void {
    this.checkProject(api, projectId);
    if (!['resources', 'events', 'template', 'actions'].includes(sub))
      throw new ApiError(404, 'The resource could not be found.', 'HTTPNotFound');
    this.redirect(api, name, sub, req, res);
  }

  @Put('stacks/:name/:id')
  @HttpCode(202)
  replace(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): void {
    this.checkProject(api, projectId);
    const stack = stackAt(this.store, api, name, id);
    updateStack(
      this.store,
      api,
      stack,
      parseStackInput(body, this.store.templates, { create: false, keepTemplate: false }),
      false,
    );
  }

  @Patch('stacks/:name/:id')
  @HttpCode(202)
  patch(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): void {
    this.checkProject(api, projectId);
    const stack = stackAt(this.store, api, name, id);
    updateStack(
      this.store,
      api,
      stack,
      parseStackInput(body, this.store.templates, { create: false, keepTemplate: true }),
      true,
    );
  }

  @Delete('stacks/:name/:id')
  @HttpCode(204)
  remove(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
  ): void {
    this.checkProject(api, projectId);
    deleteStack(this.store, api, stackAt(this.store, api, name, id));
  }

  @Delete('stacks/:name/:id/abandon')
  @HttpCode(200)
  abandon(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
  ) {
    this.checkProject(api, projectId);
    return abandonStack(api, stackAt(this.store, api, name, id));
  }

  @Post('stacks/:name/:id/actions')
  @HttpCode(200)
  action(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ): void {
    this.checkProject(api, projectId);
    const keys = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
    if (keys.length < 1) throw httpBadRequest('No action specified');
    if (keys.length > 1) throw httpBadRequest('Multiple actions specified');
    const action = keys[0];
    const stack = stackAt(this.store, api, name, id);
    if (action === 'cancel_update' || action === 'cancel_without_rollback') {
      const state = `${stack.action}_${stack.status}`;
      throw new ApiError(
        400,
        state === 'UPDATE_IN_PROGRESS'
          ? 'Cancelling update is not supported by the simulator.'
          : `Cancelling update when stack is ${state} is not supported.`,
        'NotSupported',
      );
    }
    if (action !== 'check' && action !== 'suspend' && action !== 'resume')
      throw httpBadRequest(`Invalid action ${action} specified`);
    stackAction(this.store, api, stack, action);
  }

  @Get('stacks/:name/:id/resources')
  resources(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
  ) {
    this.checkProject(api, projectId);
    const stack = stackAt(this.store, api, name, id);
    return { resources: [...stack.resources.values()].map((r) => this.resourceView(api, stack, r.name)) };
  }

  @Get('stacks/:name/:id/resources/:resource')
  resource(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
    @Param('resource') resource: string,
  ) {
    this.checkProject(api, projectId);
    const stack = stackAt(this.store, api, name, id);
    if (!stack.resources.has(resource))
      throw new ApiError(404, `The Resource (${resource}) could not be found.`, 'EntityNotFound');
    return { resource: { ...this.resourceView(api, stack, resource), attributes: {}, description: '' } };
  }

  @Get('stacks/:name/:id/template')
  template(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
  ) {
    this.checkProject(api, projectId);
    return stackAt(this.store, api, name, id).template;
  }

  @Get('stacks/:name/:id/environment')
  environment(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
  ) {
    this.checkProject(api, projectId);
    const stack = stackAt(this.store, api, name, id);
    return {
      parameters: stack.givenParameters,
      parameter_defaults: {},
      resource_registry: { resources: {} },
      ...stack.environment,
    };
  }

  @Get('stacks/:name/:id/files')
  files(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
  ) {
    this.checkProject(api, projectId);
    return stackAt(this.store, api, name, id).files;
  }

  @Get('stacks/:name/:id/outputs')
  outputs(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
  ) {
    this.checkProject(api, projectId);
    const outs = resolveOutputs(this.scope(api, stackAt(this.store, api, name, id)));
    return { outputs: outs.map((o) => ({ output_key: o.output_key, description: o.description })) };
  }

  @Get('stacks/:name/:id/outputs/:key')
  output(
    @Api() api: RegionApi,
    @Param('projectId') projectId: string,
    @Param('name') name: string,
    @Param('id') id: string,
    @Param('key') key: string,
  ) {
    this.checkProject(api, projectId);
    const found = resolveOutputs(this.scope(api, stackAt(this.store, api, name, id))).find((o) => o.output_key === key);
    if (!found) throw new ApiError(404, `Specified output key ${key} not found.`, 'NotFound');
    return { output: found };
  }

  private redirect(api: RegionApi, nameOrId: string, path: string, req: SimRequest, res: Response): void {
    const stack = findStack(this.store, api, nameOrId);
    if (!stack) throw new ApiError(404, `The Stack (${nameOrId}) could not be found.`, 'EntityNotFound');
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    const location = `${stackUrl(api, stack)}${path ? `/${path}` : ''}${query}`;
    res
      .status(302)
      .location(location)
      .type('text/plain')
      .send(`302 Found\n\nThe resource was found at ${location}; you should be redirected automatically.\n\n`);
  }

  private resourceView(api: RegionApi, stack: Stack, name: string) {
    const r = stack.resources.get(name)!;
    const { status, reason } = resourceStatus(this.scope(api, stack), r);
    const url = `${stackUrl(api, stack)}/resources/${encodeURIComponent(name)}`;
    return {
      resource_name: name,
      logical_resource_id: name,
      physical_resource_id: r.physicalId,
      resource_type: r.type,
      resource_status: status,
      resource_status_reason: reason,
      creation_time: isoSeconds(r.created),
      updated_time: isoSeconds(r.updated ?? r.created),
      required_by: [...stack.resources.values()].filter((o) => o.dependsOn.includes(name)).map((o) => o.name),
      links: [
        { href: url, rel: 'self' },
        { href: stackUrl(api, stack), rel: 'stack' },
      ],
    };
  }

  /** Stacks with Heat's list filters (tags, tags_any, not_tags, not_tags_any, name, status, action), newest first. */
  private select(api: RegionApi, q: ListQuery): Stack[] {
    const { region, caller } = api;
    const global = caller.isAdmin && ['true', 'True', '1'].includes(one(q.global_tenant) ?? '');
    const now = Date.now();
    const tags = list(q.tags);
    const tagsAny = list(q.tags_any);
    const notTags = list(q.not_tags);
    const notTagsAny = list(q.not_tags_any);
    const names = list(q.name);
    const statuses = list(q.status);
    const actions = list(q.action);
    const ids = list(q.id);
    let out: Stack[] = [];
    for (const raw of region.stacks.values()) {
      if (!global && raw.projectId !== caller.project.id) continue;
      const s = settleStack(this.store, api, raw, now);
      if (!s) continue;
      if (tags.length && !tags.every((t) => s.tags.includes(t))) continue;
      if (tagsAny.length && !tagsAny.some((t) => s.tags.includes(t))) continue;
      if (notTags.length && notTags.every((t) => s.tags.includes(t))) continue;
      if (notTagsAny.length && notTagsAny.some((t) => s.tags.includes(t))) continue;
      if (names.length && !names.includes(s.name)) continue;
      if (ids.length && !ids.includes(s.id)) continue;
      if (actions.length && !actions.includes(s.action)) continue;
      if (statuses.length && !statuses.some((st) => st === s.status || st === `${s.action}_${s.status}`)) continue;
      out.push(s);
    }
    out.reverse();
    const marker = one(q.marker);
    if (marker !== undefined) {
      const at = out.findIndex((s) => s.id === marker);
      if (at < 0) throw new ApiError(404, `The Stack (${marker}) could not be found.`, 'EntityNotFound');
      out = out.slice(at + 1);
    }
    const limit = one(q.limit);
    if (limit !== undefined) {
      const n = Number(limit);
      if (!Number.isInteger(n) || n < 0) throw httpBadRequest(`Only integer is acceptable by 'limit'.`);
      out = out.slice(0, n);
    }
    return out;
  }
}
