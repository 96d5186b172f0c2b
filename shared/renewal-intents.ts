/**
 * The one writer of `renewal_intent`: a renewal recorded (in PostgreSQL, committed at once)
 * before the library system is written, and advanced after each write, keyed by what asked for
 * it (e.g. "message:123"). A retry of that request reads it and completes the renewal
 * (shared/library/port.ts RenewalJournal; SlimsLibrary.renew).
 */
import type { Sql } from "./db";
import type { RenewalIntent, RenewalJournal } from "./library/port";

export function renewalJournal(sql: Sql, subject: string): RenewalJournal {
  return {
    async load() {
      const { rows } = await sql.query<{
        member_id: string;
        loan_id: number;
        item_code: string;
        renewed_before: number;
        old_due_date: string | null;
        new_due_date: string;
        renewal_date: string;
        renewed_at: string | null;
        fine: number;
        fine_waived: number;
        overdue_days: number;
        stage: RenewalIntent["stage"];
      }>(`SELECT * FROM renewal_intent WHERE subject = $1`, [subject]);
      const r = rows[0];
      if (!r) return null;
      return {
        memberId: r.member_id,
        loanId: r.loan_id,
        itemCode: r.item_code,
        renewedBefore: r.renewed_before,
        oldDueDate: r.old_due_date,
        newDueDate: r.new_due_date,
        renewalDate: r.renewal_date,
        renewedAt: r.renewed_at,
        fine: r.fine,
        fineWaived: r.fine_waived,
        overdueDays: r.overdue_days,
        stage: r.stage,
      };
    },
    async save(i) {
      await sql.query(
        `INSERT INTO renewal_intent (subject, member_id, loan_id, item_code, renewed_before, old_due_date,
                                     new_due_date, renewal_date, fine, fine_waived, overdue_days, stage, renewed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (subject) DO UPDATE SET
           member_id = EXCLUDED.member_id, loan_id = EXCLUDED.loan_id, item_code = EXCLUDED.item_code,
           renewed_before = EXCLUDED.renewed_before, old_due_date = EXCLUDED.old_due_date,
           new_due_date = EXCLUDED.new_due_date, renewal_date = EXCLUDED.renewal_date, fine = EXCLUDED.fine,
           fine_waived = EXCLUDED.fine_waived, overdue_days = EXCLUDED.overdue_days, stage = EXCLUDED.stage,
           renewed_at = EXCLUDED.renewed_at,
           updated_at = now()`,
        [
          subject,
          i.memberId,
          i.loanId,
          i.itemCode,
          i.renewedBefore,
          i.oldDueDate,
          i.newDueDate,
          i.renewalDate,
          i.fine,
          i.fineWaived,
          i.overdueDays,
          i.stage,
          i.renewedAt,
        ],
      );
    },
  };
}
