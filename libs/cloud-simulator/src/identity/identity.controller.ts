import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { CallerOf, TokenGuard } from '../http/api-context';
import { ApiError, forbidden, notFound, unauthorized } from '../http/api-error';
import { baseUrlOf, type SimRequest } from '../http/sim-request';
import type { Caller, Project } from '../store/identity-state';
import { SimulatorStore } from '../store/simulator-store';
import { serviceCatalog } from './catalog';
import { authenticate } from './keystone-auth';
import { createTrust, trustView } from './keystone-trusts';
import { toTokenView } from './token.view';

const versionEntry = (baseUrl: string) => ({
  id: 'v3.14',
  status: 'stable',
  updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `${baseUrl}/identity/v3/` }],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
});

/** Keystone v3: version discovery, password and token authentication, token validation, regions and projects. */
@Controller('identity')
export class IdentityController {
  constructor(private readonly store: SimulatorStore) {}

  private base(req: SimRequest): string {
    return baseUrlOf(req, this.store.url);
  }

  @Get()
  @HttpCode(300)
  versions(@Req() req: SimRequest) {
    return { versions: { values: [versionEntry(this.base(req))] } };
  }

  @Get('v3')
  version(@Req() req: SimRequest) {
    return { version: versionEntry(this.base(req)) };
  }

  @Post('v3/auth/tokens')
  @HttpCode(201)
  issue(
    @Req() req: SimRequest,
    @Body() body: unknown,
    @Query('nocatalog') nocatalog: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const now = Date.now();
    const token = authenticate(this.store.identity, body, now, this.store.knobs.token_ttl_s);
    res.setHeader('X-Subject-Token', token.id);
    res.setHeader('Vary', 'X-Auth-Token');
    const catalog =
      token.projectId && nocatalog === undefined
        ? serviceCatalog(this.base(req), this.store.regions.keys(), token.projectId)
        : null;
    return toTokenView(this.store.identity, token, catalog);
  }

  @Get('v3/auth/tokens')
  validate(
    @Req() req: SimRequest,
    @Headers('x-auth-token') authToken: string | undefined,
    @Headers('x-subject-token') subjectToken: string | undefined,
    @Query('nocatalog') nocatalog: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const now = Date.now();
    if (!authToken || !this.store.identity.validToken(authToken, now)) throw unauthorized();
    const subject = subjectToken ? this.store.identity.validToken(subjectToken, now) : null;
    if (!subject) throw new ApiError(404, 'Failed to validate token', 'TokenNotFound');
    res.setHeader('X-Subject-Token', subject.id);
    const catalog =
      subject.projectId && nocatalog === undefined
        ? serviceCatalog(this.base(req), this.store.regions.keys(), subject.projectId)
        : null;
    return toTokenView(this.store.identity, subject, catalog);
  }

  @Delete('v3/auth/tokens')
  @HttpCode(204)
  revoke(
    @Headers('x-auth-token') authToken: string | undefined,
    @Headers('x-subject-token') subjectToken: string | undefined,
  ): void {
    const now = Date.now();
    if (!authToken || !this.store.identity.validToken(authToken, now)) throw unauthorized();
    if (!subjectToken || !this.store.identity.revoke(subjectToken))
      throw new ApiError(404, 'Failed to validate token', 'TokenNotFound');
  }

  @Get('v3/auth/catalog')
  @UseGuards(TokenGuard)
  catalog(@Req() req: SimRequest, @CallerOf() caller: Caller) {
    return {
      catalog: serviceCatalog(this.base(req), this.store.regions.keys(), caller.project.id),
      links: { self: `${this.base(req)}/identity/v3/auth/catalog` },
    };
  }

  @Get('v3/auth/projects')
  @UseGuards(TokenGuard)
  myProjects(@Req() req: SimRequest, @CallerOf() caller: Caller) {
    const projects = this.store.identity.projectsOf(caller.user.id).map((p) => this.projectView(req, p));
    return { projects, links: { self: `${this.base(req)}/identity/v3/auth/projects`, previous: null, next: null } };
  }

