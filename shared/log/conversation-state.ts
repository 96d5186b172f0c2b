/**
 * The one writer of a conversation's handoff state (bot → waiting → assigned → closed; the
 * diagram is in relay/handoff.ts). The relay moves it inside its log transaction (the patron
 * asked for a librarian, or ended the chat); the console moves it when a librarian claims,
 * transfers or closes. Every change is a conditional UPDATE on the state it expects, so two
 * racing changes cannot both apply: the caller learns from the boolean whether its change won.
 */
import type { Sql } from "../db";

/** bot → waiting (the patron asked for a librarian, or was not understood twice). */
export async function startWaiting(sql: Sql, conversationId: number, reason: string): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE conversation SET state = 'waiting', waiting_since = now(), handoff_reason = $2
     WHERE id = $1 AND state = 'bot'`,
    [conversationId, reason],
  );
  return rowCount === 1;
}

/** waiting | assigned → closed by the patron (/selesai). */
export async function closeByPatron(sql: Sql, conversationId: number, outcome: string): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE conversation SET state = 'closed', closed_at = now(), outcome = $2
     WHERE id = $1 AND state IN ('waiting', 'assigned')`,
    [conversationId, outcome],
  );
  return rowCount === 1;
}

/** waiting → assigned to `staffId`; exactly one of several racing claims wins. */
export async function claim(sql: Sql, conversationId: number, staffId: number): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE conversation SET state = 'assigned', assigned_staff_id = $2, claimed_at = now()
     WHERE id = $1 AND state = 'waiting'`,
    [conversationId, staffId],
  );
  return rowCount === 1;
}

/**
 * assigned to `fromStaffId` (anyone's when null: an admin) → assigned to `toStaffId`, who must
 * be an active librarian or admin.
 */
export async function transfer(
  sql: Sql,
  conversationId: number,
  fromStaffId: number | null,
  toStaffId: number,
): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE conversation c SET assigned_staff_id = $3, claimed_at = now()
     WHERE c.id = $1 AND c.state = 'assigned' AND ($2::int IS NULL OR c.assigned_staff_id = $2)
       AND EXISTS (SELECT 1 FROM staff_user s WHERE s.id = $3 AND s.active AND s.role IN ('librarian', 'admin'))`,
    [conversationId, fromStaffId, toStaffId],
  );
  return rowCount === 1;
}

/** waiting, or assigned (to `staffId`; anyone's when null) → closed by a librarian, with an outcome tag. */
export async function closeByStaff(
  sql: Sql,
  conversationId: number,
  staffId: number | null,
  outcome: string | null,
): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE conversation SET state = 'closed', closed_at = now(), outcome = $3
     WHERE id = $1 AND (state = 'waiting' OR (state = 'assigned' AND ($2::int IS NULL OR assigned_staff_id = $2)))`,
    [conversationId, staffId, outcome],
  );
  return rowCount === 1;
}
