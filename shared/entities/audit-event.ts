import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** Who did what to which record: links, logins, claims, renewals, exports. Append-only. */
@Entity({ name: "audit_event" })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ type: "timestamptz" })
  at!: Date;

  @Column({ name: "actor_kind", type: "text" })
  actorKind!: "patron" | "staff" | "system";

  @Column({ name: "actor_id", type: "text", nullable: true })
  actorId!: string | null;

  @Column({ type: "text" })
  action!: string;

  @Column({ type: "text", nullable: true })
  subject!: string | null;

  @Column({ type: "jsonb", default: {} })
  detail!: Record<string, unknown>;
}
