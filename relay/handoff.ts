/**
 * The handoff from the bot to a librarian (a state machine on the conversation):
 *
 *   bot ──(/pustakawan, "talk to a human")──► waiting
 *   waiting ──(a librarian claims it in the console)──► assigned
 *   waiting | assigned ──(/selesai, /done, or the librarian closes it)──► closed
 *
 * Not understood twice in a row does not queue the patron: the bot offers a librarian or the
 * menu (buttons), and says when nobody is online and when they will be; in a group chat only
 * the menu is offered (a group is never handed to librarians by a misunderstanding). Asking
 * while nobody is online is leaving the question: the conversation waits (oldest first in the
 * console's queue) and the patron is told when librarians answer (service hours minus holidays).
 *
 * Waiting is not silence: commands, a pending dialog (a renewal, a password) and the automated
 * answers in `ANSWERED_WHILE_WAITING` are still answered by the bot; other messages go to the
 * librarians, and the first of them is acknowledged with the queue position, later ones only
 * when that acknowledgment would change (position, someone came online, hours ended). While a
 * librarian has the conversation, only commands and a pending dialog reach the bot.
 *
 * `decide` is called by the relay before its commit (the state change is written with the
 * message's handled mark, in one short transaction); `after` tells the console once it committed.
 * Librarian requests are limited per sender (`requestLimit`): the patron is told to wait instead.
 * Docs: docs/conversation.md.
 */
import type { ConsoleEventPublisher } from "../shared/console-events";
import type { AuditEntry } from "../shared/audit";
import type { ConversationState } from "../shared/entities/conversation";
import type { Language } from "../shared/envelope";
import type { Handling } from "../shared/log/handling";
import type { PendingInbound } from "../shared/log/records";
import type { Presence } from "../shared/presence";
import type { HolidayCalendar } from "../shared/time/calendar";
import { openState } from "../shared/time/service-hours";
import { openStateIn } from "../shared/time/service-calendar";
import type { CalendarReading } from "../shared/service-calendar-reader";
import type { LibraryProfile } from "./answers/answer";
import type { AnswerName } from "./answers";
import { parseCommand } from "./intents";
import { senderKey, type SenderLimit } from "./sender-limits";
import { handoffTexts, type LibrariansWhen } from "../shared/texts";

export type HandoffStep =
  | { step: "start"; reason: "asked" }
  /** not understood again: offer a librarian (not in a group) or the menu */
  | { step: "offer" }
  /** a message for the librarians (waiting or assigned) */
  | { step: "to_console" }
  /** asked for a librarian while already waiting: where they are in the queue */
  | { step: "in_queue" }
  | { step: "end" }
  | null;

const END_COMMANDS = new Set(["selesai", "done"]);

/**
 * Free-text questions the bot still answers while the patron waits for a librarian: the
 * automated answers a patron might need meanwhile (their loans, a renewal, the hours). Small
 * talk ("hello? anyone there?") is for the librarians.
 */
export const ANSWERED_WHILE_WAITING: ReadonlySet<AnswerName> = new Set<AnswerName>([
  "loans",
  "fines",
  "renew",
  "hours",
  "howto",
  "link",
  "unlink",
  "language",
]);

/** Pure: what the handoff does with a message, given the conversation's state and the route. */
export function handoffStep(input: {
  state: ConversationState;
  answer: AnswerName;
  text: string | null;
  unknownStreak: number;
  /** the route is the answer that asked the pending dialog step (a renewal choice, a password) */
  ownsDialog?: boolean;
}): HandoffStep {
  const command = parseCommand(input.text ?? "");
  if (input.state === "waiting" || input.state === "assigned") {
    if (command && END_COMMANDS.has(command.name)) return { step: "end" };
    if (input.answer === "librarian")
      return input.state === "waiting" ? { step: "in_queue" } : { step: "to_console" };
    // Addressed to the bot: a command it knows, or the reply to what it asked.
    if (input.answer !== "unknown" && (command || input.ownsDialog)) return null;
    if (input.state === "waiting" && ANSWERED_WHILE_WAITING.has(input.answer)) return null;
    return { step: "to_console" };
  }
  if (input.state === "closed") return null;
  if (input.answer === "librarian") return { step: "start", reason: "asked" };
  if (input.answer === "unknown" && input.unknownStreak >= 1 && !command) return { step: "offer" };
  return null;
}

/** What the patron was last told while waiting; told again only when this changes. */
interface WaitAck {
  position: number;
  online: boolean;
  open: boolean;
}

const WAIT_ACK = "waitAck";

/** Asked while no librarian is online: the question is left for them, first in the queue when they sign in. */
const LEFT_QUESTION = "left_question";

export interface HandoffOptions {
  /** the librarians' queue: how many wait, and a conversation's place in it */
  waiting: {
    waitingCount(reason?: string): Promise<number>;
    waitingPosition(conversationId: number): Promise<number>;
  };
  presence: Presence;
  events: ConsoleEventPublisher;
  library: LibraryProfile;
  /** the library's holidays (SLiMS), when known; failures fall back to the weekly hours */
  holidays?: () => Promise<HolidayCalendar>;
  /** the service calendar (docs/calendar.md): when given, it answers "when", not `library.hours` + `holidays` */
  calendar?: { current(): Promise<CalendarReading> };
  /** librarian requests per sender (sender-limits.ts); absent: unlimited */
  requestLimit?: SenderLimit;
  now?: () => Date;
}

export class Handoff {
  constructor(private readonly options: HandoffOptions) {}

