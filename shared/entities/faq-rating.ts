import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** A patron's 👍 (1) or 👎 (-1) on an FAQ answer; one per conversation and version (the last counts). */
@Entity({ name: "faq_rating" })
export class FaqRating {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ name: "entry_id", type: "integer" })
  entryId!: number;

  @Column({ type: "integer" })
  version!: number;

  @Column({ name: "conversation_id", type: "integer" })
  conversationId!: number;

  @Column({ type: "integer" })
  rating!: number;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
