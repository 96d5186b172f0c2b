/**
 * Pure routing: an inbound message → which answer handles it, and in which language.
 * Commands first, then free-text intents; anything else gets a helpful "not understood".
 */
import type { Language, MessageKind } from "../shared/envelope";
import type { AnswerName } from "./answers";
import { MAX_QUESTION_CHARS } from "./answers/fallbacks";
import { matchIntent, parseCommand, type IntentName } from "./intents";

export interface RouteInput {
  kind: MessageKind;
  text: string | null;
  meta: Record<string, unknown>;
}

export interface Route {
  answer: AnswerName;
  args: string;
  /** the language the message itself was in, when that is clear */
  lang?: Language;
}

const COMMANDS: Record<string, { answer: AnswerName; lang?: Language }> = {
  start: { answer: "start" },
  bantuan: { answer: "help", lang: "id" },
  help: { answer: "help", lang: "en" },
  menu: { answer: "help" },
  jam: { answer: "hours", lang: "id" },
  hours: { answer: "hours", lang: "en" },
  bahasa: { answer: "language", lang: "id" },
  language: { answer: "language", lang: "en" },
  pustakawan: { answer: "librarian", lang: "id" },
  librarian: { answer: "librarian", lang: "en" },
  tautkan: { answer: "link", lang: "id" },
  link: { answer: "link", lang: "en" },
  lepas: { answer: "unlink", lang: "id" },
  unlink: { answer: "unlink", lang: "en" },
  pinjaman: { answer: "loans", lang: "id" },
  loans: { answer: "loans", lang: "en" },
  denda: { answer: "fines", lang: "id" },
  fines: { answer: "fines", lang: "en" },
  perpanjang: { answer: "renew", lang: "id" },
  renew: { answer: "renew", lang: "en" },
  // Ending a librarian chat is the handoff's; with the bot, the patron is told where they are.
  selesai: { answer: "not_with_librarian", lang: "id" },
  done: { answer: "not_with_librarian", lang: "en" },
  batal: { answer: "cancel", lang: "id" },
  cancel: { answer: "cancel", lang: "en" },
};

/** Which answer owns a pending dialog step: the patron's next message goes back to it. */
const DIALOG_OWNERS: Record<string, AnswerName> = {
  link_contact: "link",
  link_member_id: "link",
  link_password: "link",
  renew_pick: "renew",
  renew_confirm: "renew",
};

export function dialogOwner(dialog: Record<string, unknown>): AnswerName | undefined {
  return typeof dialog.step === "string" ? DIALOG_OWNERS[dialog.step] : undefined;
}

const INTENT_ANSWERS: Record<IntentName, AnswerName> = {
  greeting: "greeting",
  help: "help",
  hours: "hours",
  language: "language",
  librarian: "librarian",
  thanks: "thanks",
  loans: "loans",
  fines: "fines",
  renew: "renew",
  link: "link",
  unlink: "unlink",
};

/**
 * While a dialog is pending (the bot asked for a member ID, a password, a choice), the next
 * plain message goes to the answer that asked; a command always wins and ends the dialog.
 */
export function route(input: RouteInput, dialog: Record<string, unknown> = {}): Route {
  if (input.kind === "member_update" || input.meta.notAMessage === true)
    return { answer: "silent", args: "" };
  if (input.kind === "edited") return { answer: "edited", args: "" };
  if (input.kind === "contact") return { answer: "link", args: "" };
  if (input.kind !== "text" && input.kind !== "callback") return { answer: "non_text", args: "" };
  const text = (input.text ?? "").trim();
  if (text.length > MAX_QUESTION_CHARS) return { answer: "too_long", args: "" };
  const command = parseCommand(text);
  if (command) {
    const known = COMMANDS[command.name];
    if (!known) return { answer: "unknown", args: command.args };
    return { answer: known.answer, args: command.args, ...(known.lang ? { lang: known.lang } : {}) };
  }
  const owner = dialogOwner(dialog);
  const intent = matchIntent(text);
  // A password is never read as a question; other steps yield to a clear question ("jam buka?").
  if (owner && (dialog.secret === true || !intent)) return { answer: owner, args: "" };
  if (intent)
    return { answer: INTENT_ANSWERS[intent.intent], args: "", ...(intent.lang ? { lang: intent.lang } : {}) };
  return { answer: "unknown", args: "" };
}

/**
 * The reply language: what the patron chose, else what the channel says their client uses.
 * The wording of one message does not switch languages by itself — a stray "ok thanks" from an
 * Indonesian patron should not flip the bot to English — except for unambiguous English
 * commands or phrases from a patron who never chose (a typed "/help" or "what are your hours").
 */
export function replyLanguage(chosen: Language | null, languageCode: unknown, routed?: Language): Language {
  if (chosen) return chosen;
  if (typeof languageCode === "string" && languageCode.toLowerCase().startsWith("en")) return "en";
  return routed === "en" ? "en" : "id";
}
