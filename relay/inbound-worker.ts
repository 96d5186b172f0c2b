/**
 * Relay hop: drain a conversation's inbound messages in sequence order — route each to an
 * answer, split replies to the channel's size, and log replies + "handled" in one transaction —
 * then ask the channel's egress to drain the replies.
 *
 * One drain per conversation at a time (queue deduplication; a stalled job re-run meets the log's
 * conditional commit); conversations in parallel up to `concurrency`. No PostgreSQL transaction
 * is open while an answer runs, and an answer has `answerTimeoutMs` in all (SLiMS and Redis calls
 * included). A drain that throws is retried; the message stays pending meanwhile and later
 * messages wait behind it, so order holds. Failures are counted per message (in PostgreSQL,
 * whichever job ran it): after `poisonAfter` failures of its own the message is marked failed,
 * with an apology to the patron, so one bad message cannot stall its conversation for ever.
 * A sender over the per-minute limit is recorded but not answered (one polite notice a window).
 */
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { TEXT_LIMIT, type ChannelName } from "../shared/envelope";
import { rememberOfferedButtons } from "../shared/buttons";
import { errorMessage } from "../shared/errors";
import { once, withTimeout } from "../shared/lifecycle";
import type { Logger } from "../shared/logger";
import type { Handling } from "../shared/log/handling";
import type { MessageLog } from "../shared/log/message-log";
import { hopMetrics } from "../shared/metrics/events";
import type { PendingInbound } from "../shared/log/records";
import { INBOUND_QUEUE, OutboundDrains, type DrainJob, WORKER_LOCKS } from "../shared/queues";
import { splitText } from "./split-text";
import type { Answer, AnswerServices, LibraryProfile } from "./answers/answer";
import { todayIn } from "../shared/time/zone";
import { ANSWERS, type AnswerName } from "./answers";
import { handoffStep, type Handoff } from "./handoff";
import { dialogOwner, replyLanguage, route } from "./router";
import { faqRoute } from "./faq/route";
import { senderKey, type SenderLimit } from "./sender-limits";
import { texts } from "../shared/texts";

export interface RelayOptions {
  messageLog: MessageLog;
  redis: Redis;
  prefix: string;
  logger: Logger;
  library: LibraryProfile;
  /** the library system, secrets, attempt limits: what membership answers need */
  services: AnswerServices;
  concurrency: number;
  /** channels that show buttons as a numbered list: the relay remembers what a typed number presses */
  buttonlessChannels?: readonly ChannelName[];
  /** channels without a "share my number" button, and channels that cannot delete a patron's message */
  contactlessChannels?: readonly ChannelName[];
  undeletableChannels?: readonly ChannelName[];
  /** failures of one message before it is given up (default 3) */
  poisonAfter?: number;
  /** how long one answer may take in all, outside calls included (default 20 s) */
  answerTimeoutMs?: number;
  /** messages answered per sender and minute (sender-limits.ts); absent: unlimited */
  messageLimit?: SenderLimit;
  /** the clock (tests pin it) */
  now?: () => Date;
  /** replace automated answers (tests; later, configurable answers) */
  answers?: Partial<Record<AnswerName, Answer>>;
  /** the librarian handoff (relay/handoff.ts): it takes messages of conversations with or waiting for a librarian */
  handoff?: Handoff;
  /** test hook: called before a message is answered; throwing simulates a crash mid-job */
  beforeHandle?: (message: PendingInbound) => void | Promise<void>;
  /** test hook: called after answering, before the commit (throwing writes nothing) */
  afterHandle?: (message: PendingInbound, handling: Handling) => void | Promise<void>;
}

export class InboundWorker {
  private worker: Worker<DrainJob> | undefined;
  private readonly outbound: OutboundDrains;

  constructor(private readonly options: RelayOptions) {
    this.outbound = new OutboundDrains(options.redis, options.prefix);
  }

  get ready(): boolean {
    return !!this.worker?.isRunning();
  }

  async start(): Promise<void> {
    this.worker = new Worker<DrainJob>(INBOUND_QUEUE, (job) => this.drain(job), {
      connection: this.options.redis,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
      ...WORKER_LOCKS,
    });
    this.worker.on("failed", (job, err) =>
      this.options.logger.warn(
        { conversationId: job?.data.conversationId, attempt: job?.attemptsMade, err: err.message },
        "relay drain failed",
      ),
    );
    this.worker.on("error", (err) => this.options.logger.error({ err: err.message }, "relay worker error"));
    hopMetrics.watchWorker(this.worker, INBOUND_QUEUE);
    await this.worker.waitUntilReady();
  }

