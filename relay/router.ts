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
};

const INTENT_ANSWERS: Record<IntentName, AnswerName> = {
  greeting: "greeting",
  help: "help",
  hours: "hours",
  language: "language",
  librarian: "librarian",
  thanks: "thanks",
};

export function route(input: RouteInput): Route {
  if (input.kind === "member_update" || input.meta.notAMessage === true)
    return { answer: "silent", args: "" };
  if (input.kind === "edited") return { answer: "edited", args: "" };
  if (input.kind !== "text" && input.kind !== "callback") return { answer: "non_text", args: "" };
  const text = (input.text ?? "").trim();
  if (text.length > MAX_QUESTION_CHARS) return { answer: "too_long", args: "" };
  const command = parseCommand(text);
  if (command) {
    const known = COMMANDS[command.name];
    if (!known) return { answer: "unknown", args: command.args };
    return { answer: known.answer, args: command.args, ...(known.lang ? { lang: known.lang } : {}) };
  }
  const intent = matchIntent(text);
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
