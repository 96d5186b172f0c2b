import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** A librarian's internal note on a conversation: never sent to the patron, kept with the record. */
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
}
