/**
 * Relay hop: drain a conversation's inbound messages in sequence order — route each to an
 * answer, split replies to the channel's size, and log replies + "handled" in one transaction —
 * then ask the channel's egress to drain the replies.
 *
 * One drain per conversation at a time (queue deduplication, plus a transaction-scoped advisory
 * lock in the log); conversations in parallel up to `concurrency`. A drain that throws is
 * retried; the message stays pending meanwhile and later messages wait behind it, so order
 * holds. A message that keeps failing is marked failed after `poisonAfter` attempts, with an
 * apology to the patron, so one bad message cannot stall its conversation for ever.
 */
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { TEXT_LIMIT, type ChannelName } from "../shared/envelope";
import { rememberOfferedButtons } from "../shared/buttons";
import { errorMessage } from "../shared/errors";
import { once } from "../shared/lifecycle";
import type { Logger } from "../shared/logger";
import type { Handling } from "../shared/log/handling";
import type { MessageLog } from "../shared/log/message-log";
import type { PendingInbound } from "../shared/log/records";
import { INBOUND_QUEUE, OutboundDrains, type DrainJob, WORKER_LOCKS } from "../shared/queues";
import { splitText } from "./split-text";
import type { Answer, AnswerServices, LibraryProfile } from "./answers/answer";
import { todayIn } from "../shared/time/zone";
import { ANSWERS, type AnswerName } from "./answers";
import type { Handoff } from "./handoff";
import { dialogOwner, replyLanguage, route } from "./router";
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
  poisonAfter?: number;
  /** the clock (tests pin it) */
  now?: () => Date;
  /** replace automated answers (tests; later, configurable answers) */
  answers?: Partial<Record<AnswerName, Answer>>;
  /** the librarian handoff (relay/handoff.ts): it takes messages of conversations with or waiting for a librarian */
  handoff?: Handoff;
  /** test hook: called before a message is answered; throwing simulates a crash mid-job */
  beforeHandle?: (message: PendingInbound) => void | Promise<void>;
  /** test hook: called after answering, before the transaction commits (throwing rolls it back) */
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
    for (;;) {
      let result;
      try {
        result = await this.options.messageLog.handleNextInbound(conversationId, async (m) => {
          const answered = await this.handle(m);
          const handling = this.options.buttonlessChannels?.includes(m.channel)
            ? rememberOfferedButtons(answered, m.conversation.dialog)
            : answered;
          await this.options.afterHandle?.(m, handling);
          return handling;
        });
      } catch (err) {
        if (job.attemptsMade + 1 < (this.options.poisonAfter ?? 3)) throw err;
        this.options.logger.error(
          { conversationId, err: errorMessage(err) },
          "relay: giving up on a message",
        );
        result = await this.options.messageLog.handleNextInbound(conversationId, async (m) => ({
          handledBy: "error",
          failed: errorMessage(err),
          replies: [{ text: texts.failed(this.language(m)) }],
          unknownStreak: m.conversation.unknownStreak,
        }));
      }
      if (!result) break;
      handled++;
      await this.options.handoff?.after(result.message, result.handling);
      if (result.handling.replies.length) channels.add(result.message.channel);
    }
    for (const channel of channels) await this.outbound.request(channel, conversationId);
    return handled;
  }

  private async handle(message: PendingInbound): Promise<Handling> {
    await this.options.beforeHandle?.(message);
    const dialog = message.conversation.dialog;
    const routed = route(message, dialog);
    const lang = replyLanguage(message.patron.language, message.meta.languageCode, routed.lang);
    const handedOff = await this.options.handoff?.decide(message, routed.answer, lang);
    // Handing over ends any pending dialog (a password step would otherwise redact the chat).
    if (handedOff) return dialogOwner(dialog) ? { ...handedOff, dialog: null } : handedOff;
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
      messageId: message.id,
      meta: message.meta,
      senderId: message.senderId,
      ...(message.channelMessageId ? { channelMessageId: message.channelMessageId } : {}),
      ...(message.contact ? { contact: message.contact } : {}),
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

  private language(m: PendingInbound) {
    return replyLanguage(m.patron.language, m.meta.languageCode);
  }
}
