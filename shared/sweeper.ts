/**
 * Recovery for lost drain requests. Messages live in PostgreSQL; a drain request that never
 * reached Redis (outage, crash between commit and enqueue, Redis restarted empty) would leave
 * them waiting. The sweeper asks the log "which conversations have work older than a few
 * seconds?" and requests drains for them; deduplication makes a needless request free.
 */
import { errorMessage } from "./errors";
import { once } from "./lifecycle";
import type { Logger } from "./logger";
import type { DrainRequests } from "./queues";

export interface SweeperOptions {
  name: string;
  intervalMs: number;
  find: () => Promise<number[]>;
  drains: DrainRequests;
  logger: Logger;
}

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: SweeperOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs);
    this.timer.unref();
    void this.sweep();
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    return (this.running ??= this.pass().finally(() => (this.running = undefined)));
  }

  readonly close = once(async () => {
    clearInterval(this.timer);
    await this.running;
  });

  private async pass(): Promise<void> {
    try {
      const ids = await this.options.find();
      if (ids.length === 0) return;
      this.options.logger.info(
        { sweeper: this.options.name, conversations: ids.length },
        "sweeper: requesting drains",
      );
      await this.options.drains.requestMany(ids);
    } catch (err) {
      this.options.logger.warn({ sweeper: this.options.name, err: errorMessage(err) }, "sweeper pass failed");
    }
  }
}
