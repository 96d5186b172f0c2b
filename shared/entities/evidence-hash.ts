import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// Also the CHECK constraint in migrations/1765200000000-EvidenceNotesMedia.ts (test/integration/schema.spec.ts compares them).
export const EVIDENCE_SOURCES = ["message", "audit_event", "staff_note", "media"] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

/**
 * One link of a hash chain over an evidence row (docs/audit.md). Written only by
 * shared/evidence/chainer.ts; append-only except that retention may erase `contentSalt`.
 */
@Entity({ name: "evidence_hash" })
export class EvidenceHash {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ type: "text" })
  source!: EvidenceSource;

  @Column({ name: "row_id", type: "bigint" })
  rowId!: string;

  /** `c:<conversation id>` for messages and notes, `audit` for audit events, `media` for files */
  @Column({ type: "text" })
  chain!: string;

  @Column({ type: "integer" })
  seq!: number;

  @Column({ name: "prev_hash", type: "text" })
  prevHash!: string;

  /** the source row's immutable fields as chained (no text: that is behind the commitment) */
  @Column({ type: "jsonb" })
  fields!: Record<string, unknown>;

  @Column({ name: "content_salt", type: "bytea", nullable: true })
  contentSalt!: Buffer | null;

  @Column({ name: "content_commitment", type: "text" })
  contentCommitment!: string;

  @Column({ name: "row_hash", type: "text" })
  rowHash!: string;

  @Column({ name: "chained_at", type: "timestamptz" })
  chainedAt!: Date;
}
