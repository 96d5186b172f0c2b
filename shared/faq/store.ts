/**
 * The FAQ's tables (migration 1765400000000-Faq): entries, their versions, patrons' ratings.
 * An edit that changes the texts adds the next version and moves the entry to it; one that
 * changes nothing adds nothing (so importing the same file twice changes nothing). Staff actions
 * are audit events written in the same transaction (subject "faq:<id>").
 */
import { recordAudit } from "../audit";
import type { Db, Sql } from "../db";
import type { FaqStatus } from "../entities/faq-entry";
import { checkContent, checkSlug, FaqError, sameContent, type FaqContent } from "./content";

export interface FaqEntryView {
  id: number;
  slug: string;
  status: FaqStatus;
  version: number;
  content: FaqContent;
  updatedAt: string;
  ratings: { up: number; down: number };
}

export interface FaqVersionView {
  version: number;
  content: FaqContent;
  editedBy: number | null;
  createdAt: string;
}

/** Who acts: a staff member (console), or the CLI (an operator on the machine). */
export type FaqActor = { staffId: number } | { system: string };

interface Row {
  id: number;
  slug: string;
  status: FaqStatus;
  version: number;
  updated_at: Date;
  questions_id: string[];
  answer_id: string;
  questions_en: string[];
  answer_en: string;
  keywords: string[];
  up?: string;
  down?: string;
}

const contentOf = (r: Omit<Row, "id" | "slug" | "status" | "updated_at">): FaqContent => ({
  id: { questions: r.questions_id, answer: r.answer_id },
  en: { questions: r.questions_en, answer: r.answer_en },
  keywords: r.keywords,
});

const SELECT = `
  SELECT e.id, e.slug, e.status, e.version, e.updated_at,
         v.questions_id, v.answer_id, v.questions_en, v.answer_en, v.keywords,
         (SELECT count(*) FROM faq_rating r WHERE r.entry_id = e.id AND r.rating = 1) AS up,
         (SELECT count(*) FROM faq_rating r WHERE r.entry_id = e.id AND r.rating = -1) AS down
  FROM faq_entry e JOIN faq_version v ON v.entry_id = e.id AND v.version = e.version`;

const view = (r: Row): FaqEntryView => ({
  id: r.id,
  slug: r.slug,
  status: r.status,
  version: r.version,
  content: contentOf(r),
  updatedAt: r.updated_at.toISOString(),
  ratings: { up: Number(r.up ?? 0), down: Number(r.down ?? 0) },
});

function audit(sql: Sql, actor: FaqActor, action: string, entryId: number, detail: Record<string, unknown>) {
  return recordAudit(sql, [
    {
      actorKind: "staffId" in actor ? "staff" : "system",
      actorId: "staffId" in actor ? String(actor.staffId) : actor.system,
      action,
      subject: `faq:${entryId}`,
      detail,
    },
  ]);
}

export class FaqStore {
  constructor(private readonly db: Db) {}

  async list(): Promise<FaqEntryView[]> {
    const { rows } = await this.db.query<Row>(`${SELECT} ORDER BY e.slug`);
    return rows.map(view);
  }

