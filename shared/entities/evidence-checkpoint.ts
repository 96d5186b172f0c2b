import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** A seal over the head of every evidence chain (docs/audit.md). Append-only. */
@Entity({ name: "evidence_checkpoint" })
export class EvidenceCheckpoint {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ type: "timestamptz" })
  at!: Date;

  /** the heads sealed are those of the evidence rows up to this id */
  @Column({ name: "upto_evidence_id", type: "bigint" })
  uptoEvidenceId!: string;

  @Column({ type: "integer" })
  heads!: number;

  @Column({ name: "heads_root", type: "text" })
  headsRoot!: string;

  @Column({ name: "prev_hash", type: "text" })
  prevHash!: string;

  @Column({ name: "checkpoint_hash", type: "text" })
  checkpointHash!: string;

  /** HMAC-SHA256 of checkpoint_hash with AUDIT_CHECKPOINT_KEY, when one is configured */
  @Column({ type: "text", nullable: true })
  hmac!: string | null;

  /** per source: every row with an id up to this is chained (where the chainer looks from) */
  @Column({ type: "jsonb", default: {} })
  floors!: Record<string, string>;
}
