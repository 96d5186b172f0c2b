import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Librarians' notes and stored files join the evidence (issue 13, docs/audit.md), and retention
 * reaches the bytes of patrons' files and the notes' text.
 *
 * - `evidence_hash.source` also takes `staff_note` (chained in its conversation's chain, beside
 *   the messages) and `media` (one chain of its own: a file is stored once however many
 *   conversations it came in).
 * - `staff_note` becomes append-only like the message log (it was only so by convention: the
 *   console never changes a note), with one exception: `anonymise_staff_notes()` erases a note's
 *   text (to '') and marks `erased_at`.
 * - `media` gains `erased_at`: `erase_media()` erases a file's bytes and name and marks it, keeping
 *   sha256, size, type, storage and uploader (statistics, and the chain's commitment). The storage
 *   check allows an erased row with no bytes; an ordinary UPDATE of the bytes is still refused.
 *   The one-row-per-file-and-uploader rule holds among files not erased: the same file sent again
 *   after its bytes were erased is stored anew.
 *
 * Both functions are SECURITY DEFINER (the runtime role has no UPDATE on `media`,
 * `staff_note` or `evidence_hash`), mark their transaction for the trigger, and erase the rows'
 * salts in `evidence_hash`. The marker guards against mistakes, not a role that runs arbitrary
 * SQL: that is what the chains are for.
 */
export class EvidenceNotesMedia1765200000000 implements MigrationInterface {
  name = "EvidenceNotesMedia1765200000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evidence_hash DROP CONSTRAINT evidence_hash_source_check`);
    await q.query(`ALTER TABLE evidence_hash ADD CONSTRAINT evidence_hash_source_check
      CHECK (source IN ('message', 'audit_event', 'staff_note', 'media'))`);

    // Files
    await q.query(`ALTER TABLE media ADD COLUMN erased_at timestamptz`);
    await q.query(`ALTER TABLE media DROP CONSTRAINT media_check`);
    await q.query(`ALTER TABLE media ADD CONSTRAINT media_check
      CHECK (CASE WHEN erased_at IS NULL THEN (storage = 'db') = (bytes IS NOT NULL) ELSE bytes IS NULL END)`);
    await q.query(`DROP INDEX media_sha256_uploader`);
    await q.query(`CREATE UNIQUE INDEX media_sha256_uploader ON media (sha256, uploaded_by_staff_id)
      NULLS NOT DISTINCT WHERE erased_at IS NULL`);
    await q.query(`
      CREATE OR REPLACE FUNCTION media_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('pustaka.erasing_media', true) = 'on'
           AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
           AND NEW.bytes IS NULL AND NEW.file_name IS NULL
           AND (NEW.id, NEW.sha256, NEW.mime_type, NEW.size, NEW.storage, NEW.uploaded_by_staff_id, NEW.created_at)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.sha256, OLD.mime_type, OLD.size, OLD.storage, OLD.uploaded_by_staff_id, OLD.created_at) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'media is evidence, append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE FUNCTION erase_media(ids bigint[]) RETURNS TABLE (id bigint, sha256 text, storage text)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        PERFORM set_config('pustaka.erasing_media', 'on', true);
        RETURN QUERY
          UPDATE media m SET bytes = NULL, file_name = NULL, erased_at = now()
          WHERE m.id = ANY(ids) AND m.erased_at IS NULL
          RETURNING m.id, m.sha256, m.storage;
        UPDATE evidence_hash e SET content_salt = NULL
         WHERE e.source = 'media' AND e.row_id = ANY(ids) AND e.content_salt IS NOT NULL;
        PERFORM set_config('pustaka.erasing_media', 'off', true);
      END $$`);

    // Notes
    await q.query(`ALTER TABLE staff_note ADD COLUMN erased_at timestamptz`);
    await q.query(`
      CREATE FUNCTION staff_note_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('pustaka.erasing_notes', true) = 'on'
           AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL AND NEW.text = ''
           AND (NEW.id, NEW.conversation_id, NEW.staff_id, NEW.created_at)
               IS NOT DISTINCT FROM (OLD.id, OLD.conversation_id, OLD.staff_id, OLD.created_at) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'staff notes are evidence, append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER staff_note_append_only BEFORE UPDATE OR DELETE ON staff_note
      FOR EACH ROW EXECUTE FUNCTION staff_note_append_only()`);
    await q.query(`
      CREATE TRIGGER staff_note_no_truncate BEFORE TRUNCATE ON staff_note
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()`);
    await q.query(`
      CREATE FUNCTION anonymise_staff_notes(ids bigint[]) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE changed integer;
      BEGIN
        PERFORM set_config('pustaka.erasing_notes', 'on', true);
        UPDATE staff_note SET text = '', erased_at = now() WHERE id = ANY(ids) AND erased_at IS NULL;
        GET DIAGNOSTICS changed = ROW_COUNT;
        UPDATE evidence_hash SET content_salt = NULL
         WHERE source = 'staff_note' AND row_id = ANY(ids) AND content_salt IS NOT NULL;
        PERFORM set_config('pustaka.erasing_notes', 'off', true);
        RETURN changed;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION anonymise_staff_notes`);
    await q.query(`DROP TRIGGER staff_note_no_truncate ON staff_note`);
    await q.query(`DROP TRIGGER staff_note_append_only ON staff_note`);
    await q.query(`DROP FUNCTION staff_note_append_only`);
    await q.query(`ALTER TABLE staff_note DROP COLUMN erased_at`);
    await q.query(`DROP FUNCTION erase_media`);
    await q.query(`
      CREATE OR REPLACE FUNCTION media_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'media is evidence, append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`DROP INDEX media_sha256_uploader`);
    await q.query(
      `CREATE UNIQUE INDEX media_sha256_uploader ON media (sha256, uploaded_by_staff_id) NULLS NOT DISTINCT`,
    );
    await q.query(`ALTER TABLE media DROP CONSTRAINT media_check`);
    await q.query(`ALTER TABLE media DROP COLUMN erased_at`);
    await q.query(
      `ALTER TABLE media ADD CONSTRAINT media_check CHECK ((storage = 'db') = (bytes IS NOT NULL))`,
    );
    await q.query(`ALTER TABLE evidence_hash DROP CONSTRAINT evidence_hash_source_check`);
    await q.query(`ALTER TABLE evidence_hash ADD CONSTRAINT evidence_hash_source_check
      CHECK (source IN ('message', 'audit_event'))`);
  }
}
