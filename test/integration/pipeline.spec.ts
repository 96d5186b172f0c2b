/**
 * End to end through the real pipeline: a patron on a fake Telegram Bot API (real HTTP, real
 * telegraf client) → ingress → PostgreSQL + BullMQ on Redis → relay → egress → the fake.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, sql, startTestApp } from "../helpers/app";
import { texts } from "../../shared/texts";

// Monday 1 December 2025, 09:00 in Jakarta (02:00 UTC): the library is open.
const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");

describe("pipeline: Telegram → relay → Telegram, every hop logged", function () {
  let fake: FakeTelegram;
  let app: App;
  let chat = 5000;
  const nextChat = () => ++chat;

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, {
      now: () => MONDAY_MORNING,
      answers: {
        // A deliberately long answer to exercise splitting at Telegram's 4096 characters.
        thanks: {
          name: "long",
          answer: () => ({ replies: [{ text: "kalimat panjang. ".repeat(700).trim() }] }),
        },
      },
    }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("answers /start with a welcome and menu, and logs both the message and the reply", async () => {
    const id = nextChat();
    fake.sendText(id, "/start", { first_name: "Siti" });
    const [reply] = await fake.waitForSent(1, { chatId: String(id) });
    expect(reply!.text).to.contain("Halo Siti").and.to.contain("/jam");
    const rows = await eventually(async () => {
      const r = await chatLog(id);
      return r.length === 2 && r[1]!.status === "sent" && r;
    }, "both rows, the reply sent");
    expect(rows.map((r) => [r.direction, r.author, r.kind, r.status, r.handled_by])).to.deep.equal([
      ["in", "patron", "text", "handled", "start"],
      ["out", "bot", "text", "sent", "start"],
    ]);
    expect(rows[0]!.text).to.equal("/start");
    expect(rows[1]!.text).to.equal(reply!.text);
    expect(rows[1]!.channel_message_id).to.equal(String(reply!.messageId));
  });

  it("answers /jam with the service hours in Asia/Jakarta and whether the library is open", async () => {
    const id = nextChat();
    fake.sendText(id, "/jam");
    const [reply] = await fake.waitForSent(1, { chatId: String(id) });
    expect(reply!.text).to.contain("Senin: 08:00–16:00");
    expect(reply!.text).to.contain("Sabtu: tutup");
    expect(reply!.text).to.contain("Saat ini kami buka, sampai pukul 16:00");
    expect(reply!.text).to.contain("Asia/Jakarta");
  });

  it("answers in English when the patron's Telegram language is English", async () => {
    const id = nextChat();
    fake.sendText(id, "/hours", { language_code: "en" });
    fake.sendText(id, "jam buka?", { language_code: "en-GB" });
    const replies = await fake.waitForSent(2, { chatId: String(id) });
    expect(replies[0]!.text).to.contain("Monday: 08:00–16:00").and.to.contain("We are open now");
    expect(replies[1]!.text).to.contain("service hours");
  });

  it("understands free text in both languages, with typos", async () => {
    const cases: Array<[string, RegExp]> = [
      ["jam buka perpustakaan?", /Jam layanan/],
      ["kapan perpustakaan bukak", /Jam layanan/],
      ["halo", /Ada yang bisa saya bantu/],
      ["help", /What I can help with/],
      ["tolong bantuan", /Yang bisa saya bantu/],
      ["zxqv blorp", /belum memahami/],
    ];
    for (const [text, expected] of cases) {
      const id = nextChat();
      fake.sendText(id, text);
      const [reply] = await fake.waitForSent(1, { chatId: String(id) });
      expect(reply!.text, text).to.match(expected);
    }
  });

  it('"not understood" is short: the whole menu only on /start, /bantuan or when asked', async () => {
    const id = nextChat();
    fake.sendText(id, "zxqv blorp");
    const [reply] = await fake.waitForSent(1, { chatId: String(id) });
    expect(reply!.text).to.contain("/bantuan");
    expect(reply!.text).not.to.contain(texts.menuTitle("id"));
    expect(reply!.text.split("\n")).to.have.length(1);
  });

  it("/bahasa offers buttons; pressing English switches every later answer", async () => {
    const id = nextChat();
    fake.sendText(id, "/bahasa");
    const [offer] = await fake.waitForSent(1, { chatId: String(id) });
    expect(JSON.stringify(offer!.replyMarkup)).to.contain("/language en");
    fake.pressButton(id, "/language en");
    await fake.waitForSent(2, { chatId: String(id) });
    expect(fake.sentTo(id)[1]!.text).to.equal("Done: I will answer in English.");
    await eventually(async () => fake.callbackAnswers.length > 0, "the button press acknowledged");
    fake.sendText(id, "jam buka?");
    const replies = await fake.waitForSent(3, { chatId: String(id) });
    expect(replies[2]!.text).to.contain("We are open now");
    const [patron] = await sql<{ language: string }>(
      `SELECT p.language FROM patron p JOIN channel_identity ci ON ci.patron_id = p.id
       WHERE ci.channel = 'telegram' AND ci.external_user_id = $1`,
      [String(id)],
    );
    expect(patron!.language).to.equal("en");
  });

  it("logs non-text messages with their kind and answers each politely", async () => {
    const id = nextChat();
    const inputs: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        "photo",
        {
          photo: [
            { file_id: "small", width: 90, height: 90 },
            { file_id: "big", width: 800, height: 600 },
          ],
        },
        /foto/,
      ],
      [
        "document",
        { document: { file_id: "d1", file_name: "skripsi.pdf", mime_type: "application/pdf" } },
        /dokumen/,
      ],
      ["voice", { voice: { file_id: "v1", duration: 3 } }, /pesan suara/],
      ["sticker", { sticker: { file_id: "s1", emoji: "👍" } }, /stiker/],
      ["location", { location: { latitude: -6.2, longitude: 106.8 } }, /lokasi/],
      [
        "contact",
        { contact: { phone_number: "+628123", first_name: "Siti", user_id: id } },
        /belum terdaftar/,
      ],
      ["unknown", { giveaway: { chats: [] } }, /dicatat/],
    ];
    for (const [, message] of inputs) fake.sendMessage(id, message);
    const replies = await fake.waitForSent(inputs.length, { chatId: String(id) });
    inputs.forEach(([, , expected], i) => expect(replies[i]!.text).to.match(expected));
    const rows = await eventually(async () => {
      const r = (await chatLog(id)).filter((x) => x.direction === "in");
      return r.length === inputs.length && r;
    }, "all inbound rows");
    expect(rows.map((r) => r.kind)).to.deep.equal(inputs.map(([kind]) => kind));
    expect(rows.every((r) => r.status === "handled")).to.equal(true);
    const [photo] = await sql<{ meta: { fileId: string } }>(`SELECT meta FROM message WHERE id = $1`, [
      rows[0]!.id,
    ]);
    expect(photo!.meta.fileId).to.equal("big");
  });

  it("logs an edited message and asks for a new one; logs unknown update types without crashing", async () => {
    const id = nextChat();
    const original = fake.sendText(id, "jam buka?");
    await fake.waitForSent(1, { chatId: String(id) });
    fake.editMessage(id, original.message!.message_id, "jam tutup?");
    await fake.waitForSent(2, { chatId: String(id) });
    expect(fake.sentTo(id)[1]!.text).to.contain("mengubah pesan");
    // Not a message, and one with nobody behind it at all.
    fake.pushUpdate({ purchased_paid_media: { from: { id, is_bot: false, first_name: "P" }, payload: "x" } });
    fake.pushUpdate({ poll: { id: "p1", question: "?", options: [] } });
    fake.sendText(id, "halo");
    await fake.waitForSent(3, { chatId: String(id) });
    const rows = await eventually(async () => {
      const r = (await chatLog(id)).filter((x) => x.direction === "in");
      return r.length === 4 && r;
    }, "four inbound rows");
    expect(rows.map((r) => r.kind)).to.deep.equal(["text", "edited", "unknown", "text"]);
    expect(rows[2]!.handled_by).to.equal("silent");
    expect(fake.sentTo(id)).to.have.length(3);
  });

  it("splits a reply longer than 4096 characters into ordered parts", async () => {
    const id = nextChat();
    fake.sendText(id, "terima kasih");
    const parts = await fake.waitForSent(3, { chatId: String(id) });
    for (const p of parts) expect(p.text.length).to.be.at.most(4096);
    expect(parts.map((p) => p.text).join(" ")).to.equal("kalimat panjang. ".repeat(700).trim());
  });

  it("honours a 429 retry_after: the reply arrives once, after the wait", async () => {
    const id = nextChat();
    fake.failNext("sendMessage", { status: 429, retryAfter: 1 });
    const sentAt = Date.now();
    fake.sendText(id, "/jam");
    const [reply] = await fake.waitForSent(1, { chatId: String(id) });
    expect(reply!.at - sentAt).to.be.at.least(1000);
    const refused = fake.calls.filter((c) => c.method === "sendMessage" && c.status === 429);
    expect(refused).to.have.length(1);
    // Another message afterwards proves nothing else was pending for this chat.
    fake.sendText(id, "halo");
    await fake.waitForSent(2, { chatId: String(id) });
    expect(fake.sentTo(id).filter((m) => m.text === reply!.text)).to.have.length(1);
  });

  it("a redelivered update creates no second row and no second reply", async () => {
    const id = nextChat();
    const update = fake.sendText(id, "/start");
    await fake.waitForSent(1, { chatId: String(id) });
    fake.redeliver(update);
    // A later message of the same chat is recorded after the redelivered one (same chat, in order).
    fake.sendText(id, "/jam");
    await fake.waitForSent(2, { chatId: String(id) });
    await eventually(async () => fake.pendingUpdates.length === 0, "the redelivery confirmed");
    const rows = await chatLog(id);
    expect(rows.filter((r) => r.direction === "in").map((r) => r.text)).to.deep.equal(["/start", "/jam"]);
    expect(fake.sentTo(id)).to.have.length(2);
  });

  it("with no SLiMS configured, the demo library answers: link a demo member, list loans, renew", async () => {
    const id = nextChat();
    const ask = async (text: string) => {
      const before = fake.sentTo(id).length;
      fake.sendText(id, text);
      return (await fake.waitForSent(before + 1, { chatId: String(id) })).slice(before);
    };
    await ask("/tautkan");
    fake.sendMessage(id, { contact: { phone_number: "+62 812-3456-7801", first_name: "Siti", user_id: id } });
    const [askPassword] = (await fake.waitForSent(2, { chatId: String(id) })).slice(1);
    expect(askPassword!.text).to.contain("kata sandi OPAC");
    const [linked] = await ask("demo1234");
    expect(linked!.text).to.contain("Siti Rahmawati").and.to.contain("2021110001");
    const [loans] = await ask("/pinjaman");
    expect(loans!.text).to.contain("Metodologi Penelitian Kualitatif");
    const [list] = await ask("/perpanjang");
    expect(list!.text).to.contain("sedang dipesan");
    const [confirm] = await ask("1");
    expect(confirm!.text).to.contain("Perpanjang");
    const [done] = await ask("ya");
    expect(done!.text).to.contain("Berhasil diperpanjang");
  });

  it("GET /healthz answers 200 with every check passing", async () => {
    const res = await fetch(`${app.web!.url}/healthz`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { ok: boolean; checks: Record<string, { ok: boolean }> };
    expect(body.ok).to.equal(true);
    expect(Object.keys(body.checks)).to.include.members([
      "database",
      "redis",
      "relay",
      "telegram egress",
      "telegram adapter",
    ]);
  });
});
