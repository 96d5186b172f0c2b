import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Media (issue 10): files patrons send and files librarians attach, kept as evidence like the
 * message log. One row per distinct file and uploader: `sha256` with `uploaded_by_staff_id`
 * (NULL for a patron's file) is unique, so a redelivered update stores nothing twice and a
 * librarian can only attach what they uploaded themselves. The bytes live in `bytes` (the
 * default) or, when MEDIA_DIR is set, in a file named by the hash (`storage = 'dir'`).
 *
 * Append-only: no UPDATE, DELETE or TRUNCATE (the same refusal as `audit_event`; the runtime
 * role also loses UPDATE and DELETE: shared/db-roles.ts). The message row refers to a file in
 * its `meta` (`media` inbound, `attachment` outbound), which the message log's trigger already
 * keeps unchanged, so the message table and its trigger are untouched.
 */
export class Media1764900000000 implements MigrationInterface {
  name = "Media1764900000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE media (
        id                    bigserial PRIMARY KEY,
        sha256                text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        mime_type             text NOT NULL,
        size                  integer NOT NULL CHECK (size >= 0),
        file_name             text,
        storage               text NOT NULL CHECK (storage IN ('db', 'dir')),
        bytes                 bytea,
        uploaded_by_staff_id  integer REFERENCES staff_user(id),
        created_at            timestamptz NOT NULL DEFAULT now(),
        CHECK ((storage = 'db') = (bytes IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX media_sha256_uploader ON media (sha256, uploaded_by_staff_id) NULLS NOT DISTINCT`,
    );
    await q.query(`
      CREATE FUNCTION media_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'media is evidence, append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER media_append_only BEFORE UPDATE OR DELETE ON media
      FOR EACH ROW EXECUTE FUNCTION media_append_only()`);
    await q.query(`
      CREATE TRIGGER media_no_truncate BEFORE TRUNCATE ON media
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE media`);
    await q.query(`DROP FUNCTION media_append_only`);
  }
}
