import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER, type Logger } from '@grove/core';
import { ServiceHeartbeat, ServiceRepository } from '@grove/db';
import { ENGINE_OPTIONS, type EngineOptions } from './engine-options';

/**
 * The engine's heartbeat and its lease on the work it owns (ServiceHeartbeat). The runner drops
 * its actions when the lease runs out, the cloud drivers refuse changes without it, and the
 * recovery scan takes over nobody's work without it.
 */
@Injectable()
export class EngineLease {
  readonly heartbeat: ServiceHeartbeat;
  private readonly lost: (() => void)[] = [];
  private lapses = 0;

  constructor(@Inject(ENGINE_OPTIONS) o: EngineOptions, @Inject(ROOT_LOGGER) log: Logger, services: ServiceRepository) {
    this.heartbeat = new ServiceHeartbeat(
      services,
      { id: o.engineId, host: o.host, binary: 'grove-engine', topic: 'engine' },
      {
        intervalS: o.config.HEARTBEAT_INTERVAL_S,
        deadAfterS: o.config.SERVICE_DEAD_AFTER_S,
        onLost: () => {
          this.lapses++;
          this.lost.forEach((f) => f());
        },
      },
      log,
    );
  }

  /** Runs `f` whenever the engine must drop what it owns. */
  onLost(f: () => void): void {
    this.lost.push(f);
  }

  /** Goes up with every lapse: what an action claimed before one may no longer do. */
  get generation(): number {
    return this.lapses;
  }

  get fresh(): boolean {
    return this.heartbeat.fresh;
  }

  assertFresh(): void {
    this.heartbeat.assertFresh();
  }
}
