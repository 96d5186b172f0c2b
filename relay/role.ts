/**
 * The relay role: the inbound workers (router → answers | the librarian handoff) and the inbound
 * sweeper. Run as many relay processes as you like: one drain per conversation runs at a time.
 */
import type { Redis } from "ioredis";
import type { ConsoleEventPublisher } from "../shared/console-events";
import type { Db, Sql } from "../shared/db";
import { EvidenceChainer } from "../shared/evidence/chainer";
import { RetentionScheduler } from "../shared/evidence/retention";
import type { ChannelName } from "../shared/envelope";
import type { RoleContext } from "../shared/health";
import type { LibrarySystem } from "../shared/library/port";
import type { Logger } from "../shared/logger";
import type { MessageLog } from "../shared/log/message-log";
import { Presence } from "../shared/presence";
import type { DrainRequests } from "../shared/queues";
import type { SecretBox } from "../shared/secret-box";
import { Sweeper } from "../shared/sweeper";
import type { ServiceCalendarReader } from "../shared/service-calendar-reader";
import type { HolidayCalendar } from "../shared/time/calendar";
import type { LibraryProfile } from "./answers/answer";
import { AttemptLimiter } from "./attempts";
import { Handoff } from "./handoff";
import { InboundWorker, type RelayOptions } from "./inbound-worker";
import { ANSWER_REGISTRY } from "./answers";
import { FaqService } from "./faq/service";
import { ProactiveScheduler } from "./reminders/scheduler";
import { senderLimits } from "./sender-limits";

export interface RelayRoleOptions {
  messageLog: MessageLog;
  /** commits at once, outside an answer's transaction (a renewal's result must survive a retry) */
  db: Sql;
  redis: Redis;
  prefix: string;
  logger: Logger;
  library: LibraryProfile;
  librarySystem: LibrarySystem;
  secrets: SecretBox;
  consoleEvents: ConsoleEventPublisher;
  inboundDrains: DrainRequests;
  linkMaxAttemptsPerHour: number;
  renewalPolicy: RelayOptions["services"]["renewalPolicy"];
  concurrency: number;
  /** bound on one answer, outside calls included */
  answerTimeoutMs: number;
  /** per sender: messages answered per minute, librarian requests per 10 minutes */
  senderLimits: { messagesPerMinute: number; handoffsPer10Min: number };
  buttonlessChannels: readonly ChannelName[];
  contactlessChannels?: readonly ChannelName[];
  undeletableChannels?: readonly ChannelName[];
  sweepIntervalMs: number;
  /**
   * Tamper evidence and retention (docs/audit.md), run here, off the hot path: the chainer links
   * new rows every `chainIntervalMs`; with `retentionDays`, the daily anonymising job scheduler.
   */
  audit?: {
    db: Db;
    chainIntervalMs: number;
    checkpointKey: string | undefined;
    retentionDays: number | undefined;
    /** MEDIA_DIR: retention removes erased files' bytes there */
    mediaDir?: string | undefined;
  };
  /**
   * Due-date reminders and announcements (docs/reminders.md): the daily run at `hour` (local) and
   * the announcement jobs, on the relay's database pool.
   */
  proactive?: {
    db: Db;
    hour: number;
    daysBefore: readonly number[];
    afterAnnouncementBatch?: (written: number) => void | Promise<void>;
  };
  /** the library's holidays for "when do librarians answer" (default: the library system's) */
  holidays?: () => Promise<HolidayCalendar>;
  /** the service calendar: `/jam` and "when do librarians answer" (absent: LIBRARY_HOURS + `holidays`) */
  calendar?: ServiceCalendarReader;
  /** test hooks */
  now?: () => Date;
  beforeHandle?: RelayOptions["beforeHandle"];
  afterHandle?: RelayOptions["afterHandle"];
  answers?: RelayOptions["answers"];
}

