import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Policies and their bindings to clusters, receivers (webhook and message) with the keys of
 * idempotent triggers, the health manager's registry, per-node scale-in protection, and the
 * notification outbox flag on events.
 */
export class PoliciesReceivers1796166480466 implements MigrationInterface {
  name = 'PoliciesReceivers1796166480466';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policy (
        id uuid PRIMARY KEY,
        name varchar(255) NOT NULL,
        type varchar(255) NOT NULL,
        spec jsonb NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        user_id varchar(64) NOT NULL,
        project varchar(64) NOT NULL,
        domain varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz
      );
      CREATE INDEX policy_project_name ON policy (project, name);

      -- A policy attached to a cluster. Deleting the cluster drops its bindings; a bound policy
      -- cannot be deleted (the foreign key has no cascade).
      CREATE TABLE cluster_policy (
        id uuid PRIMARY KEY,
        cluster_id uuid NOT NULL REFERENCES cluster (id) ON DELETE CASCADE,
        policy_id uuid NOT NULL REFERENCES policy (id),
        enabled boolean NOT NULL DEFAULT true,
        priority int NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        last_op timestamptz,
        UNIQUE (cluster_id, policy_id)
      );
      CREATE INDEX cluster_policy_policy ON cluster_policy (policy_id);

      CREATE TABLE receiver (
        id uuid PRIMARY KEY,
        name varchar(255) NOT NULL,
        type varchar(32) NOT NULL,
        cluster_id uuid,
        action varchar(64),
        params jsonb NOT NULL DEFAULT '{}',
        actor jsonb NOT NULL DEFAULT '{}',
        channel jsonb NOT NULL DEFAULT '{}',
        -- The HMAC key of a signed webhook (Grove); never shown.
        secret text,
        user_id varchar(64) NOT NULL,
        project varchar(64) NOT NULL,
        domain varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz
      );
      CREATE INDEX receiver_project_name ON receiver (project, name);
      CREATE INDEX receiver_cluster ON receiver (cluster_id);

      -- A trigger's Idempotency-Key and the action it made, so a retried trigger returns that action.
      CREATE TABLE webhook_trigger (
        receiver_id uuid NOT NULL REFERENCES receiver (id) ON DELETE CASCADE,
        idempotency_key varchar(255) NOT NULL,
        action_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (receiver_id, idempotency_key)
      );

      -- Clusters whose health policy asks the health manager to watch them.
      CREATE TABLE health_registry (
        cluster_id uuid PRIMARY KEY REFERENCES cluster (id) ON DELETE CASCADE,
        policy_id uuid NOT NULL,
        check_types text[] NOT NULL,
        interval int NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        owner uuid,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz
      );

      ALTER TABLE node ADD COLUMN protected boolean NOT NULL DEFAULT false;

      -- Events not yet published on the notification exchange (the outbox the engines drain);
      -- the events of before count as published.
      ALTER TABLE event ADD COLUMN published boolean NOT NULL DEFAULT true;
      ALTER TABLE event ALTER COLUMN published SET DEFAULT false;
      CREATE INDEX event_unpublished ON event (timestamp) WHERE NOT published;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX event_unpublished; ALTER TABLE event DROP COLUMN published;
      ALTER TABLE node DROP COLUMN protected;
      DROP TABLE health_registry; DROP TABLE webhook_trigger; DROP TABLE receiver;
      DROP TABLE cluster_policy; DROP TABLE policy;
    `);
  }
}
