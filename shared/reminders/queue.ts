/**
 * The relay's queue for what the library sends first (docs/reminders.md): the daily due-date
 * reminder run (a job scheduler, relay/reminders/scheduler.ts) and one job per announcement,
 * added by the console when an admin sends one. The job id is the announcement's, so asking
 * twice (a retried request, the relay's start-up recovery) queues it once.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { once } from "../lifecycle";

export const PROACTIVE_QUEUE = "proactive";
export const REMINDERS_JOB = "reminders";
export const ANNOUNCEMENT_JOB = "announcement";

export interface AnnouncementJob {
  announcementId: number;
}

export const announcementJobOptions = (id: number) => ({
  jobId: `announcement-${id}`,
  attempts: 10,
  backoff: { type: "exponential" as const, delay: 1000 },
  // Gone once done, so a later recovery pass could queue it again (it would find nothing to do).
  removeOnComplete: true,
  removeOnFail: { count: 100 },
});

/** The console's side: asks the relay to queue an announcement's messages. */
export class AnnouncementRequests {
  private readonly queue: Queue;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(PROACTIVE_QUEUE, { connection, prefix });
  }

  async request(announcementId: number): Promise<void> {
    await this.queue.add(ANNOUNCEMENT_JOB, { announcementId }, announcementJobOptions(announcementId));
  }

  readonly close = once(() => this.queue.close());
}