export async function startRelay(ctx: RoleContext, options: RelayRoleOptions): Promise<void> {
  const { messageLog, redis, prefix, librarySystem, now } = options;
  const limits = senderLimits(redis, prefix, options.senderLimits);
  const worker = new InboundWorker({
    services: {
      librarySystem,
      secrets: options.secrets,
      attempts: new AttemptLimiter(redis, prefix, options.linkMaxAttemptsPerHour),
      renewalPolicy: options.renewalPolicy,
      db: options.db,
      ...(options.calendar ? { calendar: options.calendar } : {}),
      faq: new FaqService(options.db, ANSWER_REGISTRY.intents),
    },
    messageLog,
    redis,
    prefix,
    logger: options.logger.child({ role: "relay" }),
    library: options.library,
    concurrency: options.concurrency,
    answerTimeoutMs: options.answerTimeoutMs,
    messageLimit: limits.messages,
    buttonlessChannels: options.buttonlessChannels,
    ...(options.contactlessChannels ? { contactlessChannels: options.contactlessChannels } : {}),
    ...(options.undeletableChannels ? { undeletableChannels: options.undeletableChannels } : {}),
    ...(now ? { now } : {}),
    ...(options.beforeHandle ? { beforeHandle: options.beforeHandle } : {}),
    ...(options.answers ? { answers: options.answers } : {}),
    ...(options.afterHandle ? { afterHandle: options.afterHandle } : {}),
    handoff: new Handoff({
      waiting: messageLog,
      presence: new Presence(redis, prefix),
      events: options.consoleEvents,
      library: options.library,
      // When librarians answer: the service calendar (or service hours minus the library system's holidays).
      holidays: options.holidays ?? (() => librarySystem.holidays()),
      ...(options.calendar ? { calendar: options.calendar } : {}),
      requestLimit: limits.handoffs,
      ...(now ? { now } : {}),
    }),
  });
  await worker.start();
  ctx.closer.add("relay worker", () => worker.close());
  const sweeper = new Sweeper({
    name: "inbound",
    intervalMs: options.sweepIntervalMs,
    find: () => messageLog.conversationsWithPendingInbound(Math.min(options.sweepIntervalMs, 5000)),
    drains: options.inboundDrains,
    logger: options.logger,
  });
  sweeper.start();
  ctx.closer.add("inbound sweeper", () => sweeper.close());
  ctx.health.track("relay", () => worker.ready);
  if (options.audit) {
    const chainer = new EvidenceChainer({
      db: options.audit.db,
      logger: options.logger.child({ role: "relay", part: "evidence-chainer" }),
      intervalMs: options.audit.chainIntervalMs,
      checkpointKey: options.audit.checkpointKey,
    });
    chainer.start();
    ctx.closer.add("evidence chainer", () => chainer.close());
    if (options.audit.retentionDays !== undefined) {
      const retention = new RetentionScheduler({
        db: options.audit.db,
        connection: redis,
        prefix,
        logger: options.logger.child({ role: "relay", part: "retention" }),
        days: options.audit.retentionDays,
        mediaDir: options.audit.mediaDir,
        timeZone: options.library.timeZone,
      });
      await retention.start();
      ctx.closer.add("retention", () => retention.close());
    }
  }
  if (options.proactive) {
    const proactive = new ProactiveScheduler({
      db: options.proactive.db,
      connection: redis,
      prefix,
      logger: options.logger.child({ role: "relay", part: "proactive" }),
      library: librarySystem,
      libraryName: options.library.name,
      timeZone: options.library.timeZone,
      hour: options.proactive.hour,
      daysBefore: options.proactive.daysBefore,
      events: options.consoleEvents,
      ...(now ? { now } : {}),
      ...(options.proactive.afterAnnouncementBatch
        ? { afterAnnouncementBatch: options.proactive.afterAnnouncementBatch }
        : {}),
    });
    await proactive.start();
    ctx.closer.add("proactive jobs", () => proactive.close());
  }
}
