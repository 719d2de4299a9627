import type { EngineConfig } from '@grove/core';

export const ENGINE_OPTIONS = Symbol('ENGINE_OPTIONS');
/** The bus the engine serves on (for its queue-depth gauge). */
export const ENGINE_BUS = Symbol('ENGINE_BUS');

/** Who this engine is and how it is set up. */
export interface EngineOptions {
  config: EngineConfig;
  /** The engine's service id: owner of the actions it runs, row in the services table. */
  engineId: string;
  host: string;
}
