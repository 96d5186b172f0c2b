/**
 * A channel without buttons, end to end through the real queues and database: egress shows
 * the buttons as a numbered list, and a patron who types just a number has pressed that
 * button. On Telegram (which has buttons) a typed number stays text, as before.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { CHANNEL_DESCRIPTORS } from "../../bot/channels";
import { texts } from "../../shared/texts";
import { FakeTelegram } from "../helpers/fake-telegram";
import { memoryChannel, type MemoryChannel } from "../helpers/memory-channel";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";

function inboundRows(channel: string, chatId: string) {
  return sql<{ text: string | null; kind: string; status: string; handled_by: string | null }>(
    `SELECT m.text, m.kind, m.status, m.handled_by
     FROM message m JOIN conversation c ON c.id = m.conversation_id
     WHERE c.channel = $1 AND c.chat_id = $2 AND m.direction = 'in' ORDER BY m.seq`,
    [channel, chatId],
  );
}

const patronLanguage = async (channel: string, chatId: string) =>
  (
    await sql<{ language: string | null }>(
      `SELECT p.language FROM conversation c JOIN patron p ON p.id = c.patron_id
       WHERE c.channel = $1 AND c.chat_id = $2`,
      [channel, chatId],
    )
  )[0]?.language;

describe("a channel without buttons: numbered list, typed number presses the button", function () {
  let fake: FakeTelegram;
  let app: App;
  let memory: MemoryChannel;

  before(async () => {
    fake = await FakeTelegram.start();
    const registered = memoryChannel();
    ({ app } = await startTestApp(fake, {
      // The real web chat would share the borrowed name "webchat": the registry leaves it out.
      channels: [...CHANNEL_DESCRIPTORS.filter((d) => d.name !== "webchat"), registered.descriptor],
      env: { MEMORY_CHANNEL: "on" },
    }));
    memory = registered.channel();
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("shows /bahasa's buttons as numbered lines and takes a typed 2 as pressing English", async () => {
    const chat = "wc-1";
    await memory.say(chat, "/bahasa");
    const [offer] = await memory.waitForSent(chat, 1);
    expect(offer!.text).to.equal(`${texts.chooseLanguage("id")}\n\n1. Bahasa Indonesia\n2. English`);
    expect(offer).to.not.have.property("buttons");

    await memory.say(chat, "2");
    const [, set] = await memory.waitForSent(chat, 2);
    expect(set!.text).to.equal(texts.languageSet("en"));
    expect(await patronLanguage("webchat", chat)).to.equal("en");
    // The log keeps what the patron typed; the handling shows which button it meant.
    const rows = await eventually(async () => {
      const r = await inboundRows("webchat", chat);
      return r.length === 2 && r[1]!.status === "handled" && r;
    }, "the typed number handled");
    expect(rows[1]).to.deep.include({ text: "2", kind: "text", handled_by: "language" });
  });

  it("forgets the buttons once a reply offers none: a later number is just text", async () => {
    const chat = "wc-2";
    await memory.say(chat, "/bahasa");
    await memory.waitForSent(chat, 1);
    await memory.say(chat, "/jam");
    await memory.waitForSent(chat, 2);
    await memory.say(chat, "1");
    await memory.waitForSent(chat, 3);
    const rows = await eventually(async () => {
      const r = await inboundRows("webchat", chat);
      return r.length === 3 && r[2]!.status === "handled" && r;
    }, "three messages handled");
    expect(rows.map((r) => r.handled_by)).to.deep.equal(["language", "hours", "unknown"]);
    expect(await patronLanguage("webchat", chat)).to.equal(null);
  });

  it("the offer after two misunderstandings: numbered lines here, and a typed 2 presses 'menu'", async () => {
    const chat = "wc-3";
    await memory.say(chat, "zxqv blorp");
    await memory.waitForSent(chat, 1);
    await memory.say(chat, "qwrtp");
    const [, offer] = await memory.waitForSent(chat, 2);
    expect(offer!.text).to.match(/\n1\. 👤 .+\n2\. 📋 Menu$/);
    await memory.say(chat, "2");
    const [, , menu] = await memory.waitForSent(chat, 3);
    // The menu's own lines say what to type: no numbered buttons repeat them here.
    expect(menu!.text)
      .to.contain("/pinjaman —")
      .and.not.to.match(/\n1\. /);
    const rows = await eventually(async () => {
      const r = await inboundRows("webchat", chat);
      return r.length === 3 && r[2]!.status === "handled" && r;
    }, "three messages handled");
    expect(rows.map((r) => r.handled_by)).to.deep.equal(["unknown", "handoff_offer", "help"]);
  });

  it("the menu as inline buttons on Telegram (/start), each typing its command", async () => {
    const chat = 8102;
    fake.sendText(chat, "/start");
    const [welcome] = await fake.waitForSent(1, { chatId: String(chat) });
    const keyboard = (welcome!.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> })
      .inline_keyboard;
    expect(keyboard.flat().map((b) => b.callback_data)).to.include.members([
      "/pinjaman",
      "/jam",
      "/pustakawan",
    ]);
    fake.pressButton(chat, "/jam");
    const [, hours] = await fake.waitForSent(2, { chatId: String(chat) });
    expect(hours!.text).to.contain("Jam layanan");
  });

  it("keeps Telegram as it was: inline buttons, and a typed 2 is not a button press", async () => {
    const chat = 8101;
    fake.sendText(chat, "/bahasa");
    const [offer] = await fake.waitForSent(1, { chatId: String(chat) });
    expect(offer!.text).to.equal(texts.chooseLanguage("id"));
    fake.sendText(chat, "2");
    await fake.waitForSent(2, { chatId: String(chat) });
    const rows = await eventually(async () => {
      const r = await inboundRows("telegram", String(chat));
      return r.length === 2 && r[1]!.status === "handled" && r;
    }, "both Telegram messages handled");
    expect(rows[1]!.handled_by).to.equal("unknown");
    expect(await patronLanguage("telegram", String(chat))).to.equal(null);
  });
});
