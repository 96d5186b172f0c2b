import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { ChannelName, MessageKind } from "../envelope";

export type Direction = "in" | "out";
export type Author = "patron" | "bot" | "librarian" | "system";
/** in: received → handled | failed; out: queued → sent | failed */
export type MessageStatus = "received" | "handled" | "failed" | "queued" | "sent";

/**
 * One row of the append-only message log. Written only through shared/message-log.ts (raw
 * SQL on the hot path); this entity is for reading (transcripts, admin, export).
 */
@Entity({ name: "message" })
export class Message {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ name: "conversation_id", type: "integer" })
  conversationId!: number;

  @Column({ type: "integer" })
  seq!: number;

  @Column({ type: "text" })
  direction!: Direction;

  @Column({ type: "text" })
  author!: Author;

  @Column({ name: "author_staff_id", type: "integer", nullable: true })
  authorStaffId!: number | null;

  @Column({ type: "text" })
  kind!: MessageKind;

  @Column({ type: "text", nullable: true })
  text!: string | null;

  @Column({ type: "jsonb", default: {} })
  meta!: Record<string, unknown>;

  @Column({ type: "text" })
  channel!: ChannelName;

  @Column({ name: "channel_key", type: "text" })
  channelKey!: string;

  @Column({ name: "in_reply_to", type: "bigint", nullable: true })
  inReplyTo!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ type: "text" })
  status!: MessageStatus;

  @Column({ name: "status_at", type: "timestamptz" })
  statusAt!: Date;

  @Column({ type: "text", nullable: true })
  error!: string | null;

  @Column({ name: "channel_message_id", type: "text", nullable: true })
  channelMessageId!: string | null;

  /** which automated answer (or librarian action) handled an inbound message / produced a reply */
  @Column({ name: "handled_by", type: "text", nullable: true })
  handledBy!: string | null;
}
