import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** A reply librarians reuse ("Our e-journals are at …"), managed by admins. */
@Entity({ name: "canned_reply" })
export class CannedReply {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text" })
  title!: string;

  @Column({ type: "text" })
  text!: string;

  @Column({ name: "created_by", type: "integer", nullable: true })
  createdBy!: number | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
