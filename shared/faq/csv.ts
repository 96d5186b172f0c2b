/**
 * The FAQ as a CSV file (UTF-8): header `entry,lang,question,answer,keywords`, one row per entry
 * and language (`id`, `en`), several example questions in `question` and keywords in `keywords`
 * separated by `|`. Import is all or nothing, in one transaction: the file is read and checked
 * whole first (a refusal names its line), then each entry is created (published) or, when its
 * texts differ, given a new version; an entry whose texts are the same is left alone, so
 * importing a file twice changes nothing. Import never changes an entry's status. Docs: docs/faq.md.
 */
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { Db } from "../db";
import { errorMessage } from "../errors";
import { checkContent, checkSlug, FaqError, type FaqContent } from "./content";
import { FaqStore, type FaqActor } from "./store";

export const CSV_HEADER = ["entry", "lang", "question", "answer", "keywords"] as const;

const split = (cell: string) =>
  cell
    .split("|")
    .map((s) => s.trim())
    .filter(Boolean);

export function faqToCsv(entries: ReadonlyArray<{ slug: string; content: FaqContent }>): string {
  const rows = entries.flatMap((e) =>
    (["id", "en"] as const).map((lang) => [
      e.slug,
      lang,
      e.content[lang].questions.join(" | "),
      e.content[lang].answer,
      e.content.keywords.join(" | "),
    ]),
  );
  return stringify([[...CSV_HEADER], ...rows]);
}

const refuse = (line: number, why: string) => new FaqError("FAQ_CSV_INVALID", `line ${line}: ${why}`);

/** The file's entries in file order, or FAQ_CSV_INVALID naming the line. */
export function parseFaqCsv(text: string): Array<{ slug: string; content: FaqContent; line: number }> {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = (parse as (input: string, options: object) => typeof records)(text.replace(/^\uFEFF/, ""), {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    throw refuse(line, `not CSV (${errorMessage(err)})`);
  }
  const [header, ...rows] = records;
  if (!header || header.record.map((c) => c.trim().toLowerCase()).join(",") !== CSV_HEADER.join(","))
    throw refuse(header?.info.lines ?? 1, `the header must be ${CSV_HEADER.join(",")}`);
  const byEntry = new Map<string, { line: number; rows: Partial<Record<"id" | "en", string[]>> }>();
  for (const { record, info } of rows) {
    if (record.length !== CSV_HEADER.length) throw refuse(info.lines, `${record.length} fields, not 5`);
    const [entry, lang] = record as [string, string];
    let slug: string;
    try {
      slug = checkSlug(entry);
    } catch (err) {
      throw refuse(info.lines, errorMessage(err));
    }
    const l = lang.trim().toLowerCase();
    if (l !== "id" && l !== "en") throw refuse(info.lines, `language "${lang}" is neither id nor en`);
    const seen = byEntry.get(slug) ?? { line: info.lines, rows: {} };
    if (seen.rows[l]) throw refuse(info.lines, `a second "${l}" row for "${slug}"`);
    seen.rows[l] = record;
    seen.line = info.lines;
    byEntry.set(slug, seen);
  }
  return [...byEntry].map(([slug, { line, rows: r }]) => {
    if (!r.id || !r.en) throw refuse(line, `"${slug}" needs one "id" and one "en" row`);
    try {
      const content = checkContent({
        id: { questions: split(r.id[2]!), answer: r.id[3] },
        en: { questions: split(r.en[2]!), answer: r.en[3] },
        keywords: [...split(r.id[4]!), ...split(r.en[4]!)],
      });
      return { slug, content, line };
    } catch (err) {
      throw refuse(line, errorMessage(err));
    }
  });
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

export async function importFaqCsv(db: Db, text: string, actor: FaqActor): Promise<ImportResult> {
  const entries = parseFaqCsv(text);
  const store = new FaqStore(db);
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
  await db.transaction(async (tx) => {
    for (const { slug, content } of entries) {
      const existing = await store.bySlug(slug, tx);
      if (!existing) {
        await store.insert(tx, slug, content, actor, "published");
        result.created++;
        continue;
      }
      const edited = await store.edit(existing.id, content, actor, tx);
      if (edited.version === existing.version) result.unchanged++;
      else result.updated++;
    }
  });
  return result;
}
