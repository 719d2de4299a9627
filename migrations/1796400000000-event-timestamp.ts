import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Events by age alone, for the periodic purge of EVENT_RETENTION_DAYS. */
export class EventTimestamp1796400000000 implements MigrationInterface {
  name = 'EventTimestamp1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX event_timestamp ON event (timestamp);`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX event_timestamp;`);
  }
}
