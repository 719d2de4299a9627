import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The action an event belongs to, so a notification can carry the action as it is when published;
 * and the age of trigger keys, for their periodic purge.
 */
export class EventAction1796253000000 implements MigrationInterface {
  name = 'EventAction1796253000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE event ADD COLUMN action_id uuid;
      CREATE INDEX webhook_trigger_created ON webhook_trigger (created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_trigger_created; ALTER TABLE event DROP COLUMN action_id;`);
  }
}
