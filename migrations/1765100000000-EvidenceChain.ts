import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Tamper evidence (issue 13, docs/audit.md): hash chains over the evidence tables, sealed by
 * checkpoints, and the one anonymising UPDATE retention needs.
 *
 * `evidence_hash`: one row per chained source row (`message` per conversation, `audit_event` on
 * one chain), written by the chainer (shared/evidence/chainer.ts) off the hot path. `row_hash`
 * covers the previous row's hash, the source row's immutable fields (copied into `fields`, so
 * verify can say what differs) and a commitment to its content: sha256 over a random per-row salt
 * and the text and meta — never the raw text, so retention can erase the text (and the salt,
 * which would otherwise let short texts be guessed) and every hash still verifies.
 * Append-only: the only UPDATE allowed is erasing a salt.
 *
 * `evidence_checkpoint`: every so often the chainer seals the head of every chain (an ordered
 * hash of them) into a row chained to the previous checkpoint, optionally HMAC'd. Append-only.
 *
 * The message trigger gains exactly one more allowed UPDATE: the anonymising one (text erased,
 * meta reduced to keys that say nothing about the person, the channel's key — a WhatsApp key
 * holds the phone number — replaced by `anon:<id>`, nothing else changed), and only inside
 * `anonymise_messages()`, which marks its transaction. The marker is a guard against mistakes,
 * not against a role that can run arbitrary SQL (that role is what the hash chain is for).
 */
const COLUMNS_BUT_TEXT_AND_META = `conversation_id, seq, direction, author, author_staff_id, kind, channel, channel_key,
  in_reply_to, created_at`;
const prefixed = (prefix: string, cols: string) =>
  cols
    .split(",")
    .map((c) => `${prefix}.${c.trim()}`)
    .join(", ");

/** What the anonymising UPDATE may leave unchanged, and must: everything but text, meta and the channel's key. */
const COLUMNS_KEPT_BY_ANONYMISING = `conversation_id, seq, direction, author, author_staff_id, kind, channel, in_reply_to,
  created_at`;

const MARKER = "[disembunyikan: kata sandi / redacted: password]";

/** The LateRedaction trigger body, plus the anonymising UPDATE. */
function messageTrigger(withAnonymise: boolean): string {
  const anonymise = withAnonymise
    ? `
          IF current_setting('pustaka.anonymising', true) = 'on'
             AND NOT (OLD.meta ? 'anonymised')
             AND NEW.text IS NULL
             AND NEW.meta = anonymised_meta(OLD.meta)
             AND NEW.channel_key = 'anon:' || OLD.id
             AND (${prefixed("NEW", COLUMNS_KEPT_BY_ANONYMISING)}) IS NOT DISTINCT FROM (${prefixed("OLD", COLUMNS_KEPT_BY_ANONYMISING)}) THEN
            RETURN NEW;
          END IF;`
    : "";
  return `
      CREATE OR REPLACE FUNCTION message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'message log is append-only: DELETE refused' USING ERRCODE = 'restrict_violation';
        END IF;
        IF (${prefixed("NEW", COLUMNS_BUT_TEXT_AND_META)}, NEW.text, NEW.meta)
           IS DISTINCT FROM (${prefixed("OLD", COLUMNS_BUT_TEXT_AND_META)}, OLD.text, OLD.meta) THEN
          IF OLD.direction = 'in' AND NOT (OLD.meta ? 'redacted')
             AND NEW.text = '${MARKER}'
             AND NEW.meta = OLD.meta || '{"redacted": true, "redactedLate": true}'::jsonb
             AND (${prefixed("NEW", COLUMNS_BUT_TEXT_AND_META)}) IS NOT DISTINCT FROM (${prefixed("OLD", COLUMNS_BUT_TEXT_AND_META)}) THEN
            INSERT INTO audit_event (actor_kind, actor_id, action, subject, detail)
            VALUES ('system', 'message_log', 'message_redacted', 'message:' || OLD.id,
                    jsonb_build_object('conversationId', OLD.conversation_id, 'seq', OLD.seq));
            RETURN NEW;
          END IF;${anonymise}
          RAISE EXCEPTION 'message log is append-only: only delivery status may change' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`;
}

