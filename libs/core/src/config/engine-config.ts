import { Expose } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { CloudConfig } from './cloud-config';
import { ToBoolean, ToNumber } from './load-config';

export class EngineConfig extends CloudConfig {
  /**
   * Actions one engine runs at once. Node actions of a big cluster spread over all engines,
   * each taking at most this many; waiting parents do not count. A node action waiting on the
   * cloud holds a socket and a timer, never a database connection, so the bound is about how hard
   * to press the cloud's APIs (Senlin presses without bound): lower it for clouds with tight rate limits.
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  ENGINE_CONCURRENCY = 500;

  /** How often an engine looks for READY actions whose message was lost, and for dead engines. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(3600)
  SCAN_INTERVAL_S = 5;

  /** A READY action untouched for this long is announced again by the scan. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  READY_RESCAN_AFTER_S = 15;

  /** Attempts to take a busy lock before the action is put back READY (Senlin's lock_retry_times). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100)
  LOCK_RETRY_TIMES = 3;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(10)
  LOCK_RETRY_INTERVAL_MS = 1_000;

  /**
   * The engine repeats the api's size checks under the cluster lock (scale, resize, add/delete
   * nodes), so it needs the same cap; read from the same variable as ApiConfig's.
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_NODES_PER_CLUSTER = 1000;

  /**
   * Publish every event on the `<AMQP_PREFIX>.notifications` topic exchange (Senlin's `message`
   * event dispatcher). Off, or with the in-process bus, events are only marked as published.
   */
  @Expose()
  @ToBoolean()
  @IsBoolean()
  NOTIFICATIONS_ENABLED = true;

  /**
   * How often an engine looks for events to publish when none woke it (an engine that writes events
   * looks a moment later by itself; this covers the events other processes write).
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(10)
  @Max(60_000)
  NOTIFICATION_INTERVAL_MS = 1_000;
}
