/** The environment of the service processes a fault test starts (test/e2e/faults*.spec.ts). */
import { randomBytes } from "node:crypto";
import type { FakeTelegram } from "./fake-telegram";
import { testDatabaseUrl, testRedisUrl, uniquePrefix } from "../support/services";

/** One key for every process of a test: split roles must share it (main.ts secretBoxKey). */
const SECRET_BOX_KEY = randomBytes(32).toString("base64");

export function faultEnv(
  fake: FakeTelegram,
  label: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: uniquePrefix(label),
    // Bursts answer every message: no per-sender limit in the way.
    INBOUND_MAX_PER_MINUTE: "1000",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    SECRET_BOX_KEY,
    LOG_LEVEL: "warn",
    ...extra,
  };
}
