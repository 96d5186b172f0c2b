import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Availability (issue 8): what must survive a retry, kept outside the append-only `message` rows.
 *
 * - `inbound_failure`: how many times the relay failed on one inbound message, whatever job ran
 *   it, so a message is given up after N failures of its own (docs/message-path.md §3).
 * - `renewal_intent`: a renewal recorded before the library system is written and completed step
 *   by step, so a retry after a half-done renewal writes the missing fine, never a second one.
 */
export class Availability1764800000000 implements MigrationInterface {
  name = "Availability1764800000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbound_failure (
        message_id  bigint PRIMARY KEY REFERENCES message(id),
        failures    integer NOT NULL,
        last_error  text NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE renewal_intent (
        subject         text PRIMARY KEY,
        member_id       text NOT NULL,
        loan_id         integer NOT NULL,
        item_code       text NOT NULL,
        renewed_before  integer NOT NULL,
        old_due_date    text,
        new_due_date    text NOT NULL,
        renewal_date    text NOT NULL,
        fine            integer NOT NULL,
        fine_waived     integer NOT NULL,
        overdue_days    integer NOT NULL,
        stage           text NOT NULL CHECK (stage IN ('planned', 'loan_updated', 'fine_written', 'done')),
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE renewal_intent`);
    await q.query(`DROP TABLE inbound_failure`);
  }
}
