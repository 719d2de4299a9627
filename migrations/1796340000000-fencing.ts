import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fencing: an action's claim epoch, raised by every claim and takeover, so that an engine that was
 * paused and taken over cannot write as the action's owner; and the moment since which a service has
 * heartbeaten without a gap, so that only an engine that has itself been alive for the whole
 * dead-after window may declare another dead.
 */
export class Fencing1796340000000 implements MigrationInterface {
  name = 'Fencing1796340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE action ADD COLUMN epoch integer NOT NULL DEFAULT 0;
      ALTER TABLE service ADD COLUMN fresh_since timestamptz NOT NULL DEFAULT now();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE service DROP COLUMN fresh_since; ALTER TABLE action DROP COLUMN epoch;`);
  }
}
