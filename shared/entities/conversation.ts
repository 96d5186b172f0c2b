import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { ChannelName } from "../envelope";

export type ConversationState = "bot" | "waiting" | "assigned" | "closed";

/** One chat with a patron on one channel: with the bot, waiting for, or assigned to a librarian. */
@Entity({ name: "conversation" })
export class Conversation {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text" })
  channel!: ChannelName;

  @Column({ name: "chat_id", type: "text" })
  chatId!: string;

  @Column({ name: "patron_id", type: "integer" })
  patronId!: number;

  @Column({ type: "text", default: "bot" })
  state!: ConversationState;

  @Column({ name: "assigned_staff_id", type: "integer", nullable: true })
  assignedStaffId!: number | null;

  /** the last message sequence number handed out in this conversation */
  @Column({ name: "last_seq", type: "integer", default: 0 })
  lastSeq!: number;

  /** how many messages in a row the bot did not understand */
  @Column({ name: "unknown_streak", type: "integer", default: 0 })
  unknownStreak!: number;

  /** the pending dialog step (what the bot asked and waits for); {} when idle */
  @Column({ type: "jsonb", default: {} })
  dialog!: Record<string, unknown>;

  @Column({ name: "opened_at", type: "timestamptz" })
  openedAt!: Date;

  @Column({ name: "last_message_at", type: "timestamptz" })
  lastMessageAt!: Date;

  @Column({ name: "first_human_reply_at", type: "timestamptz", nullable: true })
  firstHumanReplyAt!: Date | null;

  @Column({ name: "closed_at", type: "timestamptz", nullable: true })
  closedAt!: Date | null;
}
