import type { MigrationInterface, QueryRunner } from "typeorm";
import { SEED_ENTRIES } from "../shared/faq/seed-entries";

/**
 * The FAQ (issue 14): entries librarians edit in the console, every edit a new row of
 * `faq_version` (history kept; the entry points at its current one), patrons' ratings of an
 * answer, per entry and version. Status: draft → published → retired (and back). The demo
 * library's entries are seeded here (questions and keywords are JSON arrays of strings), once: ON CONFLICT leaves an entry librarians changed alone.
 * Docs: docs/faq.md.
 */
export class Faq1765400000000 implements MigrationInterface {
  name = "Faq1765400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE faq_entry (
        id serial PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retired')),
        version integer NOT NULL DEFAULT 1,
        created_by integer REFERENCES staff_user (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE faq_version (
        entry_id integer NOT NULL REFERENCES faq_entry (id) ON DELETE CASCADE,
        version integer NOT NULL,
        questions_id jsonb NOT NULL,
        answer_id text NOT NULL,
        questions_en jsonb NOT NULL,
        answer_en text NOT NULL,
        keywords jsonb NOT NULL DEFAULT '[]',
        edited_by integer REFERENCES staff_user (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (entry_id, version)
      )`);
    await q.query(`
      CREATE TABLE faq_rating (
        id bigserial PRIMARY KEY,
        entry_id integer NOT NULL REFERENCES faq_entry (id) ON DELETE CASCADE,
        version integer NOT NULL,
        conversation_id integer NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
        rating integer NOT NULL CHECK (rating IN (-1, 1)),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (conversation_id, entry_id, version)
      )`);
    for (const e of SEED_ENTRIES) {
      const rows = (await q.query(
        `INSERT INTO faq_entry (slug, status) VALUES ($1, 'published') ON CONFLICT (slug) DO NOTHING RETURNING id`,
        [e.slug],
      )) as Array<{ id: number }>;
      if (!rows[0]) continue;
      await q.query(
        `INSERT INTO faq_version (entry_id, version, questions_id, answer_id, questions_en, answer_en, keywords)
         VALUES ($1, 1, $2, $3, $4, $5, $6)`,
        [
          rows[0].id,
          JSON.stringify(e.id.questions),
          e.id.answer,
          JSON.stringify(e.en.questions),
          e.en.answer,
          JSON.stringify(e.keywords),
        ],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE faq_rating`);
    await q.query(`DROP TABLE faq_version`);
    await q.query(`DROP TABLE faq_entry`);
  }
}
