/**
 * The handoff from the bot to a librarian (a state machine on the conversation):
 *
 *   bot ──(/pustakawan, "talk to a human", or not understood twice in a row)──► waiting
 *   waiting ──(a librarian claims it in the console)──► assigned
 *   waiting | assigned ──(/selesai, /done, or the librarian closes it)──► closed
 *
 * While waiting or assigned the bot is silent: the patron's messages are handled by "console"
 * (the librarians read them there). Outside service hours the patron is told when the library
 * answers, and the conversation still waits in the queue as a follow-up.
 *
 * `decide` is called by the relay before its commit (the state change is written with the
 * message's handled mark, in one short transaction); `after` tells the console once it committed.
 * Librarian requests are limited per sender (`requestLimit`): the patron is told to wait instead.
 */
import type { ConsoleEventPublisher } from "../shared/console-events";
import type { ConversationState } from "../shared/entities/conversation";
import type { Language } from "../shared/envelope";
import type { Handling } from "../shared/log/handling";
import type { PendingInbound } from "../shared/log/records";
import type { Presence } from "../shared/presence";
import type { HolidayCalendar } from "../shared/time/calendar";
import { openState } from "../shared/time/service-hours";
import type { LibraryProfile } from "./answers/answer";
import type { AnswerName } from "./answers";
import { parseCommand } from "./intents";
import { senderKey, type SenderLimit } from "./sender-limits";
import { handoffTexts } from "../shared/texts";

export type HandoffStep =
  { step: "start"; reason: "asked" | "not_understood" } | { step: "to_console" } | { step: "end" } | null;

const END_COMMANDS = new Set(["selesai", "done"]);

/** Pure: what the handoff does with a message, given the conversation's state and the route. */
export function handoffStep(input: {
  state: ConversationState;
  answer: AnswerName;
  text: string | null;
  unknownStreak: number;
}): HandoffStep {
  if (input.state === "waiting" || input.state === "assigned") {
    const command = parseCommand(input.text ?? "");
    if (command && END_COMMANDS.has(command.name)) return { step: "end" };
    return { step: "to_console" };
  }
  if (input.state === "closed") return null;
  if (input.answer === "librarian") return { step: "start", reason: "asked" };
  if (input.answer === "unknown" && input.unknownStreak >= 1)
    return { step: "start", reason: "not_understood" };
  return null;
}

export interface HandoffOptions {
  /** how many conversations wait for a librarian (the patron is told their place) */
  waiting: { waitingCount(): Promise<number> };
  presence: Presence;
  events: ConsoleEventPublisher;
  library: LibraryProfile;
  /** the library's holidays (SLiMS), when known; failures fall back to the weekly hours */
  holidays?: () => Promise<HolidayCalendar>;
  /** librarian requests per sender (sender-limits.ts); absent: unlimited */
  requestLimit?: SenderLimit;
  now?: () => Date;
}

export class Handoff {
  constructor(private readonly options: HandoffOptions) {}

  /** The handling of `message` when the handoff takes it, else null (the bot answers). */
  async decide(message: PendingInbound, answer: AnswerName, lang: Language): Promise<Handling | null> {
    const step = handoffStep({
      state: message.conversation.state,
      answer,
      text: message.kind === "text" ? message.text : null,
      unknownStreak: message.conversation.unknownStreak,
    });
    if (!step) return null;
    if (step.step === "to_console") return { handledBy: "console", replies: [], unknownStreak: 0 };
    if (step.step === "end")
      return {
        handledBy: "handoff_end",
        replies: [{ text: handoffTexts.ended(lang) }],
        unknownStreak: 0,
        stateChange: { to: "closed", outcome: "patron_ended" },
      };
    // A /pustakawan–/selesai loop would spam the waiting queue (and its sound): limited per sender.
    const verdict = (await this.options.requestLimit?.consume(senderKey(message))) ?? "allowed";
    if (verdict !== "allowed") {
      return {
        handledBy: "handoff_limited",
        replies: [{ text: handoffTexts.tooManyRequests(lang) }],
        unknownStreak: 0,
      };
    }
    const { library } = this.options;
    const holidays = await this.options.holidays?.().catch(() => undefined);
    // When librarians answer: the weekly service hours minus the library system's holidays.
    const open = openState(library.hours, this.options.now?.() ?? new Date(), library.timeZone, holidays);
    let text: string;
    if (!open.open) {
      text = handoffTexts.outsideHours(lang, open.next, open.next?.date);
    } else {
      const [waiting, online] = await Promise.all([
        this.options.waiting.waitingCount(),
        this.options.presence.online().catch(() => []),
      ]);
      text = handoffTexts.queued(lang, waiting + 1, online.length, step.reason === "not_understood");
    }
    return {
      handledBy: "handoff",
      replies: [{ text }],
      unknownStreak: 0,
      stateChange: { to: "waiting", reason: step.reason },
    };
  }

  /** After the relay committed: tell the console what changed. */
  async after(message: PendingInbound, handling: Handling): Promise<void> {
    const { events } = this.options;
    const conversationId = message.conversationId;
    if (handling.stateChange?.to === "waiting")
      await events.publish({ type: "conversation", conversationId, state: "waiting" });
    if (handling.stateChange?.to === "closed")
      await events.publish({ type: "conversation", conversationId, state: "closed" });
    if (handling.handledBy === "console")
      await events.publish({ type: "message", conversationId, messageId: message.id });
  }
}
