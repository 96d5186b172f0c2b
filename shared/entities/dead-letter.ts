import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

// Also the CHECK constraint in migrations/1764600000000-Intake.ts (test/integration/schema.spec.ts compares them).
/** unreadable: the adapter could not make a message of it; refused: the database refused the row, after retries */
export const DEAD_LETTER_REASONS = ["unreadable", "refused"] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * An update that could not be recorded, kept so the rest of intake flows (shared/log/dead-letters.ts
 * writes it; the console lists it). `payload` is the raw update as text, never re-parsed into jsonb.
 */
@Entity({ name: "dead_letter" })
export class DeadLetter {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ type: "text" })
  channel!: string;

  @Column({ name: "channel_key", type: "text", nullable: true })
  channelKey!: string | null;

  @Column({ type: "text" })
  reason!: DeadLetterReason;

  @Column({ type: "text" })
  error!: string;

  @Column({ type: "text" })
  payload!: string;

  @Column({ type: "integer", default: 1 })
  attempts!: number;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
