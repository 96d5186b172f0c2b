import { expect } from "chai";
import { CHANNEL_DESCRIPTORS } from "../../bot/channels";
import { loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";

const TOKEN = "123456:ABC-def_ghi";

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, CHANNEL_DESCRIPTORS);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe("config", () => {
  it("has working defaults for the quickstart", () => {
    const c = loadConfig({}, CHANNEL_DESCRIPTORS);
    expect(c.port).to.equal(3000);
    expect(c.host).to.equal("127.0.0.1");
    expect(c.library.timeZone).to.equal("Asia/Jakarta");
    expect(c.channels.telegram).to.equal(undefined);
    expect(c.databaseUrl).to.equal(undefined);
    expect(Object.isFrozen(c) && Object.isFrozen(c.library)).to.equal(true);
  });

  it("enables Telegram when a token is set, with the API root and mode", () => {
    const c = loadConfig(
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: "http://127.0.0.1:9/" },
      CHANNEL_DESCRIPTORS,
    );
    expect(c.channels.telegram).to.deep.include({
      token: TOKEN,
      apiRoot: "http://127.0.0.1:9",
      mode: "polling",
    });
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ["PORT", { PORT: "eighty" }, /whole number/],
    ["PORT", { PORT: "70000" }, /at most 65535/],
    ["DATABASE_URL", { DATABASE_URL: "mysql://x@y/z" }, /postgres:\/\//],
    ["DATABASE_URL", { DATABASE_URL: "not a url" }, /URL/],
    ["REDIS_URL", { REDIS_URL: "http://127.0.0.1:6379" }, /redis:\/\//],
    ["TELEGRAM_BOT_TOKEN", { TELEGRAM_BOT_TOKEN: "nonsense" }, /BotFather/],
    ["TELEGRAM_API_ROOT", { TELEGRAM_API_ROOT: "ftp://api" }, /http/],
    ["TELEGRAM_MODE", { TELEGRAM_MODE: "carrier-pigeon" }, /polling or webhook/],
    ["TELEGRAM_WEBHOOK_URL", { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook" }, /required/],
    [
      "TELEGRAM_WEBHOOK_SECRET",
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_URL: "https://x.example/hook" },
      /required/,
    ],
    ["TELEGRAM_WEBHOOK_SECRET", { TELEGRAM_WEBHOOK_SECRET: "short" }, /16–256/],
    ["LIBRARY_TIMEZONE", { LIBRARY_TIMEZONE: "Mars/Olympus" }, /IANA/],
    ["LIBRARY_HOURS", { LIBRARY_HOURS: "mon-fri 9-5" }, /HH:MM/],
    ["LIBRARY_HOURS", { LIBRARY_HOURS: "fun 08:00-10:00" }, /unknown day/],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }, /one of/],
    ["QUEUE_PREFIX", { QUEUE_PREFIX: "has space" }, /characters/],
    ["RELAY_CONCURRENCY", { RELAY_CONCURRENCY: "0" }, /at least 1/],
  ];
  for (const [variable, env, reason] of bad) {
    it(`refuses a bad ${variable} (${JSON.stringify(env)}) naming the variable`, () => {
      const err = failure(env);
      expect(err.variable).to.equal(variable);
      expect(err.message.startsWith(`${variable}: `)).to.equal(true);
      expect(err.message).to.match(reason);
      expect(err.message).to.not.contain("\n");
    });
  }

  it("never echoes a secret in the error", () => {
    const err = failure({ TELEGRAM_BOT_TOKEN: "secret-looking-token" });
    expect(err.message).to.not.contain("secret-looking-token");
    const url = failure({ DATABASE_URL: "mysql://user:hunter2@db/x" });
    expect(url.message).to.not.contain("hunter2");
  });
});