  readonly close = once(async () => {
    await this.worker?.close();
    await this.outbound.close();
  });

  private async drain(job: Job<DrainJob>): Promise<number> {
    const { conversationId } = job.data;
    const channels = new Set<ChannelName>();
    let handled = 0;
    // The next pending message, as the last commit read it (handled-commit.ts): not read again.
    let carried: PendingInbound | undefined;
    for (;;) {
      // The message being answered, so a failure is counted against it (not against the job).
      const seen: { message?: PendingInbound } = {};
      let result;
      const next = carried;
      carried = undefined;
      try {
        result = await this.options.messageLog.handleNextInbound(
          conversationId,
          async (m) => {
            seen.message = m;
            const answered = await withTimeout(
              this.handle(m),
              this.options.answerTimeoutMs ?? 20_000,
              `answering message ${m.id}`,
            );
            const handling = this.options.buttonlessChannels?.includes(m.channel)
              ? rememberOfferedButtons(answered, m.conversation.dialog)
              : answered;
            await this.options.afterHandle?.(m, handling);
            return handling;
          },
          next,
        );
      } catch (err) {
        // Reading the message failed (the database): not the message's fault, retry the job.
        if (!seen.message) throw err;
        result = await this.failed(seen.message, err, job.attemptsMade);
      }
      if (!result) break;
      // Another drain of this conversation (a stalled job re-run) committed this message first.
      if (!result.committed) continue;
      carried = result.next;
      handled++;
      this.log(result.message, result.handling.handledBy);
      await this.options.handoff?.after(result.message, result.handling);
      if (result.handling.replies.length) channels.add(result.message.channel);
      // The commit saw nothing else pending: a later message requests its own follow-up drain.
      if (!result.more) break;
    }
    for (const channel of channels) await this.outbound.request(channel, conversationId);
    return handled;
  }

  /** Counted, and one debug line under the message's correlation id (its row id, as ingress logged it). */
  private log(message: PendingInbound, handledBy: string): void {
    hopMetrics.handled(message.channel, handledBy);
    this.options.logger.debug(
      { correlationId: message.id, conversationId: message.conversationId, handledBy },
      "relay: handled",
    );
  }

  /** Count a failure of `message`; rethrow (retry) until it has failed `poisonAfter` times, then give up. */
  private async failed(message: PendingInbound, err: unknown, attempt: number) {
    const failures = await this.options.messageLog.countInboundFailure(message.id, errorMessage(err));
    if (failures < (this.options.poisonAfter ?? 3)) throw err;
    this.options.logger.error(
      {
        conversationId: message.conversationId,
        correlationId: message.id,
        failures,
        attempt,
        err: errorMessage(err),
      },
      "relay: giving up on a message",
    );
    return this.options.messageLog.handleNextInbound(message.conversationId, async (m) => {
      if (m.id !== message.id) throw new Error(`message ${message.id} is no longer the next pending one`);
      return {
        handledBy: "error",
        failed: errorMessage(err),
        replies: [{ text: texts.failed(this.language(m)) }],
        unknownStreak: m.conversation.unknownStreak,
      };
    });
  }

