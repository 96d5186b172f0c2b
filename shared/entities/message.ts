import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { ChannelName, Delivery, MessageKind } from "../envelope";

// The value lists below are also the CHECK constraints in migrations/ (test/integration/schema.spec.ts compares them).
export const DIRECTIONS = ["in", "out"] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const AUTHORS = ["patron", "bot", "librarian", "system"] as const;
export type Author = (typeof AUTHORS)[number];
/** in: received → handled | failed; out: queued → sent | failed */
export const MESSAGE_STATUSES = ["received", "handled", "failed", "queued", "sent"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * One row of the append-only message log. Written only through shared/log/  (raw
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

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
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

  /** egress: when a run claimed this reply for sending (two runs never send it twice); null when unclaimed */
  @Column({ name: "send_claimed_at", type: "timestamptz", nullable: true })
  sendClaimedAt!: Date | null;

  /** egress: transient send failures so far; at the cap the reply is failed */
  @Column({ name: "send_attempts", type: "integer", default: 0 })
  sendAttempts!: number;

  /** how far a sent reply got, as the channel acknowledged it (WhatsApp); only ever raised */
  @Column({ type: "text", nullable: true })
  delivery!: Delivery | null;

  @Column({ name: "delivery_at", type: "timestamptz", nullable: true })
  deliveryAt!: Date | null;
}
