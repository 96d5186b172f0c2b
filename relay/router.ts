/**
 * Pure routing: an inbound message → which answer handles it, and in which language.
 * Commands first, then free-text intents; anything else gets a helpful "not understood".
 * The tables (commands, dialog owners, intents) are derived from the answer list.
 */
import type { ChatType, Language, MessageKind } from "../shared/envelope";
import { ANSWER_REGISTRY, type AnswerName } from "./answers";
import { MAX_QUESTION_CHARS } from "./answers/fallbacks";
import { AnswerListError, type AnswerRegistry } from "./answers/registry";
import { identityIn, identityShape } from "./identity-shape";
import { matchIntent, parseCommand } from "./intents";

export interface RouteInput {
  kind: MessageKind;
  text: string | null;
  meta: Record<string, unknown>;
  /** the sender's member link, when known: an unlinked patron typing a member ID is linking */
  patron?: { memberId: string | null };
  chat?: { type: ChatType };
}

export interface Route<N extends string = AnswerName> {
  answer: N;
  args: string;
  /** the language the message itself was in, when that is clear */
  lang?: Language;
}

/** The answers the router names itself: messages that are not questions, and "not understood". */
const FIXED_ANSWERS = ["silent", "edited", "link", "non_text", "too_long", "unknown"] as const;

export interface Router<N extends string> {
  route(input: RouteInput, dialog?: Record<string, unknown>): Route<N>;
  /** Which answer owns a pending dialog step: the patron's next message goes back to it. */
  dialogOwner(dialog: Record<string, unknown>): N | undefined;
}

/** A router over an answer list's tables (the relay's own list below; tests pass others). */
export function routerFor<N extends string>(registry: AnswerRegistry<N>): Router<N> {
  for (const name of FIXED_ANSWERS)
    if (!Object.hasOwn(registry.answers, name))
      throw new AnswerListError(`the router needs an answer named "${name}"`);
  const fixed = (name: (typeof FIXED_ANSWERS)[number]): Route<N> => ({
    answer: name as string as N,
    args: "",
  });

  function dialogOwner(dialog: Record<string, unknown>): N | undefined {
    return typeof dialog.step === "string" ? registry.dialogOwners.get(dialog.step) : undefined;
  }

  /**
   * While a dialog is pending (the bot asked for a member ID, a password, a choice), the next
   * plain message goes to the answer that asked; a command always wins and ends the dialog.
   */
  function route(input: RouteInput, dialog: Record<string, unknown> = {}): Route<N> {
    if (input.kind === "member_update" || input.meta.notAMessage === true) return fixed("silent");
    if (input.kind === "edited") return fixed("edited");
    if (input.kind === "contact") return fixed("link");
    if (input.kind !== "text" && input.kind !== "callback") return fixed("non_text");
    const text = (input.text ?? "").trim();
    if (text.length > MAX_QUESTION_CHARS) return fixed("too_long");
    const command = parseCommand(text);
    if (command) {
      const known = registry.commands.get(command.name);
      if (!known) return { ...fixed("unknown"), args: command.args };
      return { answer: known.answer, args: command.args, ...(known.lang ? { lang: known.lang } : {}) };
    }
    const owner = dialogOwner(dialog);
    const intent = matchIntent(text, registry.intents);
    // A password is never read as a question; other steps yield to a clear question ("jam buka?"),
    // not to small talk (an "ok" may be the step's answer).
    if (owner && (dialog.secret === true || !intent || intent.smallTalk)) return { answer: owner, args: "" };
    if (intent) return { answer: intent.intent, args: "", ...(intent.lang ? { lang: intent.lang } : {}) };
    // An unlinked patron typing a member ID or a phone number (alone, or "nim saya …") in a
    // private chat is saying who they are: the link dialog takes it (the password step is next).
    if (
      input.patron?.memberId === null &&
      input.chat?.type === "private" &&
      (identityShape(text) ?? identityIn(text))
    )
      return fixed("link");
    return fixed("unknown");
  }

  return { route, dialogOwner };
}

const relayRouter = routerFor(ANSWER_REGISTRY);

/** Which answer of the relay's list owns a pending dialog step. */
export function dialogOwner(dialog: Record<string, unknown>): AnswerName | undefined {
  return relayRouter.dialogOwner(dialog);
}

/** Routes with the relay's answer list (relay/answers/index.ts). */
export function route(input: RouteInput, dialog: Record<string, unknown> = {}): Route {
  return relayRouter.route(input, dialog);
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
