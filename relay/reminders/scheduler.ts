/**
 * What the library sends first, run in the relay role (docs/reminders.md): the daily due-date
 * reminders as a BullMQ job scheduler at REMINDER_HOUR in LIBRARY_TIMEZONE (one per deployment,
 * however many relay processes upsert it: the shape of shared/evidence/retention.ts's
 * RetentionScheduler), and the announcements the console asks for. One worker per process,
 * concurrency 1; both jobs are idempotent (the keys in PostgreSQL), so a repeat, a stalled job
 * taken over by another process, or two processes at once send nothing twice.
 */
import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { ConsoleEventPublisher } from "../../shared/console-events";
import type { Db } from "../../shared/db";
import { errorMessage } from "../../shared/errors";
import type { LibrarySystem } from "../../shared/library/port";
import { once } from "../../shared/lifecycle";
import type { Logger } from "../../shared/logger";
import { OutboundDrains } from "../../shared/queues";
import { pendingAnnouncements, queueAnnouncement } from "../../shared/reminders/announcements";
import {
  ANNOUNCEMENT_JOB,
  announcementJobOptions,
  PROACTIVE_QUEUE,
  REMINDERS_JOB,
  type AnnouncementJob,
} from "../../shared/reminders/queue";
import { ProactiveError } from "../../shared/reminders/errors";
import { runDueReminders, type DueRemindersResult } from "./due-reminders";

const REMINDER_RETRIES = { attempts: 6, backoff: { type: "exponential" as const, delay: 60_000 } };

export interface ProactiveSchedulerOptions {
  db: Db;
  connection: Redis;
  prefix: string;
  logger: Logger;
  library: LibrarySystem;
  libraryName: string;
  /** LIBRARY_TIMEZONE: "today" for due dates, and the zone of `hour` */
  timeZone: string;
  /** REMINDER_HOUR: the local hour the daily run starts */
  hour: number;
  /** REMINDER_DAYS_BEFORE */
  daysBefore: readonly number[];
  /** the clock (tests inject theirs) */
  now?: () => Date;
  events?: ConsoleEventPublisher;
  /** test hook, passed to queueAnnouncement */
  afterAnnouncementBatch?: (written: number) => void | Promise<void>;
}

export class ProactiveScheduler {
  private queue: Queue | undefined;
  private worker: Worker | undefined;
  private readonly outbound: OutboundDrains;

  constructor(private readonly options: ProactiveSchedulerOptions) {
    this.outbound = new OutboundDrains(options.connection, options.prefix);
  }

  /** Idempotent: a second call returns the first's promise (a second worker would never be closed). */
  readonly start = once(async () => {
    const { connection, prefix, logger } = this.options;
    this.queue = new Queue(PROACTIVE_QUEUE, { connection, prefix });
    await this.queue.upsertJobScheduler(
      "reminders-daily",
      { pattern: `0 ${this.options.hour} * * *`, tz: this.options.timeZone },
      // A run that could not read some members' loans (SLiMS down at 08:00) throws and is retried
      // (1, 2, 4, 8 minutes…): the members already reminded are skipped by their keys.
      {
        name: REMINDERS_JOB,
        opts: { ...REMINDER_RETRIES, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
      },
    );
    this.worker = new Worker(PROACTIVE_QUEUE, (job) => this.process(job), {
      connection,
      prefix,
      concurrency: 1,
    });
    this.worker.on("failed", (job, err) =>
      logger.warn({ job: job?.name, err: errorMessage(err) }, "proactive job failed"),
    );
    this.worker.on("error", (err) => logger.error({ err: errorMessage(err) }, "proactive worker error"));
    await this.worker.waitUntilReady();
    // Announcements a dead process left half-queued, or whose request never reached Redis.
    for (const id of await pendingAnnouncements(this.options.db))
      await this.queue.add(ANNOUNCEMENT_JOB, { announcementId: id }, announcementJobOptions(id));
  });

  /** One reminder run now, in this process (the job does exactly this). */
  runReminders(): Promise<DueRemindersResult> {
    const { options } = this;
    return runDueReminders({
      db: options.db,
      library: options.library,
      outbound: this.outbound,
      logger: options.logger,
      timeZone: options.timeZone,
      daysBefore: options.daysBefore,
      now: options.now ?? (() => new Date()),
      ...(options.events ? { events: options.events } : {}),
    });
  }

  /** Queues the announcement's messages (the job does exactly this); returns the chats written. */
  queueAnnouncement(announcementId: number): Promise<number> {
    return queueAnnouncement(this.options.db, announcementId, {
      libraryName: this.options.libraryName,
      request: (channel, conversationId) => this.outbound.request(channel, conversationId),
      ...(this.options.afterAnnouncementBatch ? { afterBatch: this.options.afterAnnouncementBatch } : {}),
    });
  }

  /** The reminder run as a job now (operators, tests): whichever relay process's worker is free takes it. */
  async requestReminders(): Promise<Job> {
    if (!this.queue) throw new Error("ProactiveScheduler not started");
    return this.queue.add(
      REMINDERS_JOB,
      {},
      { ...REMINDER_RETRIES, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
    );
  }

  private async process(job: Job): Promise<unknown> {
    const { logger } = this.options;
    if (job.name === ANNOUNCEMENT_JOB) {
      const { announcementId } = job.data as AnnouncementJob;
      const written = await this.queueAnnouncement(announcementId);
      logger.info({ announcementId, written }, "announcement queued");
      return { written };
    }
    const result = await this.runReminders();
    logger.info({ reminders: result }, "due-date reminders run");
    if (result.failed > 0)
      throw new ProactiveError(
        "PROACTIVE_INCOMPLETE",
        `the loans of ${result.failed} member(s) could not be read; the run is retried`,
      );
    return result;
  }

  readonly close = once(async () => {
    await this.worker?.close();
    await this.queue?.close();
    await this.outbound.close();
  });
}
