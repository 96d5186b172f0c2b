import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Language } from "../envelope";

/** A person who talks to the library; becomes a verified SLiMS member once linked. */
@Entity({ name: "patron" })
export class Patron {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ name: "display_name", type: "text", default: "" })
  displayName!: string;

  /** null: follow the channel's language hint */
  @Column({ type: "text", nullable: true })
  language!: Language | null;

  @Column({ name: "member_id", type: "text", nullable: true })
  memberId!: string | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
