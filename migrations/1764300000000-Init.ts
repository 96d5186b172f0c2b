import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The first schema: patrons and their channel identities, conversations, the append-only
 * message log, staff users and audit events.
 *
 * The message log is append-only: a trigger refuses DELETE and any UPDATE that touches what
 * was said (text, kind, author, order, channel ids). Only delivery progress (status, error,
 * the channel's message id, which answer handled it) may change after a row is written.
 */
export class Init1764300000000 implements MigrationInterface {
  name = "Init1764300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE patron (
        id            serial PRIMARY KEY,
        display_name  text NOT NULL DEFAULT '',
        language      text CHECK (language IN ('id', 'en')),
        member_id     text,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE channel_identity (
        id               serial PRIMARY KEY,
        channel          text NOT NULL,
        external_user_id text NOT NULL,
        patron_id        integer NOT NULL REFERENCES patron(id),
        verified_at      timestamptz,
        verified_method  text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (channel, external_user_id)
      )`);
    await q.query(`
      CREATE TABLE staff_user (
        id             serial PRIMARY KEY,
        username       text NOT NULL UNIQUE,
        display_name   text NOT NULL,
        role           text NOT NULL CHECK (role IN ('librarian', 'auditor', 'admin')),
        password_hash  text NOT NULL,
        active         boolean NOT NULL DEFAULT true,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE conversation (
        id                    serial PRIMARY KEY,
        channel               text NOT NULL,
        chat_id               text NOT NULL,
        patron_id             integer NOT NULL REFERENCES patron(id),
        state                 text NOT NULL DEFAULT 'bot' CHECK (state IN ('bot', 'waiting', 'assigned', 'closed')),
        assigned_staff_id     integer REFERENCES staff_user(id),
        last_seq              integer NOT NULL DEFAULT 0,
        unknown_streak        integer NOT NULL DEFAULT 0,
        opened_at             timestamptz NOT NULL DEFAULT now(),
        last_message_at       timestamptz NOT NULL DEFAULT now(),
        first_human_reply_at  timestamptz,
        closed_at             timestamptz
      )`);
    // One open conversation per chat; a closed one is history and a new one starts.
    await q.query(
      `CREATE UNIQUE INDEX conversation_open_chat ON conversation (channel, chat_id) WHERE state <> 'closed'`,
    );
    await q.query(`
      CREATE TABLE message (
        id                  bigserial PRIMARY KEY,
        conversation_id     integer NOT NULL REFERENCES conversation(id),
        seq                 integer NOT NULL,
        direction           text NOT NULL CHECK (direction IN ('in', 'out')),
        author              text NOT NULL CHECK (author IN ('patron', 'bot', 'librarian', 'system')),
        author_staff_id     integer REFERENCES staff_user(id),
        kind                text NOT NULL,
        text                text,
        meta                jsonb NOT NULL DEFAULT '{}'::jsonb,
        channel             text NOT NULL,
        channel_key         text NOT NULL,
        in_reply_to         bigint REFERENCES message(id),
        created_at          timestamptz NOT NULL DEFAULT now(),
        status              text NOT NULL CHECK (status IN ('received', 'handled', 'failed', 'queued', 'sent')),
        status_at           timestamptz NOT NULL DEFAULT now(),
        error               text,
        channel_message_id  text,
        handled_by          text,
        UNIQUE (channel, channel_key),
        UNIQUE (conversation_id, seq)
      )`);
    // The workers' and sweepers' questions: "what is still to do in this conversation?"
    await q.query(
      `CREATE INDEX message_inbound_pending ON message (conversation_id, seq) WHERE direction = 'in' AND status = 'received'`,
    );
    await q.query(
      `CREATE INDEX message_outbound_pending ON message (conversation_id, seq) WHERE direction = 'out' AND status = 'queued'`,
    );
    await q.query(`CREATE INDEX message_created_at ON message (created_at)`);
    await q.query(`
      CREATE FUNCTION message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'message log is append-only: DELETE refused' USING ERRCODE = 'restrict_violation';
        END IF;
        IF (NEW.conversation_id, NEW.seq, NEW.direction, NEW.author, NEW.author_staff_id, NEW.kind, NEW.text,
            NEW.meta, NEW.channel, NEW.channel_key, NEW.in_reply_to, NEW.created_at)
           IS DISTINCT FROM
           (OLD.conversation_id, OLD.seq, OLD.direction, OLD.author, OLD.author_staff_id, OLD.kind, OLD.text,
            OLD.meta, OLD.channel, OLD.channel_key, OLD.in_reply_to, OLD.created_at) THEN
          RAISE EXCEPTION 'message log is append-only: only delivery status may change' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER message_append_only BEFORE UPDATE OR DELETE ON message
      FOR EACH ROW EXECUTE FUNCTION message_append_only()`);
    await q.query(`
      CREATE TABLE audit_event (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        actor_kind  text NOT NULL CHECK (actor_kind IN ('patron', 'staff', 'system')),
        actor_id    text,
        action      text NOT NULL,
        subject     text,
        detail      jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP TABLE message`);
    await q.query(`DROP FUNCTION message_append_only`);
    await q.query(`DROP TABLE conversation`);
    await q.query(`DROP TABLE staff_user`);
    await q.query(`DROP TABLE channel_identity`);
    await q.query(`DROP TABLE patron`);
  }
}
