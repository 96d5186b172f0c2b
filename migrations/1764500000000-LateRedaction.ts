import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The one change the append-only message log allows to what was said: an inbound row's text
 * replaced by the password marker, once, and audited by the trigger itself.
 *
 * Why: the ingress redacts a password when the conversation is waiting for one, but a patron can
 * type it before that step is committed (member ID and password in quick succession). The relay
 * then takes the clear text as the password and redacts the row in the same transaction that
 * marks it handled. Nothing else may change: the other columns stay, `meta` only gains the
 * redaction flags, a row already redacted cannot be touched again, and every such UPDATE writes
 * an `audit_event` row ("message_redacted"), so the log says it happened.
 *
 * The marker is spelled out here (a migration never changes); it must equal REDACTED_TEXT in
 * shared/secret-box.ts, or the relay's UPDATE is refused (test/integration/redaction.spec.ts).
 */
const COLUMNS_BUT_TEXT_AND_META = `conversation_id, seq, direction, author, author_staff_id, kind, channel, channel_key,
  in_reply_to, created_at`;
const old = (cols: string) =>
  cols
    .split(",")
    .map((c) => `OLD.${c.trim()}`)
    .join(", ");
const fresh = (cols: string) =>
  cols
    .split(",")
    .map((c) => `NEW.${c.trim()}`)
    .join(", ");

const MARKER = "[disembunyikan: kata sandi / redacted: password]";

export class LateRedaction1764500000000 implements MigrationInterface {
  name = "LateRedaction1764500000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'message log is append-only: DELETE refused' USING ERRCODE = 'restrict_violation';
        END IF;
        IF (${fresh(COLUMNS_BUT_TEXT_AND_META)}, NEW.text, NEW.meta)
           IS DISTINCT FROM (${old(COLUMNS_BUT_TEXT_AND_META)}, OLD.text, OLD.meta) THEN
          IF OLD.direction = 'in' AND NOT (OLD.meta ? 'redacted')
             AND NEW.text = '${MARKER}'
             AND NEW.meta = OLD.meta || '{"redacted": true, "redactedLate": true}'::jsonb
             AND (${fresh(COLUMNS_BUT_TEXT_AND_META)}) IS NOT DISTINCT FROM (${old(COLUMNS_BUT_TEXT_AND_META)}) THEN
            INSERT INTO audit_event (actor_kind, actor_id, action, subject, detail)
            VALUES ('system', 'message_log', 'message_redacted', 'message:' || OLD.id,
                    jsonb_build_object('conversationId', OLD.conversation_id, 'seq', OLD.seq));
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'message log is append-only: only delivery status may change' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
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
  }
}
