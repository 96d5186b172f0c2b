/**
 * What every node's librarians see change: a conversation's summary to all staff, a new message
 * or a delivery status to those who have the conversation open, and notices the console writes
 * to the patron ("a librarian joined"). Used by the socket handlers and the event fan-out.
 */
import { randomBytes } from "node:crypto";
import type { MessageLog } from "../../shared/log/message-log";
import type { OutboundDrains } from "../../shared/queues";
import type { ChannelStatusView } from "./channel-status";
import type { Conversations } from "./conversations";
import { ROOM, type ConsoleIo } from "./rooms";

export class Broadcaster {
  constructor(
    private readonly io: ConsoleIo,
    private readonly conversations: Conversations,
    private readonly messageLog: MessageLog,
    private readonly outbound: OutboundDrains,
  ) {}

  async summary(conversationId: number): Promise<void> {
    const summary = await this.conversations.summary(conversationId);
    if (summary) this.io.to(ROOM.staff).emit("conversation:changed", summary);
  }

  /**
   * A new message, then the conversation's summary: both read at once (one round trip's wait,
   * not two), emitted in that order.
   */
  async messageAndSummary(conversationId: number, messageId: string): Promise<void> {
    const [message, summary] = await Promise.all([
      this.conversations.message(messageId),
      this.conversations.summary(conversationId),
    ]);
    if (message) this.io.to(ROOM.conversation(conversationId)).emit("message:new", message);
    if (summary) this.io.to(ROOM.staff).emit("conversation:changed", summary);
  }

  async message(conversationId: number, messageId: string): Promise<void> {
    const message = await this.conversations.message(messageId);
    if (message) this.io.to(ROOM.conversation(conversationId)).emit("message:new", message);
  }

  status(update: { conversationId: number; messageId: string; status: string; error: string | null }): void {
    this.io.to(ROOM.conversation(update.conversationId)).emit("message:status", update);
  }

  delivery(update: { conversationId: number; messageId: string; delivery: string }): void {
    this.io.to(ROOM.conversation(update.conversationId)).emit("message:delivery", update);
  }

  /** A channel's session state, to admins only (a QR code pairs the library's number). */
  channel(status: ChannelStatusView): void {
    this.io.to(ROOM.admins).emit("channel:status", status);
  }

  /** A notice to the patron from the console, queued like any reply; only if the conversation is still in that state. */
  async tellPatron(
    conversationId: number,
    staffId: number,
    text: string,
    onlyIfState: "assigned" | "closed",
  ): Promise<void> {
    const recorded = await this.messageLog.recordStaffMessage({
      conversationId,
      staffId,
      text,
      key: `n${randomBytes(9).toString("base64url")}`,
      author: "system",
      onlyIfState,
    });
    if (!recorded) return;
    await this.outbound.request(recorded.channel, conversationId);
    await this.message(conversationId, recorded.messageId);
  }
}