  /** The handling of `message` when the handoff takes it, else null (the bot answers). */
  async decide(
    message: PendingInbound,
    answer: AnswerName,
    lang: Language,
    ownsDialog = false,
  ): Promise<Handling | null> {
    const step = handoffStep({
      state: message.conversation.state,
      answer,
      text: message.kind === "text" || message.kind === "callback" ? message.text : null,
      unknownStreak: message.conversation.unknownStreak,
      ownsDialog,
    });
    if (!step) return null;
    if (step.step === "to_console") return this.toConsole(message, lang);
    if (step.step === "in_queue") return this.acknowledge(message, lang, true);
    if (step.step === "end")
      return {
        handledBy: "handoff_end",
        replies: [{ text: handoffTexts.ended(lang) }],
        unknownStreak: 0,
        dialog: null,
        stateChange: { to: "closed", outcome: "patron_ended" },
        audit: [stateAudit(message, "conversation.close", { outcome: "patron_ended", by: "patron" })],
      };
    if (step.step === "offer") return this.offer(message, lang);
    // A /pustakawan–/selesai loop would spam the waiting queue (and its sound): limited per sender.
    const verdict = (await this.options.requestLimit?.consume(senderKey(message))) ?? "allowed";
    if (verdict !== "allowed") {
      return {
        handledBy: "handoff_limited",
        replies: [{ text: handoffTexts.tooManyRequests(lang) }],
        unknownStreak: 0,
      };
    }
    const [when, online] = await Promise.all([this.when(), this.online()]);
    const reason = online === 0 ? LEFT_QUESTION : step.reason;
    // Its place: left questions come first in the queue (web/console/conversations.ts).
    const ahead = await this.options.waiting.waitingCount(
      reason === LEFT_QUESTION ? LEFT_QUESTION : undefined,
    );
    const text = handoffTexts.queued(lang, ahead + 1, online, when);
    return {
      handledBy: "handoff",
      replies: [{ text, buttons: [[{ text: handoffTexts.backToBotButton(lang), data: endCommand(lang) }]] }],
      unknownStreak: 0,
      dialog: null,
      stateChange: { to: "waiting", reason },
      audit: [stateAudit(message, "conversation.handoff", { reason })],
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
    // The librarians follow everything said in a conversation that is with them, the bot's part too.
    const { state } = message.conversation;
    if (handling.handledBy === "console" || state === "waiting" || state === "assigned")
      await events.publish({ type: "message", conversationId, messageId: message.id });
  }

  /** Not understood again: a librarian (say whether one is there) or the menu, as buttons. */
  private async offer(message: PendingInbound, lang: Language): Promise<Handling> {
    const group = message.chat.type !== "private";
    const [when, online] = group ? [undefined, 0] : await Promise.all([this.when(), this.online()]);
    const buttons = [
      ...(group
        ? []
        : [{ text: handoffTexts.librarianButton(lang), data: lang === "en" ? "/librarian" : "/pustakawan" }]),
      { text: handoffTexts.menuButton(lang), data: lang === "en" ? "/help" : "/bantuan" },
    ];
    return {
      handledBy: "handoff_offer",
      replies: [
        { text: handoffTexts.offer(lang, group ? null : { online, when: when! }), buttons: [buttons] },
      ],
      unknownStreak: message.conversation.unknownStreak + 1,
    };
  }

  /** A message for the librarians: acknowledged the first time, and again only when that would say something new. */
  private async toConsole(message: PendingInbound, lang: Language): Promise<Handling> {
    if (message.conversation.state !== "waiting")
      return { handledBy: "console", replies: [], unknownStreak: 0 };
    return this.acknowledge(message, lang, false);
  }

  private async acknowledge(message: PendingInbound, lang: Language, always: boolean): Promise<Handling> {
    const [when, position, online] = await Promise.all([
      this.when(),
      this.options.waiting.waitingPosition(message.conversationId),
      this.online(),
    ]);
    const now: WaitAck = { position, online: online > 0, open: when.open };
    const dialog = message.conversation.dialog;
    const last = dialog[WAIT_ACK] as Partial<WaitAck> | undefined;
    const changed =
      !last || last.position !== now.position || last.online !== now.online || last.open !== now.open;
    const handledBy = always ? "handoff_in_queue" : "console";
    if (!always && !changed) return { handledBy, replies: [], unknownStreak: 0 };
    // A step the bot asked is over once the patron writes to the librarians instead.
    const kept = typeof dialog.step === "string" ? {} : dialog;
    return {
      handledBy,
      replies: [{ text: handoffTexts.waitingAck(lang, position, online, when) }],
      unknownStreak: 0,
      dialog: { ...kept, [WAIT_ACK]: now },
    };
  }

  private async online(): Promise<number> {
    return (await this.options.presence.online().catch(() => [])).length;
  }

  /** When librarians answer: the service calendar (else the weekly hours minus the library system's holidays). */
  private async when(): Promise<LibrariansWhen> {
    const { library, calendar } = this.options;
    const at = this.options.now?.() ?? new Date();
    const state = calendar
      ? openStateIn((await calendar.current()).calendar, at, library.timeZone)
      : openState(
          library.hours,
          at,
          library.timeZone,
          await this.options.holidays?.().catch(() => undefined),
        );
    return state.open
      ? { open: true, until: state.closesAt }
      : { open: false, next: state.next, ...(state.next?.date ? { date: state.next.date } : {}) };
  }
}

const endCommand = (lang: Language) => (lang === "en" ? "/done" : "/selesai");

/**
 * The audit event of a handoff or a patron's /selesai, in the handling's transaction (so the
 * record of who moved the conversation, and when, is as complete as the console's claim,
 * transfer and close events: issue 13's completeness).
 */
function stateAudit(message: PendingInbound, action: string, detail: Record<string, unknown>): AuditEntry {
  return {
    actorKind: "patron",
    actorId: senderKey(message),
    action,
    subject: `conversation:${message.conversationId}`,
    detail: { ...detail, messageId: message.id },
  };
}
