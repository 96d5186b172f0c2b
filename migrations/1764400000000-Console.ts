import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The librarian console: staff sessions, canned replies, internal notes, and the handoff
 * columns of a conversation (when it started waiting, why, its outcome when closed).
 */
export class Console1764400000000 implements MigrationInterface {
  name = "Console1764400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_session (
        token_hash    text PRIMARY KEY,
        staff_id      integer NOT NULL REFERENCES staff_user(id),
        csrf_token    text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL,
        user_agent    text
      )`);
    await q.query(`CREATE INDEX staff_session_staff ON staff_session (staff_id)`);
    await q.query(`
      CREATE TABLE canned_reply (
        id          serial PRIMARY KEY,
        title       text NOT NULL,
        text        text NOT NULL,
        created_by  integer REFERENCES staff_user(id),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE staff_note (
        id               bigserial PRIMARY KEY,
        conversation_id  integer NOT NULL REFERENCES conversation(id),
        staff_id         integer NOT NULL REFERENCES staff_user(id),
        text             text NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX staff_note_conversation ON staff_note (conversation_id, id)`);
    await q.query(`
      ALTER TABLE conversation
        ADD COLUMN waiting_since   timestamptz,
        ADD COLUMN handoff_reason  text,
        ADD COLUMN claimed_at      timestamptz,
        ADD COLUMN outcome         text`);
    await q.query(
      `CREATE INDEX conversation_console ON conversation (state, waiting_since) WHERE state IN ('waiting', 'assigned')`,
    );
    await q.query(`CREATE INDEX conversation_patron ON conversation (patron_id, opened_at)`);
    await q.query(`CREATE INDEX audit_event_subject_at ON audit_event (subject, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_event_subject_at`);
    await q.query(`DROP INDEX conversation_patron`);
    await q.query(`DROP INDEX conversation_console`);
    await q.query(`
      ALTER TABLE conversation
        DROP COLUMN waiting_since, DROP COLUMN handoff_reason, DROP COLUMN claimed_at, DROP COLUMN outcome`);
    await q.query(`DROP TABLE staff_note`);
    await q.query(`DROP TABLE canned_reply`);
    await q.query(`DROP TABLE staff_session`);
  }
}