  private async handle(message: PendingInbound): Promise<Handling> {
    await this.options.beforeHandle?.(message);
    const dialog = message.conversation.dialog;
    // What no built-in cue understood, the FAQ's matcher reads (relay/faq/route.ts) — not while a
    // librarian has the conversation: then free text goes to them whatever it matches (handoff.ts).
    const faq = message.conversation.state === "assigned" ? undefined : this.options.services.faq;
    const routed = faq
      ? await faqRoute(route(message, dialog), message, faq, ANSWERS)
      : route(message, dialog);
    const owner = dialogOwner(dialog);
    const flooded = await this.overLimit(message, routed.answer, owner === routed.answer);
    if (flooded) return flooded;
    const lang = replyLanguage(message.patron.language, message.meta.languageCode, routed.lang);
    const handedOff = await this.options.handoff?.decide(
      message,
      routed.answer,
      lang,
      owner === routed.answer,
    );
    // Handing over ends any pending dialog (a password step would otherwise redact the chat),
    // unless the handoff says what the dialog becomes.
    if (handedOff) {
      if (handedOff.dialog !== undefined) return handedOff;
      return owner ? { ...handedOff, dialog: null } : handedOff;
    }
    // Member data and membership actions only in a private chat (the answer's manifest says which).
    if (ANSWERS[routed.answer].privateOnly && message.chat.type !== "private") {
      return {
        handledBy: "private_only",
        replies: [{ text: texts.privateOnly(lang) }],
        unknownStreak: 0,
        ...(dialogOwner(dialog) ? { dialog: null } : {}),
      };
    }
    const answer = this.options.answers?.[routed.answer] ?? ANSWERS[routed.answer];
    const now = this.options.now?.() ?? new Date();
    const result = await answer.answer({
      lang,
      text: (message.text ?? "").trim(),
      args: routed.args,
      kind: message.kind,
      patronName: message.patron.displayName || texts.anonymousPatron(lang),
      library: this.options.library,
      now,
      unknownStreak: message.conversation.unknownStreak,
      today: todayIn(this.options.library.timeZone, now),
      channel: message.channel,
      chatId: message.chatId,
      chat: message.chat,
      buttons: !this.options.buttonlessChannels?.includes(message.channel),
      messageId: message.id,
      meta: message.meta,
      senderId: message.senderId,
      ...(message.channelMessageId ? { channelMessageId: message.channelMessageId } : {}),
      ...(message.contact ? { contact: message.contact } : {}),
      ...(message.senderPhone ? { senderPhone: message.senderPhone } : {}),
      channelCannot: {
        requestContact: this.options.contactlessChannels?.includes(message.channel) ?? false,
        deleteMessage: this.options.undeletableChannels?.includes(message.channel) ?? false,
      },
      memberId: message.patron.memberId,
      redacted: message.redacted,
      dialog,
      services: this.options.services,
    });
    // Asking something else leaves a pending dialog behind (and a password step with it); an edit
    // or a status update asks nothing, so the step stays (the password typed next stays a secret).
    const leftDialog =
      dialogOwner(dialog) !== undefined &&
      dialogOwner(dialog) !== routed.answer &&
      routed.answer !== "edited" &&
      routed.answer !== "silent";
    const nextDialog = result.dialog !== undefined ? result.dialog : leftDialog ? null : undefined;
    const limit = TEXT_LIMIT[message.channel];
    return {
      handledBy: answer.name,
      replies: result.replies.flatMap((reply) =>
        reply.kind === "delete"
          ? [reply]
          : splitText(reply.text, limit).map((text, i, parts) => {
              const last = i === parts.length - 1;
              // Buttons and keyboards go with the last part, under the text they belong to.
              return last ? { ...reply, text } : { text, ...(reply.meta ? { meta: reply.meta } : {}) };
            }),
      ),
      unknownStreak: result.understood === false ? message.conversation.unknownStreak + 1 : 0,
      ...(result.setLanguage ? { setLanguage: result.setLanguage } : {}),
      ...(nextDialog !== undefined ? { dialog: nextDialog } : {}),
      ...(result.link ? { link: result.link } : {}),
      ...(result.audit ? { audit: result.audit } : {}),
    };
  }

  /**
   * A sender over the per-minute limit: recorded and marked handled, not answered — one polite
   * notice per window. Messages to a librarian (waiting/assigned, and not for the bot) are never
   * limited here: the librarian reads them. What the bot answers while waiting (a command) is.
   */
  private async overLimit(
    message: PendingInbound,
    answer: AnswerName,
    ownsDialog: boolean,
  ): Promise<Handling | null> {
    if (!this.options.messageLimit) return null;
    const { state, unknownStreak } = message.conversation;
    const text = message.kind === "text" || message.kind === "callback" ? message.text : null;
    const step = handoffStep({ state, answer, text, unknownStreak, ownsDialog });
    if (step?.step === "to_console" || step?.step === "end") return null;
    const verdict = await this.options.messageLimit.consume(senderKey(message));
    if (verdict === "allowed") return null;
    this.options.logger.info(
      { conversationId: message.conversationId, messageId: message.id, verdict },
      "relay: sender over the message limit",
    );
    return {
      handledBy: "rate_limited",
      replies: verdict === "first_refusal" ? [{ text: texts.slowDown(this.language(message)) }] : [],
      unknownStreak: message.conversation.unknownStreak,
    };
  }

  private language(m: PendingInbound) {
    return replyLanguage(m.patron.language, m.meta.languageCode);
  }
}
