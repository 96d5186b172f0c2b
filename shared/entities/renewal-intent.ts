import { Column, Entity, PrimaryColumn } from "typeorm";

export const RENEWAL_STAGES = ["planned", "loan_updated", "fine_written", "done"] as const;
export type RenewalStage = (typeof RENEWAL_STAGES)[number];

/**
 * A renewal written to the library system in steps (loan, then fine, then log), recorded before
 * the first write and advanced after each, so a retry completes it instead of losing the fine.
 * `subject` is what asked for it (e.g. "message:123"): one renewal per confirming message.
 */
@Entity({ name: "renewal_intent" })
export class RenewalIntent {
  @PrimaryColumn({ type: "text" })
  subject!: string;

  @Column({ name: "member_id", type: "text" })
  memberId!: string;

  @Column({ name: "loan_id", type: "integer" })
  loanId!: number;

  @Column({ name: "item_code", type: "text" })
  itemCode!: string;

  @Column({ name: "renewed_before", type: "integer" })
  renewedBefore!: number;

  @Column({ name: "old_due_date", type: "text", nullable: true })
  oldDueDate!: string | null;

  @Column({ name: "new_due_date", type: "text" })
  newDueDate!: string;

  @Column({ name: "renewal_date", type: "text" })
  renewalDate!: string;

  /** the renewal's moment on the library's wall clock (YYYY-MM-DD HH:MM:SS); null on older rows */
  @Column({ name: "renewed_at", type: "text", nullable: true })
  renewedAt!: string | null;

  @Column({ type: "integer" })
  fine!: number;

  @Column({ name: "fine_waived", type: "integer" })
  fineWaived!: number;

  @Column({ name: "overdue_days", type: "integer" })
  overdueDays!: number;

  @Column({ type: "text" })
  stage!: RenewalStage;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
