/**
 * Long-lived things have start() and an idempotent close(). Closing reuses the first promise,
 * runs each step in its own try/catch, in reverse order of start, bounded in time.
 */
import type { Logger } from "./logger";

/** Wrap a close function so that every call after the first returns the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

/** Reject after `ms` with a message naming what timed out; never leaves a timer behind. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes registered steps in reverse order; each step bounded, errors logged, never thrown. */
export class Closer {
  private readonly steps: Array<{ name: string; close: () => Promise<unknown> }> = [];

  constructor(
    private readonly logger: Logger,
    private readonly stepTimeoutMs = 15_000,
  ) {}

  add(name: string, close: () => Promise<unknown>): void {
    this.steps.push({ name, close });
  }

  readonly close = once(async () => {
    for (const step of this.steps.reverse()) {
      try {
        await withTimeout(Promise.resolve().then(step.close), this.stepTimeoutMs, `closing ${step.name}`);
      } catch (err) {
        this.logger.error({ err, step: step.name }, "close step failed");
      }
    }
  });
}

/** Resolve after `ms`, or at once when `signal` aborts (for backoff waits that must not delay shutdown). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
