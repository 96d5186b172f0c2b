/**
 * The common shape of an automated answer: one file per answer in this folder. An answer
 * reads the context and returns replies (and, rarely, a preference to store); it does not
 * write the log or send anything itself.
 */
import type { AuditEntry } from "../../shared/audit";
import type { Sql } from "../../shared/db";
import type { ChannelName, InboundContact, Language, MessageKind } from "../../shared/envelope";
import type { Handling, Reply } from "../../shared/message-log";
import type { SecretBox } from "../../shared/secret-box";
import type { WeeklyHours } from "../../shared/service-hours";
import type { AttemptLimiter } from "../attempts";
import type { LibrarySystem } from "../../shared/library/port";

export interface LibraryInfo {
  name: string;
  timeZone: string;
  hours: WeeklyHours;
  /** how to reach the library outside the chat (email, phone), if configured */
  contact?: string;
}

export interface AnswerContext {
  lang: Language;
  /** the message text, trimmed ("" when there is none) */
  text: string;
  /** a command's arguments ("/bahasa en" → "en") */
  args: string;
  kind: MessageKind;
  patronName: string;
  library: LibraryInfo;
  now: Date;
  /** how many messages before this one, in a row, the bot did not understand */
  unknownStreak: number;
  /** today's date (YYYY-MM-DD) in the library's time zone */
  today: string;
  channel: ChannelName;
  chatId: string;
  /** our id of the message being answered */
  messageId: string;
  /** the channel's extras of the message (the channel's message id, file ids, …) */
  meta: Record<string, unknown>;
  /** the channel's id of the patron who sent the message */
  senderId: string;
  /** a shared contact (kind "contact"): its phone, and whether it is the sender's own */
  contact?: InboundContact;
  /** the verified library member this patron is linked to, if any */
  memberId: string | null;
  /** the pending dialog step of the conversation ({} when idle) */
  dialog: Record<string, unknown>;
  services: AnswerServices;
}

/** What answers that reach beyond the conversation may use. */
export interface AnswerServices {
  ils: LibrarySystem;
  secrets: SecretBox;
  attempts: AttemptLimiter;
  renewalPolicy: { allowOverdue: boolean; waiveFines: boolean };
  /** committed at once, outside the answer's transaction (used where a retry must see it) */
  db: Sql;
}

export interface AnswerResult {
  replies: Reply[];
  setLanguage?: Language;
  /** the next dialog step; null ends the dialog; undefined leaves it as it is */
  dialog?: Record<string, unknown> | null;
  link?: Handling["link"];
  audit?: AuditEntry[];
  /** false for "did not understand" (counts toward handing over to a librarian); default true */
  understood?: boolean;
}

export interface Answer {
  readonly name: string;
  answer(ctx: AnswerContext): AnswerResult | Promise<AnswerResult>;
}
