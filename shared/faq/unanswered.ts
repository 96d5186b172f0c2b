/**
 * The questions the bot could not answer — inbound text handled as "unknown", or answered only
 * with the FAQ's "did you mean" offer (its reply has `meta.faqOffered`) — grouped by the
 * matcher's own tokens: two questions are one group when their stems overlap by half (Jaccard
 * ≥ 0.5), so "wifi gak konek" and "wifinya tdk konek kak" are counted together. A group's first
 * question prefills the console's "make an FAQ entry". Redacted rows (a typed password) are never read.
 */
import type { Sql } from "../db";
import type { UnansweredGroup } from "./content";
import { stems } from "./normalize";

export type { UnansweredGroup };

const SIMILAR = 0.5;

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let both = 0;
  for (const t of a) if (b.has(t)) both++;
  return both / (a.size + b.size - both || 1);
}

export async function unansweredGroups(sql: Sql, days = 30, limit = 2000): Promise<UnansweredGroup[]> {
  const { rows } = await sql.query<{ text: string; created_at: Date }>(
    `SELECT m.text, m.created_at FROM message m
     WHERE m.direction = 'in' AND m.kind = 'text' AND m.text IS NOT NULL AND NOT m.meta ? 'redacted'
       AND m.created_at > now() - make_interval(days => $1)
       AND (m.handled_by = 'unknown'
            OR (m.handled_by = 'faq' AND EXISTS (SELECT 1 FROM message r
                WHERE r.in_reply_to = m.id AND r.direction = 'out' AND r.meta ? 'faqOffered')))
     ORDER BY m.created_at DESC LIMIT $2`,
    [days, limit],
  );
  const groups: Array<UnansweredGroup & { set: Set<string> }> = [];
  for (const row of rows) {
    const set = new Set(stems(row.text, "id"));
    if (set.size === 0 || row.text.startsWith("/")) continue;
    const group = groups.find((g) => jaccard(g.set, set) >= SIMILAR);
    if (group) {
      group.count++;
      if (group.examples.length < 5 && !group.examples.includes(row.text)) group.examples.push(row.text);
    } else
      groups.push({
        count: 1,
        examples: [row.text],
        lastAt: row.created_at.toISOString(),
        tokens: [...set],
        set,
      });
  }
  return groups
    .sort((a, b) => b.count - a.count)
    .slice(0, 50)
    .map(({ set: _set, ...g }) => g);
}
