import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export const ACTOR_KINDS = ["patron", "staff", "system"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Who did what to which record: links, logins, claims, renewals, exports. Append-only. */
@Entity({ name: "audit_event" })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ type: "timestamptz" })
  at!: Date;

  @Column({ name: "actor_kind", type: "text" })
  actorKind!: ActorKind;

  @Column({ name: "actor_id", type: "text", nullable: true })
  actorId!: string | null;

  @Column({ type: "text" })
  action!: string;

  @Column({ type: "text", nullable: true })
  subject!: string | null;

  @Column({ type: "jsonb", default: {} })
  detail!: Record<string, unknown>;
}
