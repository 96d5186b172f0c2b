/**
 * Self-test of the fake Telegram Bot API, driven by the real telegraf client so that what the relay's
 * tests rely on (long polls, offsets, errors telegraf turns into TelegramError) is proven end to end.
 */
import { expect } from "chai";
import { Markup, Telegraf, TelegramError } from "telegraf";
import { FakeTelegram } from "../helpers/fake-telegram";

/** Awaits a promise that must reject with a TelegramError and returns that error. */
async function telegramError(promise: Promise<unknown>): Promise<TelegramError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(TelegramError);
    return error as TelegramError;
  }
  throw new Error("expected the call to fail with a TelegramError, but it succeeded");
}

describe("FakeTelegram (with the real telegraf client)", () => {
  let fake: FakeTelegram;
  let bot: Telegraf;

  beforeEach(async () => {
    fake = await FakeTelegram.start();
    bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
  });

  afterEach(() => fake.close());

  it("answers getMe with the test bot", async () => {
    const me = await bot.telegram.getMe();
    expect(me).to.include({ id: 123456, is_bot: true, username: "pustaka_test_bot" });
    expect(fake.calls.map((c) => c.method)).to.deep.equal(["getMe"]);
  });

  it("returns queued updates until an offset confirms them", async () => {
    const first = fake.sendText(42, "halo");
    expect(first.update_id).to.equal(1001);
    expect(first.message).to.include({ message_id: 1, text: "halo" });

    expect(await bot.telegram.getUpdates(0, 100, 0, undefined)).to.deep.equal([first]);
    // Not confirmed yet, so Telegram hands it out again.
    expect(await bot.telegram.getUpdates(0, 100, 0, undefined)).to.deep.equal([first]);

    const second = fake.sendText(42, "dua");
    expect(second.message?.message_id).to.equal(2);
    expect(await bot.telegram.getUpdates(0, 100, first.update_id + 1, undefined)).to.deep.equal([second]);
    expect(await bot.telegram.getUpdates(0, 100, 0, undefined)).to.deep.equal([second]);
    expect(await bot.telegram.getUpdates(0, 100, second.update_id + 1, undefined)).to.deep.equal([]);
    expect(fake.pendingUpdates).to.have.length(0);
  });

  it("holds a long poll until the patron writes", async () => {
    let settled = false;
    const poll = bot.telegram.getUpdates(5, 100, 0, undefined).finally(() => (settled = true));
    await fake.waitFor(() => fake.isPolling, { what: "the long poll to be held" });
    expect(settled).to.equal(false);

    const started = Date.now();
    const update = fake.sendText(7, "ada buku tentang kopi?");
    expect(await poll).to.deep.equal([update]);
    expect(Date.now() - started).to.be.below(1000);
  });

  it("answers an idle long poll with [] when its timeout elapses", async () => {
    const started = Date.now();
    // Fractional seconds are a fake-only convenience that keeps this test quick.
    expect(await bot.telegram.getUpdates(0.1, 100, 0, undefined)).to.deep.equal([]);
    expect(Date.now() - started).to.be.at.least(90);
  });

  it("terminates a pending long poll with 409 when another getUpdates arrives", async () => {
    const older = telegramError(bot.telegram.getUpdates(5, 100, 0, undefined));
    await fake.waitFor(() => fake.isPolling, { what: "the first long poll" });
    expect(await bot.telegram.getUpdates(0, 100, 0, undefined)).to.deep.equal([]);
    const error = await older;
    expect(error.code).to.equal(409);
    expect(error.description).to.match(/terminated by other getUpdates request/);
  });

  it("records sendMessage and answers with a Message", async () => {
    const keyboard = Markup.inlineKeyboard([Markup.button.callback("Ya", "yes")]);
    const message = await bot.telegram.sendMessage(42, "Selamat datang", keyboard);
    expect(message).to.include({ message_id: 1, text: "Selamat datang" });
    expect(message.chat).to.include({ id: 42, type: "private" });
    expect(message.from).to.include({ is_bot: true, username: "pustaka_test_bot" });
    expect(fake.sent).to.have.length(1);
    expect(fake.sent[0]).to.include({
      messageId: 1,
      chatId: "42",
      text: "Selamat datang",
      method: "sendMessage",
    });
    expect(fake.sent[0]?.replyMarkup).to.deep.equal(keyboard.reply_markup);
    expect(fake.sentTo("42")).to.deep.equal(fake.sentTo(42));
  });

  it("fails the next call with 429 and retry_after, then succeeds", async () => {
    fake.failNext("sendMessage", { status: 429, retryAfter: 7 });
    const error = await telegramError(bot.telegram.sendMessage(42, "satu"));
    expect(error.code).to.equal(429);
    expect(error.parameters?.retry_after).to.equal(7);
    expect(fake.sent).to.have.length(0);

    await bot.telegram.sendMessage(42, "satu");
    expect(fake.sent.map((m) => m.text)).to.deep.equal(["satu"]);
    expect(fake.calls.map((c) => c.status)).to.deep.equal([429, 200]);
  });

  it("fails every nth call with failEvery until clearFaults", async () => {
    fake.failEvery("sendMessage", 2, { status: 500 });
    await bot.telegram.sendMessage(1, "a");
    expect((await telegramError(bot.telegram.sendMessage(1, "b"))).code).to.equal(500);
    await bot.telegram.sendMessage(1, "c");
    fake.clearFaults();
    await bot.telegram.sendMessage(1, "d");
    expect(fake.sent.map((m) => m.text)).to.deep.equal(["a", "c", "d"]);
  });

  it("answers 401 to a wrong token and 404 to an unknown method", async () => {
    const stranger = new Telegraf("999:WRONG", { telegram: { apiRoot: fake.apiRoot } });
    const error = await telegramError(stranger.telegram.getMe());
    expect(error.code).to.equal(401);
    expect(error.description).to.equal("Unauthorized");

    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTelepathy`, { method: "POST" });
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({
      ok: false,
      error_code: 404,
      description: "Not Found: method not found",
    });
  });

  it("accepts GET requests with query-string parameters", async () => {
    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage?chat_id=5&text=halo`);
    expect(await res.json()).to.nested.include({ ok: true, "result.text": "halo", "result.chat.id": 5 });
    expect(fake.sentTo(5)).to.have.length(1);
  });

  it("rejects empty and over-long texts with 400", async () => {
    const tooLong = await telegramError(bot.telegram.sendMessage(42, "x".repeat(4097)));
    expect(tooLong.code).to.equal(400);
    expect(tooLong.description).to.equal("Bad Request: message is too long");
    const empty = await telegramError(bot.telegram.sendMessage(42, ""));
    expect(empty.description).to.equal("Bad Request: message text is empty");
    expect(fake.sent).to.have.length(0);

    await bot.telegram.sendMessage(42, "x".repeat(4096));
    expect(fake.sent).to.have.length(1);
  });

  it("edits, refuses a no-op edit, and deletes bot messages", async () => {
    const { message_id } = await bot.telegram.sendMessage(42, "Sedang mencari...");
    const edited = await bot.telegram.editMessageText(42, message_id, undefined, "Ketemu 3 buku");
    expect(edited).to.include({ message_id, text: "Ketemu 3 buku" });
    expect(fake.sent.map((m) => [m.method, m.messageId, m.text])).to.deep.equal([
      ["sendMessage", message_id, "Sedang mencari..."],
      ["editMessageText", message_id, "Ketemu 3 buku"],
    ]);
    const noop = await telegramError(
      bot.telegram.editMessageText(42, message_id, undefined, "Ketemu 3 buku"),
    );
    expect(noop.description).to.match(/message is not modified/);

    expect(await bot.telegram.deleteMessage(42, message_id)).to.equal(true);
    expect(fake.deleted).to.deep.equal([{ chatId: "42", messageId: message_id }]);
  });

  it("records setWebhook and refuses getUpdates while a webhook is set", async () => {
    await bot.telegram.setWebhook("https://relay.example/tg", { secret_token: "s3cret" });
    expect(fake.webhook).to.deep.include({ url: "https://relay.example/tg", secretToken: "s3cret" });
    expect(await bot.telegram.getWebhookInfo()).to.include({ url: "https://relay.example/tg" });
    expect((await telegramError(bot.telegram.getUpdates(0, 100, 0, undefined))).code).to.equal(409);
    await bot.telegram.deleteWebhook();
    expect(fake.webhook).to.equal(null);
  });

  it("drives a launched bot: commands, replies, buttons and a redelivered update", async () => {
    const seen: number[] = [];
    bot.use((ctx, next) => {
      seen.push(ctx.update.update_id);
      return next();
    });
    bot.start((ctx) =>
      ctx.reply("Selamat datang", Markup.inlineKeyboard([Markup.button.callback("Ya", "yes")])),
    );
    bot.on("callback_query", (ctx) => ctx.answerCbQuery("Oke"));
    const running = bot.launch();

    const start = fake.sendText(7, "/start");
    const [welcome] = await fake.waitForSent(1, { chatId: 7 });
    expect(welcome).to.include({ text: "Selamat datang" });

    fake.pressButton(7, "yes");
    await fake.waitFor(() => fake.callbackAnswers.length > 0, { what: "the button to be answered" });
    expect(fake.callbackAnswers[0]?.text).to.equal("Oke");

    // The poller has confirmed past this update; a redelivery must still reach it.
    fake.redeliver(start);
    await fake.waitForSent(2, { chatId: 7 });
    expect(seen.filter((id) => id === start.update_id)).to.have.length(2);

    bot.stop("test over");
    await running;
  });

  it("close() ends a pending long poll promptly and is idempotent", async () => {
    const poll = bot.telegram.getUpdates(30, 100, 0, undefined);
    await fake.waitFor(() => fake.isPolling, { what: "the long poll" });
    const started = Date.now();
    await Promise.all([fake.close(), fake.close()]);
    expect(await poll).to.deep.equal([]);
    expect(Date.now() - started).to.be.below(500);
  });

  it("waitFor rejects with what it waited for and what was sent", async () => {
    await bot.telegram.sendMessage(42, "satu-satunya");
    let message = "";
    await fake.waitForSent(2, { timeoutMs: 50 }).catch((error: Error) => (message = error.message));
    expect(message).to.match(/2 sent message\(s\)/);
    expect(message).to.match(/satu-satunya/);
  });
});
