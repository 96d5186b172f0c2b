import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { ChannelName } from "../envelope";

/** bot → waiting → assigned → closed (the CHECK constraint in migrations/ holds the same list) */
export const CONVERSATION_STATES = ["bot", "waiting", "assigned", "closed"] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

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

  /** when it was handed to the librarians' queue (the queue is ordered by it) */
  @Column({ name: "waiting_since", type: "timestamptz", nullable: true })
  waitingSince!: Date | null;

  /** why it was handed over (asked for a librarian, not understood twice, …) */
  @Column({ name: "handoff_reason", type: "text", nullable: true })
  handoffReason!: string | null;

  @Column({ name: "claimed_at", type: "timestamptz", nullable: true })
  claimedAt!: Date | null;

  /** how a librarian closed it (answered, referred, …) */
  @Column({ type: "text", nullable: true })
  outcome!: string | null;
}
