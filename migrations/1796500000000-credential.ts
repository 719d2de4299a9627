import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each user's Keystone trust to Grove's service user, per project (keystone mode). */
export class Credential1796500000000 implements MigrationInterface {
  name = 'Credential1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credential (
        user_id varchar(64) NOT NULL,
        project varchar(64) NOT NULL,
        trust_id varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, project)
      );`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE credential;`);
  }
}
