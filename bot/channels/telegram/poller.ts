/**
 * Our own getUpdates loop, instead of telegraf's launch(): telegraf confirms the update offset
 * when polling stops even if a handler failed, which would drop a message that could not be
 * recorded (database outage). Here the offset moves past a batch only after every update in it
 * was recorded; otherwise the batch is fetched again. Updates of one chat are recorded in
 * order; different chats in parallel.
 */
import type { Telegraf } from "telegraf";
import { errorMessage } from "../../../shared/errors";
import { delay } from "../../../shared/lifecycle";
import type { Logger } from "../../../shared/logger";
import { retryDelayMs } from "./send";
import { updateChatKey } from "./update";

export interface PollOptions {
  bot: Telegraf;
  signal: AbortSignal;
  /** long-poll timeout in seconds (Telegram allows up to 50) */
  timeoutSeconds: number;
  logger: Logger;
  /** record one update; a rejection means "not recorded, fetch the batch again" */
  receive: (update: unknown) => Promise<void>;
}

/** Runs until `signal` aborts. */
export async function pollUpdates(options: PollOptions): Promise<void> {
  const { bot, signal, logger } = options;
  let offset = 0;
  let failures = 0;
  while (!signal.aborted) {
    let updates: unknown[];
    try {
      updates = (await bot.telegram.callApi(
        "getUpdates",
        { offset, timeout: options.timeoutSeconds },
        { signal: signal as never },
      )) as unknown[];
    } catch (err) {
      if (signal.aborted) break;
      failures++;
      const wait = retryDelayMs(err, failures);
      logger.warn({ err: errorMessage(err), waitMs: wait }, "telegram: getUpdates failed");
      await delay(wait, signal);
      continue;
    }
    try {
      await receiveBatch(updates, options.receive);
      failures = 0;
      const last = updates[updates.length - 1] as { update_id?: number } | undefined;
      if (typeof last?.update_id === "number") offset = last.update_id + 1;
    } catch (err) {
      // Not confirmed: Telegram hands the same batch back; recording is idempotent.
      failures++;
      const wait = Math.min(250 * 2 ** failures, 5000);
      logger.error({ err: errorMessage(err), waitMs: wait }, "telegram: could not record updates");
      await delay(wait, signal);
    }
  }
}

/** One chat's updates in order, different chats in parallel. */
async function receiveBatch(updates: unknown[], receive: (update: unknown) => Promise<void>): Promise<void> {
  const byChat = new Map<string, unknown[]>();
  for (const update of updates) {
    const key = updateChatKey(update);
    const list = byChat.get(key);
    if (list) list.push(update);
    else byChat.set(key, [update]);
  }
  const results = await Promise.allSettled(
    [...byChat.values()].map(async (chatUpdates) => {
      for (const update of chatUpdates) await receive(update);
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}
