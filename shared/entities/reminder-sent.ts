import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * A due-date reminder that was queued: its key (member, loan, due date, kind) is the table's
 * primary key, inserted in the transaction that writes the message, so a reminder is sent once
 * however many relay processes run and however often the job is repeated. A renewal moves the
 * due date, so the next reminder has a new key. `kind` is `before:<days>` or `overdue`.
 */
@Entity({ name: "reminder_sent" })
export class ReminderSent {
  @PrimaryColumn({ name: "member_id", type: "text" })
  memberId!: string;

  @PrimaryColumn({ name: "loan_id", type: "integer" })
  loanId!: number;

  @PrimaryColumn({ name: "due_date", type: "text" })
  dueDate!: string;

  @PrimaryColumn({ type: "text" })
  kind!: string;

  @Column({ name: "patron_id", type: "integer" })
  patronId!: number;

  /** the reminder's message, set in the same transaction (null only inside it) */
  @Column({ name: "message_id", type: "bigint", nullable: true })
  messageId!: string | null;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
