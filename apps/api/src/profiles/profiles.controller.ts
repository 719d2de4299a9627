import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { GroveRequest } from '../http/grove-request';
import { parseList, type ListSpec } from '../http/list-params';
import { MinVersion } from '../http/microversion';
import { ProfileCreateBody, ProfileUpdateBody, ProfileValidateBody } from './profiles.dto';
import { ProfilesService } from './profiles.service';
import { toProfileView } from './profiles.view';

const LIST: ListSpec = {
  filters: { name: { column: 'name' }, type: { column: 'type' } },
  sortKeys: { type: 'type', name: 'name', created_at: 'created_at', updated_at: 'updated_at' },
};

@Controller('v1/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get()
  async list(@Req() req: GroveRequest, @Query() query: Record<string, unknown>) {
    const { query: q, scope } = parseList(query, LIST, req);
    return { profiles: (await this.profiles.list(scope, q)).map(toProfileView) };
  }

  @Post()
  @HttpCode(201)
  async create(@Req() req: GroveRequest, @Body() body: ProfileCreateBody) {
    return { profile: toProfileView(await this.profiles.create(req.ctx, body.profile)) };
  }

  @Post('validate')
  @HttpCode(200)
  @MinVersion('1.2')
  async validate(@Req() req: GroveRequest, @Body() body: ProfileValidateBody) {
    return { profile: toProfileView(await this.profiles.validate(req.ctx, body.profile.spec)) };
  }

  @Get(':id')
  async show(@Req() req: GroveRequest, @Param('id') id: string) {
    return { profile: toProfileView(await this.profiles.get(req.ctx, id)) };
  }

  @Patch(':id')
  async update(@Req() req: GroveRequest, @Param('id') id: string, @Body() body: ProfileUpdateBody) {
    return { profile: toProfileView(await this.profiles.update(req.ctx, id, body.profile)) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() req: GroveRequest, @Param('id') id: string): Promise<void> {
    await this.profiles.delete(req.ctx, id);
  }
}