  @Get('v3/regions')
  @UseGuards(TokenGuard)
  regions(@Req() req: SimRequest) {
    const base = this.base(req);
    return {
      regions: [...this.store.regions.keys()].map((id) => this.regionView(base, id)),
      links: { self: `${base}/identity/v3/regions`, previous: null, next: null },
    };
  }

  @Get('v3/regions/:id')
  @UseGuards(TokenGuard)
  region(@Req() req: SimRequest, @Param('id') id: string) {
    if (!this.store.regions.has(id)) throw notFound(`Could not find region: ${id}.`, 'RegionNotFound');
    return { region: this.regionView(this.base(req), id) };
  }

  @Get('v3/projects')
  @UseGuards(TokenGuard)
  projects(@Req() req: SimRequest, @CallerOf() caller: Caller, @Query('name') name: string | undefined) {
    if (!caller.isAdmin)
      throw forbidden('You are not authorized to perform the requested action: identity:list_projects.');
    const projects = [...this.store.identity.projects.values()].filter((p) => name === undefined || p.name === name);
    return {
      projects: projects.map((p) => this.projectView(req, p)),
      links: { self: `${this.base(req)}/identity/v3/projects`, previous: null, next: null },
    };
  }

  @Get('v3/projects/:id')
  @UseGuards(TokenGuard)
  project(@Req() req: SimRequest, @CallerOf() caller: Caller, @Param('id') id: string) {
    const p = this.store.identity.projects.get(id);
    if (!caller.isAdmin && p?.id !== caller.project.id)
      throw forbidden('You are not authorized to perform the requested action: identity:get_project.');
    if (!p) throw notFound(`Could not find project: ${id}.`, 'ProjectNotFound');
    return { project: this.projectView(req, p) };
  }

  @Post('v3/OS-TRUST/trusts')
  @UseGuards(TokenGuard)
  @HttpCode(201)
  createTrust(@Req() req: SimRequest, @CallerOf() caller: Caller, @Body() body: unknown) {
    return { trust: trustView(createTrust(this.store.identity, caller, body, Date.now()), this.base(req)) };
  }

  @Get('v3/OS-TRUST/trusts/:id')
  @UseGuards(TokenGuard)
  trust(@Req() req: SimRequest, @CallerOf() caller: Caller, @Param('id') id: string) {
    const t = this.visibleTrust(caller, id);
    return { trust: trustView(t, this.base(req)) };
  }

  @Delete('v3/OS-TRUST/trusts/:id')
  @UseGuards(TokenGuard)
  @HttpCode(204)
  deleteTrust(@CallerOf() caller: Caller, @Param('id') id: string): void {
    const t = this.visibleTrust(caller, id);
    if (t.trustorUserId !== caller.user.id && !caller.isAdmin)
      throw forbidden('Only the trustor may delete a trust.', 'Forbidden');
    this.store.identity.deleteTrust(id);
  }

  /** Its trustor, its trustee and admins may read a trust; to anyone else it does not exist. */
  private visibleTrust(caller: Caller, id: string) {
    const t = this.store.identity.trusts.get(id);
    if (!t || (!caller.isAdmin && t.trustorUserId !== caller.user.id && t.trusteeUserId !== caller.user.id))
      throw notFound(`Could not find trust: ${id}.`, 'TrustNotFound');
    return t;
  }

  private regionView(base: string, id: string) {
    return { id, description: '', parent_region_id: null, links: { self: `${base}/identity/v3/regions/${id}` } };
  }

  private projectView(req: SimRequest, p: Project) {
    return {
      id: p.id,
      name: p.name,
      domain_id: p.domainId,
      description: p.description,
      enabled: true,
      parent_id: p.domainId,
      is_domain: false,
      tags: [],
      options: {},
      links: { self: `${this.base(req)}/identity/v3/projects/${p.id}` },
    };
  }
}
