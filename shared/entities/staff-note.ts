import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/**
 * A librarian's internal note on a conversation: never sent to the patron, kept with the record
 * (append-only, chained in its conversation's evidence chain: docs/audit.md).
 */
@Entity({ name: "staff_note" })
export class StaffNote {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ name: "conversation_id", type: "integer" })
  conversationId!: number;

  @Column({ name: "staff_id", type: "integer" })
  staffId!: number;

  @Column({ type: "text" })
  text!: string;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  /** retention or a member's erasure erased its text (to ''; anonymise_staff_notes()) */
  @Column({ name: "erased_at", type: "timestamptz", nullable: true })
  erasedAt!: Date | null;
}
