/**
 * How many times the relay failed on one inbound message, counted per message (not per queue
 * job): a message is given up after N failures of its own, whichever jobs or processes ran it.
 * Its own table because `message` is append-only (docs/message-path.md §3).
 */
import type { Sql } from "../db";

/** Count one more failure of `messageId`; returns the count including this one. */
export async function countInboundFailure(sql: Sql, messageId: string, error: string): Promise<number> {
  const { rows } = await sql.query<{ failures: number }>(
    `INSERT INTO inbound_failure (message_id, failures, last_error) VALUES ($1, 1, $2)
     ON CONFLICT (message_id) DO UPDATE
       SET failures = inbound_failure.failures + 1, last_error = EXCLUDED.last_error, updated_at = now()
     RETURNING failures`,
    [messageId, error.slice(0, 2000)],
  );
  return rows[0]!.failures;
}
