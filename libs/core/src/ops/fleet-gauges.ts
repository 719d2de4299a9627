import { gauge } from './metrics';

/** Where the fleet gauges read from; each process gives its own bus and repositories. */
export interface FleetSources {
  /** Messages waiting in the engines' work queue (null when the broker cannot be asked). */
  queueDepth(): Promise<number | null>;
  /** Actions READY in the database, whether or not their message is queued. */
  readyActions(): Promise<number>;
  /** Engines whose heartbeat is fresh. */
  liveEngines(): Promise<number>;
}

/**
 * Gauges read at scrape time, so that any process's /metrics shows the whole fleet: the api's and
 * every engine's alike, as Prometheus may scrape any of them.
 */
export function registerFleetGauges(s: FleetSources): void {
  gauge('grove_work_queue_depth', 'Messages waiting in the engines work queue.', () => s.queueDepth());
  gauge('grove_actions_ready', 'Actions READY in the database, waiting for an engine.', () => s.readyActions());
  gauge('grove_engines_live', 'Engines whose heartbeat is fresh.', () => s.liveEngines());
}
