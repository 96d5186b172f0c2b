/**
 * Webhook mode: the web role receives Telegram's POSTs; the secret token header is checked on
 * every request, and a refused request records and enqueues nothing.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { TELEGRAM_WEBHOOK_PATH } from "../../bot/channels/telegram";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";

const SECRET = "s3cret-token-for-tests-0123456789";

describe("Telegram webhook mode", () => {
  let fake: FakeTelegram;
  let app: App;

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, {
      env: {
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_URL: "https://library.example/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
      },
    }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  const update = (updateId: number, chatId: number, text: string) => ({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private" },
      from: { id: chatId, is_bot: false, first_name: "Web", language_code: "id" },
      text,
    },
  });

  const post = (body: unknown, secret?: string) =>
    fetch(`${app.web!.url}${TELEGRAM_WEBHOOK_PATH}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
      },
      body: JSON.stringify(body),
    });

  const rowsFor = (chatId: number) =>
    sql(`SELECT m.id FROM message m JOIN conversation c ON c.id = m.conversation_id WHERE c.chat_id = $1`, [
      String(chatId),
    ]);

  it("registers the webhook with its secret at start", () => {
    expect(fake.webhook).to.deep.include({
      url: "https://library.example/telegram/webhook",
      secretToken: SECRET,
    });
  });

  it("refuses a missing or wrong secret with 403 and records and enqueues nothing", async () => {
    expect((await post(update(1, 9101, "/start"))).status).to.equal(403);
    expect((await post(update(2, 9101, "/start"), "wrong-secret-wrong-secret-wrong")).status).to.equal(403);
    expect((await post(update(3, 9101, "/start"), SECRET.slice(0, -1) + "X")).status).to.equal(403);
    expect(await rowsFor(9101)).to.have.length(0);
    // Nothing to drain either: the ingress opens the conversation before it requests a drain, and
    // none was opened for the chat. (Counting every job in the queue would also count the relay's
    // sweeper picking up other specs' pending messages from the shared test database.)
    const conversations = await sql<{ id: number }>(`SELECT id FROM conversation WHERE chat_id = $1`, [
      "9101",
    ]);
    expect(conversations).to.have.length(0);
  });

  it("accepts the right secret: records, answers, and a retried delivery is not answered twice", async () => {
    const body = update(4, 9102, "/jam");
    expect((await post(body, SECRET)).status).to.equal(200);
    expect((await post(body, SECRET)).status).to.equal(200);
    await fake.waitForSent(1, { chatId: "9102" });
    await eventually(async () => (await rowsFor(9102)).length === 2, "message and reply rows");
    // Another message proves the duplicate was not queued behind the first.
    expect((await post(update(5, 9102, "halo"), SECRET)).status).to.equal(200);
    await fake.waitForSent(2, { chatId: "9102" });
    expect(fake.sentTo(9102)).to.have.length(2);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const res = await fetch(`${app.web!.url}${TELEGRAM_WEBHOOK_PATH}`, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": SECRET },
      body: "\u0000\u0001 not json",
    });
    expect(res.status).to.equal(400);
  });

  it("answers 405 to other methods, and checks the secret before reading a body too large to read (400)", async () => {
    const hook = `${app.web!.url}${TELEGRAM_WEBHOOK_PATH}`;
    expect((await fetch(hook)).status).to.equal(405);
    expect((await fetch(hook, { method: "PUT", body: "{}" })).status).to.equal(405);
    const huge = JSON.stringify({ update_id: 6, padding: "x".repeat(1024 * 1024) });
    const send = (secret?: string) =>
      fetch(hook, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
        },
        body: huge,
      });
    expect((await send()).status).to.equal(403);
    expect((await send(SECRET)).status).to.equal(400);
  });
});
