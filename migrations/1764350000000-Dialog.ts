import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A conversation's pending dialog step: what the bot asked and is waiting for (a shared
 * contact, a member ID, a password, which loan to renew, a confirmation). Empty when idle.
 */
export class Dialog1764350000000 implements MigrationInterface {
  name = "Dialog1764350000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversation ADD COLUMN dialog jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`CREATE INDEX audit_event_subject ON audit_event (action, subject)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_event_subject`);
    await q.query(`ALTER TABLE conversation DROP COLUMN dialog`);
  }
}
