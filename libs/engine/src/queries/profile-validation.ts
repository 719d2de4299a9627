import { Inject, Injectable } from '@nestjs/common';
import { InvalidSpec, ROOT_LOGGER, SpecError, type Logger } from '@grove/core';
import { CloudConnector } from '@grove/drivers';
import { ProfileRegistry } from '@grove/profiles';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { ProfileContexts } from '../ports/profiles';
import { checkAgainstCloud } from './cloud-check';

const VALIDATE_TIMEOUT_MS = 20_000;

/**
 * Checks a profile spec against the cloud: the flavor, image, networks and keypair it names exist.
 * A missing thing is InvalidSpec (400); an unreachable cloud is ServiceUnavailable (503).
 */
@Injectable()
export class ProfileValidation {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly registry: ProfileRegistry,
    private readonly cloud: CloudConnector,
    private readonly contexts: ProfileContexts,
  ) {}

  async validate(spec: Record<string, unknown>, project?: string, userId?: string): Promise<void> {
    let validated;
    try {
      validated = this.registry.validate(spec);
    } catch (e) {
      if (e instanceof SpecError) throw new InvalidSpec(e.reason);
      throw e;
    }
    const region = (validated.properties.context as { region_name?: string } | undefined)?.region_name;
    const owner = project && userId ? { project, userId } : undefined;
    const cloud = this.cloud.forRegion(region ?? this.o.config.CLOUD_REGION_NAME, owner);
    await checkAgainstCloud('profile', VALIDATE_TIMEOUT_MS, (signal) =>
      validated.type.validateInCloud(
        {
          cloud,
          signal,
          log: this.log,
          nodes: this.contexts.nodeDirectory,
          waitOptions: (capMs) => cloud.wait(Math.min(capMs ?? VALIDATE_TIMEOUT_MS, VALIDATE_TIMEOUT_MS), signal),
        },
        validated.properties,
        project,
      ),
    );
  }
}
