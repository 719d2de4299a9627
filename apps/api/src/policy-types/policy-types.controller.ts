import { Controller, Get, Param, Req } from '@nestjs/common';
import { renderSchema } from '@grove/core';
import { PolicyRegistry } from '@grove/policies';
import type { GroveRequest } from '../http/grove-request';
import { atLeast } from '../http/microversion';

@Controller('v1/policy-types')
export class PolicyTypesController {
  constructor(private readonly registry: PolicyRegistry) {}

  /**
   * One entry per `name-version`. Before 1.5 an entry is `{name: "senlin.policy.scaling-1.0"}`
   * (Heat compares exactly that); from 1.5 `{name, version, support_status: {<version>: …}}`.
   */
  @Get()
  list(@Req() req: GroveRequest) {
    const items = this.registry.keys().map((key) => {
      const t = this.registry.get(key);
      const version = key.slice(t.name.length + 1);
      return atLeast(req.apiVersion, '1.5')
        ? { name: t.name, version, support_status: { [version]: t.supportStatus[version] ?? [] } }
        : { name: key };
    });
    return { policy_types: items };
  }

  /** The schema is the same for every version of a type, as in Senlin; support_status lists them all. */
  @Get(':type')
  show(@Req() req: GroveRequest, @Param('type') key: string) {
    const t = this.registry.get(key);
    const out: Record<string, unknown> = { name: key, schema: renderSchema(t.properties) };
    if (atLeast(req.apiVersion, '1.5')) out.support_status = t.supportStatus;
    return { policy_type: out };
  }
}
