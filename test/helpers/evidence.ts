/**
 * Helpers for the tamper-evidence specs: a Db over one connection (its transactions are
 * savepoints, so a whole spec step can run inside one transaction that is rolled back), and a
 * small conversation written the way the log writes it (seq from conversation.last_seq).
 */
import { randomBytes } from "node:crypto";
import type { Client, QueryResultRow } from "pg";
import type { Db, Sql } from "../../shared/db";

export function clientDb(client: Client): Db {
  const sql: Sql = {
    async query<R extends QueryResultRow>(text: string, params: unknown[] = []) {
      const r = await client.query<R>(text, params);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
  };
  let depth = 0;
  return {
    ...sql,
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const name = `sp${depth++}`;
      await client.query(`SAVEPOINT ${name}`);
      try {
        const result = await fn(sql);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw err;
      } finally {
        depth--;
      }
    },
  };
}

export interface Written {
  conversationId: number;
  patronId: number;
  messageIds: string[];
}

/** A conversation with `texts.length` messages, alternating patron and bot, `ageDays` old. */
export async function writeConversation(
  sql: Sql,
  texts: string[],
  options: { ageDays?: number; displayName?: string; phone?: string } = {},
): Promise<Written> {
  const tag = randomBytes(6).toString("hex");
  const age = `${options.ageDays ?? 0} days`;
  const patron = await sql.query<{ id: number }>(
    `INSERT INTO patron (display_name, created_at) VALUES ($1, now() - $2::interval) RETURNING id`,
    [options.displayName ?? `Patron ${tag}`, age],
  );
  const patronId = patron.rows[0]!.id;
  const conv = await sql.query<{ id: number }>(
    `INSERT INTO conversation (channel, chat_id, patron_id, opened_at, last_message_at, last_seq)
     VALUES ('test', $1, $2, now() - $3::interval, now() - $3::interval, $4) RETURNING id`,
    [`evidence-${tag}`, patronId, age, texts.length],
  );
  const conversationId = conv.rows[0]!.id;
  const messageIds: string[] = [];
  for (const [i, text] of texts.entries()) {
    const inbound = i % 2 === 0;
    const meta = inbound && options.phone ? { contact: { phone: options.phone, firstName: "X" } } : {};
    const r = await sql.query<{ id: string }>(
      `INSERT INTO message (conversation_id, seq, direction, author, kind, text, meta, channel, channel_key, status,
                            handled_by, created_at)
       VALUES ($1, $2::int, $3, $4, 'text', $5, $6::jsonb, 'test', $7, $8, $9,
               now() - $10::interval + make_interval(secs => $2::int)) RETURNING id::text`,
      [
        conversationId,
        i + 1,
        inbound ? "in" : "out",
        inbound ? "patron" : "bot",
        text,
        JSON.stringify(meta),
        `evidence-${tag}:${i}`,
        inbound ? "handled" : "sent",
        "opening_hours",
        age,
      ],
    );
    messageIds.push(r.rows[0]!.id);
  }
  return { conversationId, patronId, messageIds };
}
