/**
 * The one writer of "this patron is library member X": the patron's member ID and how their
 * channel identity was verified. Written by the relay (the patron proved it: contact + OPAC
 * password, or member ID + password) and by the console (a librarian vouched), always inside the
 * caller's transaction, beside the audit event that records it.
 */
import type { Sql } from "../db";

export async function linkPatron(
  tx: Sql,
  patronId: number,
  channel: string,
  memberId: string,
  method: string,
): Promise<void> {
  await tx.query(`UPDATE patron SET member_id = $2 WHERE id = $1`, [patronId, memberId]);
  await tx.query(
    `UPDATE channel_identity SET verified_at = now(), verified_method = $3 WHERE patron_id = $1 AND channel = $2`,
    [patronId, channel, method],
  );
}

/** Undo the link on every channel of the patron (/lepas). */
export async function unlinkPatron(tx: Sql, patronId: number): Promise<void> {
  await tx.query(`UPDATE patron SET member_id = NULL WHERE id = $1`, [patronId]);
  await tx.query(
    `UPDATE channel_identity SET verified_at = NULL, verified_method = NULL WHERE patron_id = $1`,
    [patronId],
  );
}
