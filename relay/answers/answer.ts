/**
 * The common shape of an automated answer: one file per answer in this folder. An answer
 * reads the context and returns replies (and, rarely, a preference to store); it does not
 * write the log or send anything itself.
 */
import type { Language, MessageKind } from "../../shared/envelope";
import type { Reply } from "../../shared/message-log";
import type { WeeklyHours } from "../../shared/service-hours";

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
}

export interface AnswerResult {
  replies: Reply[];
  setLanguage?: Language;
  /** false for "did not understand" (counts toward handing over to a librarian); default true */
  understood?: boolean;
}

export interface Answer {
  readonly name: string;
  answer(ctx: AnswerContext): AnswerResult | Promise<AnswerResult>;
}
