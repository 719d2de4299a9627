import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { badRequest } from '../http/api-error';
import type { FailNextRequest } from '../store/fail-next';
import type { KnobsPatch } from '../store/knobs';
import {
  AdminOperations,
  type ForcedServerStatus,
  type ForcedStackStatus,
  type HypervisorPatch,
} from './admin-operations';
import { filterFromQuery, type ResourceType } from './resource-listing';

/** The simulator's own control API (no auth): knobs, failure injection, listings, and breaking things on purpose. */
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminOperations) {}

  @Get('config')
  config() {
    return this.admin.config();
  }

  @Patch('config')
  update(@Body() body: KnobsPatch) {
    return this.admin.updateConfig(body);
  }

  @Put('config')
  replace(@Body() body: KnobsPatch) {
    return this.admin.replaceConfig(body);
  }

  @Post('fail-next')
  @HttpCode(201)
  failNext(@Body() body: FailNextRequest) {
    return { rule: this.admin.failNext(body) };
  }

  @Get('fail-next')
  failNextRules() {
    return { rules: this.admin.failNextRules() };
  }

  @Delete('fail-next')
  @HttpCode(204)
  clearFailNext(): void {
    this.admin.clearFailNext();
  }

  @Post('reset')
  @HttpCode(204)
  reset(): void {
    this.admin.reset();
  }

  @Get('resources')
  resources(@Query() q: Record<string, string | string[] | undefined>) {
    return this.admin.resources(filterFromQuery(q));
  }

  @Delete('resources/:type/:id')
  @HttpCode(204)
  vanish(@Param('type') type: string, @Param('id') id: string): void {
    this.admin.vanish(type as ResourceType, id);
  }

  @Post('servers/:id/status')
  @HttpCode(200)
  serverStatus(@Param('id') id: string, @Body() body: { status?: unknown; fault?: unknown }) {
    if (typeof body?.status !== 'string') throw badRequest('status is required');
    return {
      server: this.admin.setServerStatus(id, body.status as ForcedServerStatus, {
        fault: typeof body.fault === 'string' ? body.fault : undefined,
      }),
    };
  }

  @Post('stacks/:id/status')
  @HttpCode(200)
  stackStatus(@Param('id') id: string, @Body() body: { status?: unknown; reason?: unknown }) {
    if (typeof body?.status !== 'string') throw badRequest('status is required');
    return {
      stack: this.admin.setStackStatus(id, body.status as ForcedStackStatus, {
        reason: typeof body.reason === 'string' ? body.reason : undefined,
      }),
    };
  }

  @Get('stats')
  stats() {
    return this.admin.stats();
  }

  @Delete('stats')
  @HttpCode(204)
  resetStats(): void {
    this.admin.resetStats();
  }

  @Get('hypervisors')
  hypervisors() {
    return { hypervisors: this.admin.hypervisors() };
  }

  @Put('hypervisors/:name')
  setHypervisor(@Param('name') name: string, @Body() body: HypervisorPatch) {
    return { hypervisor: this.admin.setHypervisor(name, body) };
  }

  @Put('templates/:name')
  @HttpCode(204)
  putTemplate(@Param('name') name: string, @Body() body: unknown): void {
    this.admin.putTemplate(name, body);
  }

  @Get('templates/:name')
  template(@Param('name') name: string) {
    return this.admin.template(name);
  }
}
