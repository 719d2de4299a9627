import { useSealingKey, type Secret } from '@grove/core';
import { DataSource, type MigrationInterface } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { ALL_MIGRATIONS } from '@grove/migrations';
import { ActionEntity, DependencyEntity } from './action/action.entity';
import { ClusterEntity } from './cluster/cluster.entity';
import { CredentialEntity } from './credential/credential.entity';
import { EventEntity } from './event/event.entity';
import { ClusterLockEntity, NodeLockEntity } from './lock/lock.entity';
import { NodeEntity } from './node/node.entity';
import { HealthRegistryEntity } from './health/health-registry.entity';
import { ClusterPolicyEntity, PolicyEntity } from './policy/policy.entity';
import { ProfileEntity } from './profile/profile.entity';
import { ReceiverEntity, WebhookTriggerEntity } from './receiver/receiver.entity';
import { ServiceEntity } from './service/service.entity';

export const ENTITIES = [
  ProfileEntity,
  ClusterEntity,
  NodeEntity,
  ActionEntity,
  DependencyEntity,
  ClusterLockEntity,
  NodeLockEntity,
  EventEntity,
  ServiceEntity,
  PolicyEntity,
  ClusterPolicyEntity,
  ReceiverEntity,
  WebhookTriggerEntity,
  HealthRegistryEntity,
  CredentialEntity,
];

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  /** Name shown in pg_stat_activity, so an operator can tell the processes apart. */
  applicationName?: string;
  migrations?: (new () => MigrationInterface)[];
  sessionTimeouts?: Partial<SessionTimeouts>;
  /** GROVE_SECRET_KEY: seals and opens the secrets of sealed columns (sealed-columns.ts) in this process. */
  secretKey?: Secret;
}

/**
 * Bounds on every Grove session, so one frozen process (paused with a transaction open, or a
 * statement stuck behind a lock) stalls only its own work: Postgres ends its transaction, and
 * whoever waited on its row locks goes on.
 */
export interface SessionTimeouts {
  statementMs: number;
  lockMs: number;
  idleInTransactionMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = {
  statementMs: 30_000,
  lockMs: 10_000,
  idleInTransactionMs: 10_000,
};

/** One DataSource per process; entities in camelCase, columns in snake_case (STYLE C6). */
export function createDataSource(o: DataSourceOptions): DataSource {
  const t = { ...DEFAULT_SESSION_TIMEOUTS, ...o.sessionTimeouts };
  return new DataSource({
    type: 'postgres',
    url: o.url,
    entities: ENTITIES,
    migrations: o.migrations ?? ALL_MIGRATIONS,
    migrationsTransactionMode: 'all',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: false,
    applicationName: o.applicationName ?? 'grove',
    extra: {
      max: o.poolSize ?? 20,
      // A dead connection must not hang a request: fail fast and let the pool reconnect.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      statement_timeout: t.statementMs,
      lock_timeout: t.lockMs,
      idle_in_transaction_session_timeout: t.idleInTransactionMs,
    },
  });
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(ds: DataSource): Promise<string[]> {
  const applied = await ds.runMigrations({ transaction: 'all' });
  return applied.map((m) => m.name);
}

/**
 * Opens the DataSource, waiting up to `waitS` seconds for Postgres to accept connections (it may
 * still be starting next to us); after that the error says where it tried to connect.
 */
export async function openDataSource(o: DataSourceOptions & { waitS?: number }): Promise<DataSource> {
  if (o.secretKey) useSealingKey(o.secretKey.reveal());
  const deadline = Date.now() + (o.waitS ?? 30) * 1000;
  for (;;) {
    try {
      return guardConnections(await createDataSource(o).initialize());
    } catch (e) {
      if (Date.now() > deadline) {
        const where = o.url.replace(/\/\/[^@/]*@/, '//***@');
        throw new Error(`Cannot connect to Postgres at ${where}: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * Gives every pooled connection an 'error' listener for its whole life. A connection that Postgres
 * ends (an administrator's pg_terminate_backend, a restart, idle_in_transaction_session_timeout)
 * emits 'error'; the query it was running fails on its own, but the event itself, when it comes
 * while TypeORM has just let go of the connection, has no listener, and an unheard 'error' ends
 * the process. The pool replaces the connection; nothing else is needed here.
 */
export function guardConnections(ds: DataSource): DataSource {
  type Conn = { on(e: 'error', f: () => void): void };
  const pool = (
    ds.driver as unknown as { master?: { on(e: 'connect', f: (c: Conn) => void): void; _clients?: Conn[] } }
  ).master;
  const ignore = (c: Conn) => c.on('error', () => undefined);
  // The connection TypeORM opened to initialize is already in the pool.
  pool?._clients?.forEach(ignore);
  pool?.on('connect', ignore);
  return ds;
}
