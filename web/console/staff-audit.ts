/** The audit event of a librarian's or admin's action in the console (claim, transfer, close, canned replies). */
import { recordAudit } from "../../shared/audit";
import type { Sql } from "../../shared/db";

export async function auditStaffAction(
  sql: Sql,
  staffId: number,
  action: string,
  conversationId: number | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(sql, [
    {
      actorKind: "staff",
      actorId: String(staffId),
      action,
      subject: conversationId === null ? null : `conversation:${conversationId}`,
      detail,
    },
  ]);
}
