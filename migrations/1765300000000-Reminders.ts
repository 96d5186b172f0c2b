import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Proactive service (issue 14, docs/reminders.md): a patron's opt-in to messages the library
 * sends first, the due-date reminders sent (one per member, loan, due date and kind: the unique
 * key that makes a reminder once-only across restarts and relay processes), and announcements
 * with one row per recipient chat (the same guarantee for a notice to many patrons). A recipient is
 * named by its channel identity's id, not its chat id (a WhatsApp chat id is a phone number, and
 * erasure rewrites chat ids, not this table).
 */
export class Reminders1765300000000 implements MigrationInterface {
  name = "Reminders1765300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reminder_preference (
        patron_id   integer PRIMARY KEY REFERENCES patron(id),
        enabled     boolean NOT NULL,
        changed_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE reminder_sent (
        member_id   text NOT NULL,
        loan_id     integer NOT NULL,
        due_date    text NOT NULL CHECK (due_date ~ '^\\d{4}-\\d{2}-\\d{2}$'),
        kind        text NOT NULL CHECK (kind ~ '^(before:[0-9]{1,2}|overdue)$'),
        patron_id   integer NOT NULL REFERENCES patron(id),
        message_id  bigint REFERENCES message(id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, loan_id, due_date, kind)
      )`);
    await q.query(`
      CREATE TABLE announcement (
        id              serial PRIMARY KEY,
        text_id         text NOT NULL CHECK (length(text_id) BETWEEN 1 AND 4000),
        text_en         text NOT NULL CHECK (length(text_en) <= 4000),
        channels        jsonb NOT NULL,
        created_by      integer NOT NULL REFERENCES staff_user(id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'queued')),
        recipients      integer,
        queued_at       timestamptz
      )`);
    await q.query(`
      CREATE TABLE announcement_recipient (
        announcement_id  integer NOT NULL REFERENCES announcement(id),
        identity_id      integer NOT NULL REFERENCES channel_identity(id),
        channel          text NOT NULL,
        patron_id        integer NOT NULL REFERENCES patron(id),
        message_id       bigint REFERENCES message(id),
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (announcement_id, identity_id)
      )`);
    await q.query(`CREATE INDEX announcement_recipient_message ON announcement_recipient (message_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE announcement_recipient`);
    await q.query(`DROP TABLE announcement`);
    await q.query(`DROP TABLE reminder_sent`);
    await q.query(`DROP TABLE reminder_preference`);
  }
}