  async get(id: number): Promise<FaqEntryView> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE e.id = $1`, [id]);
    if (!rows[0]) throw new FaqError("FAQ_NOT_FOUND", `no FAQ entry ${id}`);
    return view(rows[0]);
  }

  async bySlug(slug: string, sql: Sql = this.db): Promise<FaqEntryView | null> {
    const { rows } = await sql.query<Row>(`${SELECT} WHERE e.slug = $1`, [slug]);
    return rows[0] ? view(rows[0]) : null;
  }

  async history(id: number): Promise<FaqVersionView[]> {
    const { rows } = await this.db.query<Row & { edited_by: number | null; created_at: Date }>(
      `SELECT version, questions_id, answer_id, questions_en, answer_en, keywords, edited_by, created_at
       FROM faq_version WHERE entry_id = $1 ORDER BY version DESC`,
      [id],
    );
    return rows.map((r) => ({
      version: r.version,
      content: contentOf(r),
      editedBy: r.edited_by,
      createdAt: r.created_at.toISOString(),
    }));
  }

  published(): Promise<FaqEntryView[]> {
    return publishedEntries(this.db);
  }

  async create(
    slug: unknown,
    content: unknown,
    actor: FaqActor,
    status: FaqStatus = "draft",
  ): Promise<FaqEntryView> {
    const s = checkSlug(slug);
    const c = checkContent(content);
    return this.db.transaction(async (tx) => {
      const created = await this.insert(tx, s, c, actor, status);
      if (!created) throw new FaqError("FAQ_INVALID", `an entry named "${s}" exists`);
      return created;
    });
  }

  /** Insert a new entry (version 1), or null when the slug is taken. */
  async insert(tx: Sql, slug: string, c: FaqContent, actor: FaqActor, status: FaqStatus) {
    const staff = "staffId" in actor ? actor.staffId : null;
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO faq_entry (slug, status, created_by) VALUES ($1, $2, $3)
       ON CONFLICT (slug) DO NOTHING RETURNING id`,
      [slug, status, staff],
    );
    if (!rows[0]) return null;
    await this.addVersion(tx, rows[0].id, 1, c, staff);
    await audit(tx, actor, "faq_create", rows[0].id, { slug, status });
    return (await this.bySlug(slug, tx))!;
  }

  /** A new version when the texts differ from the current one; returns the entry as it is then. */
  async edit(id: number, content: unknown, actor: FaqActor, sql?: Sql): Promise<FaqEntryView> {
    const c = checkContent(content);
    const run = async (tx: Sql) => {
      const { rows } = await tx.query<Row>(`${SELECT} WHERE e.id = $1 FOR UPDATE OF e`, [id]);
      if (!rows[0]) throw new FaqError("FAQ_NOT_FOUND", `no FAQ entry ${id}`);
      if (sameContent(contentOf(rows[0]), c)) return view(rows[0]);
      const version = rows[0].version + 1;
      await this.addVersion(tx, id, version, c, "staffId" in actor ? actor.staffId : null);
      await tx.query(`UPDATE faq_entry SET version = $2, updated_at = now() WHERE id = $1`, [id, version]);
      await audit(tx, actor, "faq_edit", id, { version });
      return (await this.bySlug(rows[0].slug, tx))!;
    };
    return sql ? run(sql) : this.db.transaction(run);
  }

  async setStatus(id: number, status: FaqStatus, actor: FaqActor): Promise<FaqEntryView> {
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE faq_entry SET status = $2, updated_at = now() WHERE id = $1 AND status <> $2`,
        [id, status],
      );
      if (rowCount > 0)
        await audit(tx, actor, status === "published" ? "faq_publish" : `faq_${status}`, id, {});
      const { rows } = await tx.query<Row>(`${SELECT} WHERE e.id = $1`, [id]);
      if (!rows[0]) throw new FaqError("FAQ_NOT_FOUND", `no FAQ entry ${id}`);
      return view(rows[0]);
    });
  }

  private async addVersion(tx: Sql, id: number, version: number, c: FaqContent, staff: number | null) {
    await tx.query(
      `INSERT INTO faq_version (entry_id, version, questions_id, answer_id, questions_en, answer_en, keywords, edited_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        version,
        JSON.stringify(c.id.questions),
        c.id.answer,
        JSON.stringify(c.en.questions),
        c.en.answer,
        JSON.stringify(c.keywords),
        staff,
      ],
    );
  }
}

/** The published entries, current versions: what the relay's index is built from. */
export async function publishedEntries(sql: Sql): Promise<FaqEntryView[]> {
  const { rows } = await sql.query<Row>(`${SELECT} WHERE e.status = 'published' ORDER BY e.id`);
  return rows.map(view);
}

/** Changes whenever an entry or its version does (the relay rebuilds its index then). */
export async function faqGeneration(sql: Sql): Promise<string> {
  const { rows } = await sql.query<{ g: string }>(
    `SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') AS g FROM faq_entry`,
  );
  return rows[0]!.g;
}

/**
 * A patron's 👍 (1) / 👎 (-1) on the answer of entry `entryId` version `version`, pressed in the
 * conversation of message `messageId`; rating the same answer again replaces the first.
 * False when there is no such version.
 */
export async function rateAnswer(
  sql: Sql,
  entryId: number,
  version: number,
  messageId: string,
  rating: 1 | -1,
): Promise<boolean> {
  const { rowCount } = await sql.query(
    `INSERT INTO faq_rating (entry_id, version, conversation_id, rating)
     SELECT $1, $2, m.conversation_id, $4 FROM message m
     WHERE m.id = $3 AND EXISTS (SELECT 1 FROM faq_version WHERE entry_id = $1 AND version = $2)
     ON CONFLICT (conversation_id, entry_id, version) DO UPDATE SET rating = EXCLUDED.rating, created_at = now()`,
    [entryId, version, messageId, rating],
  );
  return rowCount > 0;
}
