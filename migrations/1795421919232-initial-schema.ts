import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Profiles, clusters, nodes, actions with their dependencies, locks, events and services. */
export class InitialSchema1795421919232 implements MigrationInterface {
  name = 'InitialSchema1795421919232';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE profile (
        id uuid PRIMARY KEY,
        name varchar(255) NOT NULL,
        type varchar(255) NOT NULL,
        spec jsonb NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        user_id varchar(64) NOT NULL,
        project varchar(64) NOT NULL,
        domain varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz
      );
      CREATE INDEX profile_project_name ON profile (project, name);

      CREATE TABLE cluster (
        id uuid PRIMARY KEY,
        name varchar(255) NOT NULL,
        profile_id uuid NOT NULL REFERENCES profile (id),
        user_id varchar(64) NOT NULL,
        project varchar(64) NOT NULL,
        domain varchar(64),
        init_at timestamptz NOT NULL,
        created_at timestamptz,
        updated_at timestamptz,
        min_size int NOT NULL,
        max_size int NOT NULL,
        desired_capacity int NOT NULL,
        next_index int NOT NULL DEFAULT 1,
        timeout int NOT NULL,
        status varchar(32) NOT NULL,
        status_reason text NOT NULL DEFAULT '',
        metadata jsonb NOT NULL DEFAULT '{}',
        data jsonb NOT NULL DEFAULT '{}',
        dependents jsonb NOT NULL DEFAULT '{}',
        config jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX cluster_project_name ON cluster (project, name);
      CREATE INDEX cluster_profile ON cluster (profile_id);

      CREATE TABLE node (
        id uuid PRIMARY KEY,
        name varchar(255) NOT NULL,
        physical_id varchar(255),
        cluster_id uuid REFERENCES cluster (id),
        profile_id uuid NOT NULL REFERENCES profile (id),
        user_id varchar(64) NOT NULL,
        project varchar(64) NOT NULL,
        domain varchar(64),
        index int NOT NULL,
        role varchar(64),
        init_at timestamptz NOT NULL,
        created_at timestamptz,
        updated_at timestamptz,
        tainted boolean NOT NULL DEFAULT false,
        status varchar(32) NOT NULL,
        status_reason text NOT NULL DEFAULT '',
        metadata jsonb NOT NULL DEFAULT '{}',
        data jsonb NOT NULL DEFAULT '{}',
        dependents jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX node_project_name ON node (project, name);
      CREATE INDEX node_cluster ON node (cluster_id);
      CREATE INDEX node_profile ON node (profile_id);
      CREATE INDEX node_physical ON node (physical_id);

      CREATE TABLE action (
        id uuid PRIMARY KEY,
        name varchar(255) NOT NULL,
        cluster_id uuid,
        target uuid NOT NULL,
        action varchar(64) NOT NULL,
        cause varchar(64) NOT NULL,
        owner uuid,
        interval int NOT NULL DEFAULT -1,
        start_time timestamptz,
        end_time timestamptz,
        timeout int NOT NULL,
        status varchar(32) NOT NULL,
        status_reason text NOT NULL DEFAULT '',
        control varchar(16),
        step varchar(64),
        awaiting uuid[] NOT NULL DEFAULT '{}',
        retries int NOT NULL DEFAULT 0,
        inputs jsonb NOT NULL DEFAULT '{}',
        outputs jsonb NOT NULL DEFAULT '{}',
        data jsonb NOT NULL DEFAULT '{}',
        context jsonb NOT NULL,
        user_id varchar(64) NOT NULL,
        project varchar(64) NOT NULL,
        domain varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz
      );
      CREATE INDEX action_target_status ON action (target, status);
      CREATE INDEX action_project_created ON action (project, created_at);
      CREATE INDEX action_cluster ON action (cluster_id);
      -- The engines' scans only ever look at unfinished actions.
      CREATE INDEX action_unfinished ON action (status, updated_at)
        WHERE status IN ('INIT', 'READY', 'WAITING', 'RUNNING', 'WAITING_LIFECYCLE_COMPLETION');
      CREATE INDEX action_running_owner ON action (owner) WHERE status = 'RUNNING';

      CREATE TABLE dependency (
        depended uuid NOT NULL REFERENCES action (id) ON DELETE CASCADE,
        dependent uuid NOT NULL REFERENCES action (id) ON DELETE CASCADE,
        PRIMARY KEY (depended, dependent)
      );
      CREATE INDEX dependency_dependent ON dependency (dependent);

      CREATE TABLE cluster_lock (
        cluster_id uuid PRIMARY KEY,
        action_ids uuid[] NOT NULL,
        semaphore int NOT NULL
      );

      CREATE TABLE node_lock (
        node_id uuid PRIMARY KEY,
        action_id uuid NOT NULL
      );

      CREATE TABLE event (
        id uuid PRIMARY KEY,
        timestamp timestamptz NOT NULL,
        oid uuid NOT NULL,
        oname varchar(255) NOT NULL,
        otype varchar(16) NOT NULL,
        cluster_id uuid,
        level int NOT NULL,
        user_id varchar(64) NOT NULL,
        project varchar(64) NOT NULL,
        action varchar(64),
        status varchar(255) NOT NULL,
        status_reason text NOT NULL DEFAULT '',
        meta_data jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX event_project_timestamp ON event (project, timestamp);
      CREATE INDEX event_oid ON event (oid);
      CREATE INDEX event_cluster ON event (cluster_id);

      CREATE TABLE service (
        id uuid PRIMARY KEY,
        host varchar(255) NOT NULL,
        "binary" varchar(255) NOT NULL,
        topic varchar(255) NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        disabled_reason varchar(255),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE service; DROP TABLE event; DROP TABLE node_lock; DROP TABLE cluster_lock;
      DROP TABLE dependency; DROP TABLE action; DROP TABLE node; DROP TABLE cluster; DROP TABLE profile;
    `);
  }
}
