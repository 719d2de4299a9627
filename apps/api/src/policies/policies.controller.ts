import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { GroveRequest } from '../http/grove-request';
import { parseList, type ListSpec } from '../http/list-params';
import { atLeast, GROVE_EXTENSIONS, MinVersion } from '../http/microversion';
import { PolicyCreateBody, PolicyUpdateBody, PolicyValidateBody } from './policies.dto';
import { PoliciesService } from './policies.service';
import { toPolicyView } from './policies.view';

const LIST: ListSpec = {
  filters: { name: { column: 'name' }, type: { column: 'type' } },
  sortKeys: { type: 'type', name: 'name', created_at: 'created_at', updated_at: 'updated_at' },
};

@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get()
  async list(@Req() req: GroveRequest, @Query() query: Record<string, unknown>) {
    const { query: q, scope } = parseList(query, LIST, req);
    return { policies: (await this.policies.list(scope, q)).map(toPolicyView) };
  }

  @Post()
  @HttpCode(201)
  async create(@Req() req: GroveRequest, @Body() body: PolicyCreateBody) {
    return { policy: toPolicyView(await this.policies.create(req.ctx, body.policy, withGrove(req))) };
  }

  @Post('validate')
  @HttpCode(200)
  @MinVersion('1.2')
  validate(@Req() req: GroveRequest, @Body() body: PolicyValidateBody) {
    return { policy: toPolicyView(this.policies.validate(req.ctx, body.policy.spec, withGrove(req))) };
  }

  @Get(':id')
  async show(@Req() req: GroveRequest, @Param('id') id: string) {
    return { policy: toPolicyView(await this.policies.get(req.ctx, id)) };
  }

  @Patch(':id')
  async update(@Req() req: GroveRequest, @Param('id') id: string, @Body() body: PolicyUpdateBody) {
    return { policy: toPolicyView(await this.policies.rename(req.ctx, id, body.policy.name)) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() req: GroveRequest, @Param('id') id: string): Promise<void> {
    await this.policies.delete(req.ctx, id);
  }
}

/** Whether the request may use Grove's spec additions (health's max_unhealthy): microversion 1.15. */
const withGrove = (req: GroveRequest): boolean => atLeast(req.apiVersion, GROVE_EXTENSIONS);
