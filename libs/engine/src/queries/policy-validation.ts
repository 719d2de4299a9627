import { Inject, Injectable } from '@nestjs/common';
import { InvalidSpec, SpecError } from '@grove/core';
import { PolicyRegistry } from '@grove/policies';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { PolicyPortsFactory } from '../ports/policy-ports';
import { checkAgainstCloud } from './cloud-check';

const VALIDATE_TIMEOUT_MS = 20_000;

/**
 * Checks a policy spec against the cloud on policy create (regions, zones, an adopted load
 * balancer exist). A missing thing is InvalidSpec (400); an unreachable cloud is ServiceUnavailable.
 */
@Injectable()
export class PolicyValidation {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly registry: PolicyRegistry,
    private readonly ports: PolicyPortsFactory,
  ) {}

  async validate(spec: Record<string, unknown>, project?: string, userId?: string): Promise<void> {
    let validated;
    try {
      validated = this.registry.validate(spec);
    } catch (e) {
      if (e instanceof SpecError) throw new InvalidSpec(e.reason);
      throw e;
    }
    if (!validated.type.validate) return;
    const owner = project && userId ? { project, userId } : undefined;
    const ports = this.ports.forRegion(this.o.config.CLOUD_REGION_NAME, owner);
    await checkAgainstCloud('policy', VALIDATE_TIMEOUT_MS, (signal) =>
      validated.type.validate!(validated.properties, ports, signal),
    );
  }
}
