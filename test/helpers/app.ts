/**
 * Start the real application (every role, or some) against this run's PostgreSQL database,
 * the real Redis under a unique queue prefix, and a FakeTelegram Bot API.
 */
import { randomBytes } from "node:crypto";
import { Pool } from "pg";
import { startApp, type App, type AppOptions, type Role } from "../../main";
import { CHANNEL_DESCRIPTORS } from "../../bot/channels";
import { loadConfig } from "../../shared/config";
import { createLogger, silentLogger } from "../../shared/logger";
import type { FakeTelegram } from "./fake-telegram";
import { testRedisUrl, testDatabaseUrl, uniquePrefix } from "../support/services";

export interface TestAppOptions extends Partial<Omit<AppOptions, "config" | "roles">> {
  roles?: Role[];
  env?: Record<string, string>;
  prefix?: string;
}

/** One key per test run, so test apps never write a key file into the working tree's DATA_DIR. */
const TEST_SECRET_BOX_KEY = randomBytes(32).toString("base64");

export async function startTestApp(fake: FakeTelegram | undefined, options: TestAppOptions = {}) {
  const prefix = options.prefix ?? uniquePrefix("app");
  const channels = options.channels ?? CHANNEL_DESCRIPTORS;
  const config = loadConfig(
    {
      PORT: "0",
      LOG_LEVEL: "silent",
      QUEUE_PREFIX: prefix,
      TELEGRAM_MAX_PER_SECOND: "1000",
      // Tests write many messages in one chat; the per-chat pace has its own tests.
      TELEGRAM_CHAT_MAX_PER_SECOND: "1000",
      SECRET_BOX_KEY: TEST_SECRET_BOX_KEY,
      // Off unless a test asks for it: the in-memory test channel borrows the name "webchat".
      WEBCHAT_ENABLED: "false",
      ...(fake ? { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot } : {}),
      ...options.env,
    },
    channels,
  );
  const app: App = await startApp({
    config,
    roles: options.roles ?? ["web", "bot", "relay"],
    // TEST_LOG_LEVEL=debug npm test shows the service's own logs while debugging a test.
    logger: process.env.TEST_LOG_LEVEL ? createLogger(process.env.TEST_LOG_LEVEL as "debug") : silentLogger,
    databaseUrl: testDatabaseUrl(),
    redisUrl: testRedisUrl(),
    migrate: false,
    sweepIntervalMs: 1000,
    ...options,
    channels,
  });
  return { app, config, prefix };
}

let pool: Pool | undefined;

/** Read-only questions to the test database, for assertions. */
export async function sql<R extends Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  if (!pool) {
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 3 });
    // An idle connection cut by the server (the run's database dropped) must not crash mocha.
    pool.on("error", () => undefined);
  }
  return (await pool.query<R>(text, params)).rows;
}

export async function closeSql(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

/** Poll `check` until it returns a truthy value, or fail after `timeoutMs` with `what`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The log of one Telegram chat, in conversation order. */
export function chatLog(chatId: number | string) {
  return sql<{
    seq: number;
    direction: string;
    author: string;
    kind: string;
    text: string | null;
    status: string;
    handled_by: string | null;
    channel_key: string;
    channel_message_id: string | null;
    in_reply_to: string | null;
    id: string;
  }>(
    `SELECT m.seq, m.direction, m.author, m.kind, m.text, m.status, m.handled_by, m.channel_key,
            m.channel_message_id, m.in_reply_to, m.id
     FROM message m JOIN conversation c ON c.id = m.conversation_id
     WHERE c.channel = 'telegram' AND c.chat_id = $1 ORDER BY m.seq`,
    [String(chatId)],
  );
}
