import { Controller, Get, Param, Req } from '@nestjs/common';
import { BadRequest, renderOperations, renderSchema, ResourceNotFound } from '@grove/core';
import { profileTypeKey, ProfileRegistry, type ProfileType } from '@grove/profiles';
import type { GroveRequest } from '../http/grove-request';
import { atLeast, MinVersion } from '../http/microversion';

/** Before 1.5 a type is listed as `{name: "os.nova.server-1.0"}` (Heat compares exactly that). */
const listItem = (t: ProfileType<object>, req: GroveRequest) =>
  atLeast(req.apiVersion, '1.5')
    ? { name: t.name, version: t.version, support_status: t.supportStatus }
    : { name: profileTypeKey(t) };

@Controller('v1/profile-types')
export class ProfileTypesController {
  constructor(private readonly registry: ProfileRegistry) {}

  @Get()
  list(@Req() req: GroveRequest) {
    return { profile_types: this.registry.list().map((t) => listItem(t, req)) };
  }

  @Get(':type')
  show(@Req() req: GroveRequest, @Param('type') key: string) {
    if (!this.registry.has(key)) throw new ResourceNotFound('profile_type', key);
    const t = this.registry.get(key);
    const out: Record<string, unknown> = { name: key, schema: renderSchema(t.properties) };
    if (atLeast(req.apiVersion, '1.5')) out.support_status = t.supportStatus;
    return { profile_type: out };
  }

  @Get(':type/ops')
  @MinVersion('1.4')
  ops(@Param('type') key: string) {
    if (!this.registry.has(key)) throw new BadRequest(`The profile_type '${key}' could not be found`);
    return { operations: renderOperations(this.registry.get(key).operations) };
  }
}
