import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

export const FAQ_STATUSES = ["draft", "published", "retired"] as const;
export type FaqStatus = (typeof FAQ_STATUSES)[number];

/** An FAQ entry: its stable slug, whether patrons get it, and which of its versions is current. */
@Entity({ name: "faq_entry" })
export class FaqEntry {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text" })
  slug!: string;

  @Column({ type: "text", default: "draft" })
  status!: FaqStatus;

  @Column({ type: "integer", default: 1 })
  version!: number;

  @Column({ name: "created_by", type: "integer", nullable: true })
  createdBy!: number | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
