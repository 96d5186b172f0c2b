/** What the message log hands back to each hop: recorded, pending and queued messages. */
import type {
  Button,
  ChannelName,
  ChatType,
  InboundContact,
  Language,
  MessageKind,
  OutboundAttachment,
} from "../envelope";
import type { ConversationState } from "../entities/conversation";

export interface RecordedInbound {
  messageId: string;
  conversationId: number;
  seq: number;
  /** true when this message was already in the log (a redelivery) */
  duplicate: boolean;
  /** true when the text was a secret (the bot had asked for a password): the log holds a marker */
  redacted: boolean;
}

export interface PendingInbound {
  id: string;
  conversationId: number;
  seq: number;
  kind: MessageKind;
  text: string | null;
  meta: Record<string, unknown>;
  channel: ChannelName;
  chatId: string;
  /** the kind of chat it was written in (meta.chat as the ingress wrote it): member data only in "private" */
  chat: { type: ChatType };
  /** the channel's id of the sender (meta.senderId as the ingress wrote it) */
  senderId: string;
  /** the log row holds the redaction marker, not the text (the text waits in the secret box) */
  redacted: boolean;
  /**
   * Not redacted, but a secret all the same: the password step is pending now that it is handled
   * (it arrived before the step was committed), or it edits a message redacted since. The log
   * redacts the row in the handling transaction.
   */
  redactWhenHandled: boolean;
  /** the channel's id of the message (where the channel gives one): the bot may delete it */
  channelMessageId?: string;
  /** a shared contact (meta.contact as the ingress wrote it) */
  contact?: InboundContact;
  /** the sender's own number as the channel vouches for it (meta.senderPhone; WhatsApp) */
  senderPhone?: string;
  conversation: {
    state: ConversationState;
    unknownStreak: number;
    patronId: number;
    /** the pending dialog step ({} when idle) */
    dialog: Record<string, unknown>;
  };
  /**
   * The patron who *sent* this message (their channel identity), never the conversation's
   * first writer: in a group chat those differ, and a member link belongs to a person.
   */
  patron: { id: number; language: Language | null; displayName: string; memberId: string | null };
}

export interface RecordedStaffMessage {
  messageId: string;
  seq: number;
  channel: ChannelName;
}

export interface QueuedOutbound {
  id: string;
  seq: number;
  channel: ChannelName;
  chatId: string;
  kind: "text" | "delete";
  text: string;
  buttons?: Button[][];
  requestContact?: string;
  removeKeyboard?: boolean;
  /** for "delete": the channel's id of the message to delete */
  target?: string;
  /** a file to send with it (meta.attachment; egress loads the bytes) */
  attachment?: Omit<OutboundAttachment, "bytes">;
  /** transient send failures so far (egress gives up at its cap) */
  sendAttempts: number;
  /** the inbound message it answers (in_reply_to): the correlation id in egress's logs */
  inReplyTo?: string;
  /**
   * When that message was recorded, as a time on this process's clock (Date.now() units): its age
   * read from the database's clock at the claim, so clocks of different machines never meet.
   * The end-to-end latency histogram (shared/metrics/events.ts) is observed from it when sent.
   */
  askedAt?: number;
}