export class EvidenceChain1765100000000 implements MigrationInterface {
  name = "EvidenceChain1765100000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evidence_hash (
        id                  bigserial PRIMARY KEY,
        source              text NOT NULL CHECK (source IN ('message', 'audit_event')),
        row_id              bigint NOT NULL,
        chain               text NOT NULL,
        seq                 integer NOT NULL CHECK (seq >= 1),
        prev_hash           text NOT NULL,
        fields              jsonb NOT NULL,
        content_salt        bytea,
        content_commitment  text NOT NULL,
        row_hash            text NOT NULL CHECK (row_hash ~ '^[0-9a-f]{64}$'),
        chained_at          timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source, row_id),
        UNIQUE (chain, seq)
      )`);
    await q.query(`
      CREATE TABLE evidence_checkpoint (
        id               bigserial PRIMARY KEY,
        at               timestamptz NOT NULL,
        upto_evidence_id bigint NOT NULL,
        heads            integer NOT NULL,
        heads_root       text NOT NULL,
        prev_hash        text NOT NULL,
        checkpoint_hash  text NOT NULL UNIQUE,
        hmac             text,
        floors           jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`
      CREATE FUNCTION evidence_hash_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.content_salt IS NOT NULL AND NEW.content_salt IS NULL
           AND (NEW.id, NEW.source, NEW.row_id, NEW.chain, NEW.seq, NEW.prev_hash, NEW.fields,
                NEW.content_commitment, NEW.row_hash, NEW.chained_at)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.source, OLD.row_id, OLD.chain, OLD.seq, OLD.prev_hash, OLD.fields,
                OLD.content_commitment, OLD.row_hash, OLD.chained_at) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'evidence_hash is append-only (only a salt may be erased): % refused', TG_OP
          USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER evidence_hash_append_only BEFORE UPDATE OR DELETE ON evidence_hash
      FOR EACH ROW EXECUTE FUNCTION evidence_hash_append_only()`);
    await q.query(`
      CREATE FUNCTION evidence_checkpoint_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'evidence_checkpoint is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER evidence_checkpoint_append_only BEFORE UPDATE OR DELETE ON evidence_checkpoint
      FOR EACH ROW EXECUTE FUNCTION evidence_checkpoint_append_only()`);
    for (const table of ["evidence_hash", "evidence_checkpoint"])
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()`);
    // Meta keys that say nothing about the person (statistics keep them); all else goes.
    await q.query(`
      CREATE FUNCTION anonymised_meta(meta jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) || '{"anonymised": true}'::jsonb
        FROM jsonb_each(meta) WHERE key IN ('chatType', 'waType', 'hasMedia', 'redacted', 'redactedLate', 'handoff')
      $$`);
    await q.query(messageTrigger(true));
    // The one way to anonymise: rows of `ids` lose their text and personal meta, their salts are
    // erased; returns how many rows changed. SECURITY DEFINER so the runtime role (which has no
    // UPDATE on evidence_hash beyond this) can run it; the caller records the audit event.
    await q.query(`
      CREATE FUNCTION anonymise_messages(ids bigint[]) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE changed integer;
      BEGIN
        PERFORM set_config('pustaka.anonymising', 'on', true);
        UPDATE message SET text = NULL, meta = anonymised_meta(meta), channel_key = 'anon:' || id,
                           channel_message_id = NULL, error = NULL
         WHERE id = ANY(ids) AND NOT (meta ? 'anonymised');
        GET DIAGNOSTICS changed = ROW_COUNT;
        UPDATE evidence_hash SET content_salt = NULL
         WHERE source = 'message' AND row_id = ANY(ids) AND content_salt IS NOT NULL;
        PERFORM set_config('pustaka.anonymising', 'off', true);
        RETURN changed;
      END $$`);
    await q.query(
      `CREATE INDEX message_unanonymised ON message (created_at) WHERE NOT (meta ? 'anonymised')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX message_unanonymised`);
    await q.query(`DROP FUNCTION anonymise_messages`);
    await q.query(messageTrigger(false));
    await q.query(`DROP FUNCTION anonymised_meta`);
    await q.query(`DROP TABLE evidence_checkpoint`);
    await q.query(`DROP TABLE evidence_hash`);
    await q.query(`DROP FUNCTION evidence_checkpoint_append_only`);
    await q.query(`DROP FUNCTION evidence_hash_append_only`);
  }
}
