import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { ChannelName } from "../envelope";

/** (channel, the channel's user id) → patron; how and when it was verified. */
@Entity({ name: "channel_identity" })
export class ChannelIdentity {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text" })
  channel!: ChannelName;

  @Column({ name: "external_user_id", type: "text" })
  externalUserId!: string;

  @Column({ name: "patron_id", type: "integer" })
  patronId!: number;

  @Column({ name: "verified_at", type: "timestamptz", nullable: true })
  verifiedAt!: Date | null;

  @Column({ name: "verified_method", type: "text", nullable: true })
  verifiedMethod!: string | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
