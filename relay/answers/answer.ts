/**
 * The common shape of an automated answer: one file per answer in this folder. An answer
 * reads the context and returns replies (and, rarely, a preference to store); it does not
 * write the log or send anything itself.
 *
 * Each answer declares itself with `defineAnswer({...})`: its name, its command words, its menu
 * entry, its intent cues with their precedence, and the dialog steps it owns. The router's
 * tables, the help menu and the channel's "/" menu are derived from the list in ./index.ts, so
 * adding an answer is its file plus one line there. Its reply sentences live in shared/texts/
 * (the rule is stated in shared/texts/index.ts).
 */
import type { AuditEntry } from "../../shared/audit";
import type { Sql } from "../../shared/db";
import type {
  Button,
  ChannelName,
  ChatType,
  InboundContact,
  Language,
  MessageKind,
} from "../../shared/envelope";
import type { Handling, Reply } from "../../shared/log/handling";
import type { SecretBox } from "../../shared/secret-box";
import type { WeeklyHours } from "../../shared/time/service-hours";
import type { AttemptLimiter } from "../attempts";
import type { Cue } from "../intents";
import type { LibrarySystem } from "../../shared/library/port";
import type { CalendarReading } from "../../shared/service-calendar-reader";
import type { FaqService } from "../faq/service";

/** Who the library is, as the bot tells patrons: its name, time zone, service hours, contact. */
export interface LibraryProfile {
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
  library: LibraryProfile;
  now: Date;
  /** how many messages before this one, in a row, the bot did not understand */
  unknownStreak: number;
  /** today's date (YYYY-MM-DD) in the library's time zone */
  today: string;
  channel: ChannelName;
  chatId: string;
  /** the kind of chat: a `privateOnly` answer is only ever called with "private" */
  chat: { type: ChatType };
  /** the channel shows buttons (Telegram's inline keyboard); without, they become numbered lines */
  buttons: boolean;
  /** our id of the message being answered */
  messageId: string;
  /** the channel's extras of the message (file ids, coordinates, …), kept for the log */
  meta: Record<string, unknown>;
  /** the channel's id of the patron who sent the message */
  senderId: string;
  /** the channel's id of this message, where the channel gives one (to delete a typed password) */
  channelMessageId?: string;
  /** a shared contact (kind "contact"): its phone, and whether it is the sender's own */
  contact?: InboundContact;
  /** the sender's own number as the channel vouches for it (WhatsApp): finds a member, never proves one */
  senderPhone?: string;
  /** what the patron's channel cannot do (absent: it can): answers word their replies for it */
  channelCannot?: { requestContact?: boolean; deleteMessage?: boolean };
  /** the verified library member the *sender* is linked to, if any (never another group member's) */
  memberId: string | null;
  /** the log row holds the redaction marker: `text` is the marker, the typed text is in the secret box */
  redacted: boolean;
  /** the pending dialog step of the conversation ({} when idle) */
  dialog: Record<string, unknown>;
  services: AnswerServices;
}

/** What answers that reach beyond the conversation may use. */
export interface AnswerServices {
  librarySystem: LibrarySystem;
  secrets: SecretBox;
  attempts: AttemptLimiter;
  renewalPolicy: { allowOverdue: boolean; waiveFines: boolean };
  /** committed at once, outside the answer's transaction (used where a retry must see it) */
  db: Sql;
  /** the service calendar (shared/service-calendar-reader.ts); absent: LIBRARY_HOURS and the library system's holidays */
  calendar?: { current(): Promise<CalendarReading> };
  /** the library's FAQ and the one match index (relay/faq/service.ts); absent: no FAQ */
  faq?: FaqService;
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
  /** see AnswerDefinition.privateOnly (the relay reads the list's own answers, not a test's stand-in) */
  readonly privateOnly?: boolean;
  answer(ctx: AnswerContext): AnswerResult | Promise<AnswerResult>;
}

/** One label per language. */
export interface Labels {
  id: string;
  en: string;
}

/** The command words that reach an answer ("/pinjaman", "/loans"), without the slash. */
export interface AnswerCommands {
  /** the Indonesian word: typing it says the patron writes Indonesian */
  id?: string;
  /** the English word: typing it says the patron writes English */
  en?: string;
  /** more words, each with the language it implies, or null when it implies none ("start", "menu") */
  aliases?: Readonly<Record<string, Language | null>>;
}

/** An answer's place in the help menu and in the channel's "/" menu (one order for both). */
export interface AnswerMenuEntry {
  /** smaller first */
  order: number;
  /** its description in the channel's "/" menu (Telegram's command list) */
  commandList: Labels;
  /** its line in the help menu ("/pinjaman — …"); absent when it is only in the "/" menu */
  help?: Labels;
}

/** Free-text cues for an answer; `precedence` is required with them so it cannot be forgotten. */
export interface AnswerIntent {
  cues: readonly Cue[];
  /** when two intents score the same, the smaller number wins; each must be distinct */
  precedence: number;
  /** messages longer than this many words score half (a greeting inside a question) */
  halfWeightOver?: number;
  /**
   * Small talk ("ok", "sip", "👍"): not a question, so while a dialog step is pending the message
   * goes to the answer that asked (a typed "ok" may be its confirmation), as if no intent matched.
   */
  smallTalk?: true;
}

/** What an answer may know of the list it is part of. */
export interface AnswerList {
  /** the help menu in `lang`, derived from the menu entries of every answer in the list */
  helpMenu(lang: Language): string;
  /** the same menu as buttons (two a row), for channels that show them */
  menuButtons(lang: Language): Button[][];
}

/** An answer with its manifest, as `defineAnswer` takes it. */
export interface AnswerDefinition<N extends string = string> {
  readonly name: N;
  readonly commands?: AnswerCommands;
  readonly menu?: AnswerMenuEntry;
  readonly intent?: AnswerIntent;
  /** the dialog steps it asks (`dialog.step`): the patron's next message comes back to it */
  readonly dialogSteps?: readonly string[];
  /**
   * Member data or a membership action (link, unlink, loans, fines, renewals): the relay runs it
   * only in a private chat; in a group or channel it answers "write to me privately" instead.
   */
  readonly privateOnly?: true;
  answer(ctx: AnswerContext, list: AnswerList): AnswerResult | Promise<AnswerResult>;
}

/** Declares an answer; the literal name is kept, so the list knows every answer's name as a type. */
export function defineAnswer<const N extends string>(definition: AnswerDefinition<N>): AnswerDefinition<N> {
  return definition;
}
