/**
 * WhatsApp end to end through the real pipeline: a fake whatsapp-web.js Client (the phone) →
 * the adapter → ingress → PostgreSQL + BullMQ on Redis → relay → egress → sendMessage on the
 * same chat; groups and status updates ignored, redelivered ids logged once, a lost session
 * rebuilt (replies wait meanwhile), delivery acks recorded on the reply's row.
 */
import { expect } from "chai";
import pino from "pino";
import type { App } from "../../main";
import { whatsappChannel } from "../../bot/channels/whatsapp";
import { ChannelStatusBoard } from "../../shared/channel-status";
import { libraryTexts, texts } from "../../shared/texts";
import { FakeWhatsApp } from "../helpers/fake-whatsapp";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";

// Monday 1 December 2025, 09:00 in Jakarta (02:00 UTC): the library is open.
const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");

function whatsappLog(chatId: string) {
  return sql<{
    direction: string;
    kind: string;
    text: string | null;
    status: string;
    handled_by: string | null;
    channel_key: string;
    channel_message_id: string | null;
    delivery: string | null;
    error: string | null;
    meta: Record<string, unknown>;
  }>(
    `SELECT m.direction, m.kind, m.text, m.status, m.handled_by, m.channel_key, m.channel_message_id,
            m.delivery, m.error, m.meta
     FROM message m JOIN conversation c ON c.id = m.conversation_id
     WHERE c.channel = 'whatsapp' AND c.chat_id = $1 ORDER BY m.seq`,
    [chatId],
  );
}

describe("WhatsApp: fake whatsapp-web.js client → relay → sendMessage, every hop logged", function () {
  let phone: FakeWhatsApp;
  let app: App;
  let board: ChannelStatusBoard;
  const logLines: Array<Record<string, unknown>> = [];
  let n = 0;
  const nextChat = () => `62812555${String(++n).padStart(4, "0")}@c.us`;

  before(async () => {
    phone = new FakeWhatsApp();
    const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
    let prefix: string;
    ({ app, prefix } = await startTestApp(undefined, {
      logger,
      now: () => MONDAY_MORNING,
      env: { WHATSAPP_ENABLED: "true", WHATSAPP_MAX_PER_MINUTE: "600" },
      channels: [
        whatsappChannel({
          createClient: phone.createClient,
          options: { terminal: null, reconnectBaseMs: 20, reconnectMaxMs: 200, retryWhileDownMs: 50 },
        }),
      ],
    }));
    board = new ChannelStatusBoard(app.redis, prefix);
    await phone.connect(1);
    await eventually(async () => (await board.get("whatsapp"))?.state === "ready", "whatsapp ready");
  });

  after(async () => {
    await app?.close();
    await closeSql();
  });

  it("answers a text on the same chat through sendMessage, and logs both rows", async () => {
    const chat = nextChat();
    const said = phone.say(chat, "/jam");
    const [reply] = await phone.waitForSent(chat, 1);
    expect(reply!.text).to.contain("Senin: 08:00–16:00").and.to.contain("Saat ini kami buka");
    const rows = await eventually(async () => {
      const r = await whatsappLog(chat);
      return r.length === 2 && r[1]!.status === "sent" && r;
    }, "both rows, the reply sent");
    expect(rows.map((r) => [r.direction, r.kind, r.status, r.handled_by])).to.deep.equal([
      ["in", "text", "handled", "hours"],
      ["out", "text", "sent", "hours"],
    ]);
    expect(rows[0]!.channel_key).to.equal(said.id._serialized);
    expect(rows[0]!.meta).to.deep.include({ senderId: chat, senderName: "Siti" });
    expect(rows[1]!.text).to.equal(reply!.text);
    expect(rows[1]!.channel_message_id).to.equal(reply!.id);
  });

  it("shows buttons as numbered choices, and a typed number presses one", async () => {
    const chat = nextChat();
    phone.say(chat, "/bahasa");
    const [offer] = await phone.waitForSent(chat, 1);
    expect(offer!.text).to.equal(`${texts.chooseLanguage("id")}\n\n1. Bahasa Indonesia\n2. English`);
    phone.say(chat, "2");
    const [, set] = await phone.waitForSent(chat, 2);
    expect(set!.text).to.equal(texts.languageSet("en"));
  });

  it("ignores group messages and status updates (logged as ignored, no row, no reply)", async () => {
    const group = "120363025555555555@g.us";
    const member = nextChat();
    phone.say(group, "/jam", { author: member });
    phone.say("status@broadcast", "status text", { author: member, isStatus: true });
    // The patron's own chat afterwards is answered: the adapter went past the ignored two.
    phone.say(member, "/jam");
    await phone.waitForSent(member, 1);
    const rows = await sql(
      `SELECT 1 FROM conversation WHERE channel = 'whatsapp' AND chat_id IN ($1, 'status@broadcast')`,
      [group],
    );
    expect(rows).to.have.length(0);
    expect(phone.sent.filter((m) => m.chatId === group || m.chatId === "status@broadcast")).to.deep.equal([]);
    const ignored = logLines.filter((l) => l.msg === "whatsapp: message ignored").map((l) => l.ignored);
    expect(ignored).to.include.members(["group", "status"]);
    // Their text is not logged anywhere.
    expect(JSON.stringify(logLines)).to.not.contain("status text");
  });

  it("logs a message delivered twice (same id._serialized) once, and answers it once", async () => {
    const chat = nextChat();
    const message = phone.message(chat, "/jam");
    phone.client.fire("message", message);
    phone.client.fire("message", { ...message });
    await phone.waitForSent(chat, 1);
    // A later message is answered after both copies were taken: the barrier for "no second answer".
    phone.say(chat, "/bantuan");
    await phone.waitForSent(chat, 2);
    const rows = await eventually(async () => {
      const r = await whatsappLog(chat);
      return (
        r.filter((x) => x.direction === "in").length === 2 && r.every((x) => x.status !== "received") && r
      );
    }, "both messages handled");
    expect(rows.filter((r) => r.channel_key === message.id._serialized)).to.have.length(1);
    expect(phone.sent.filter((m) => m.chatId === chat)).to.have.length(2);
  });

  it("records delivery acks on the reply's row, only ever raised; an error ack fails the reply", async () => {
    const chat = nextChat();
    phone.say(chat, "/jam");
    const [reply] = await phone.waitForSent(chat, 1);
    const delivery = async () => (await whatsappLog(chat)).find((r) => r.direction === "out");
    await eventually(async () => (await delivery())?.status === "sent", "the reply sent");
    phone.ack(reply!, 2);
    await eventually(async () => (await delivery())?.delivery === "device", "ack 2 → device");
    phone.ack(reply!, 3);
    await eventually(async () => (await delivery())?.delivery === "read", "ack 3 → read");
    phone.ack(reply!, 2); // late and out of order: must not lower it
    phone.ack(reply!, 4);
    await eventually(async () => (await delivery())?.delivery === "played", "ack 4 → played");
    phone.ack(reply!, 3);
    phone.ack(reply!, -1);
    const failed = await eventually(async () => {
      const row = await delivery();
      return row?.status === "failed" && row;
    }, "ack -1 → failed");
    expect(failed.delivery).to.equal("played");
    expect(failed.error).to.contain("not delivered");
  });

  it("records an ack that comes before egress has written 'sent'", async () => {
    phone.ackOnSend = 1;
    try {
      const chat = nextChat();
      phone.say(chat, "/jam");
      await phone.waitForSent(chat, 1);
      await eventually(async () => {
        const row = (await whatsappLog(chat)).find((r) => r.direction === "out");
        return row?.delivery === "server";
      }, "the early ack recorded");
    } finally {
      phone.ackOnSend = undefined;
    }
  });

  it("links by the sender's own number: it finds the member, the OPAC password is still asked", async () => {
    const chat = "6281234567801@c.us"; // Siti Rahmawati's phone in the demo library
    phone.say(chat, "/tautkan");
    const [ask] = await phone.waitForSent(chat, 1);
    // WhatsApp cannot delete the patron's message: the question says so (no false promise).
    expect(ask!.text).to.equal(libraryTexts.askPasswordUndeletable("id"));
    phone.say(chat, "salah-sekali");
    await phone.waitForSent(chat, 2);
    phone.say(chat, "demo1234");
    const replies = await phone.waitForSent(chat, 3);
    expect(replies[2]!.text).to.contain("2021110001");
    const [identity] = await sql<{ verified_method: string; member_id: string }>(
      `SELECT ci.verified_method, p.member_id FROM channel_identity ci JOIN patron p ON p.id = ci.patron_id
       WHERE ci.channel = 'whatsapp' AND ci.external_user_id = $1`,
      [chat],
    );
    expect(identity).to.deep.equal({ verified_method: "whatsapp_sender+password", member_id: "2021110001" });
    // Neither password is in the log, and no delete WhatsApp cannot do was queued (or failed).
    const log = await whatsappLog(chat);
    expect(log.filter((r) => r.kind === "delete" || r.status === "failed")).to.deep.equal([]);
    const texts_ = log.map((r) => r.text ?? "");
    expect(texts_.join("\n")).to.not.contain("demo1234").and.to.not.contain("salah-sekali");
  });

  it("an @lid sender (no number) is asked for the member ID, never matched by phone", async () => {
    const chat = "215869873426472@lid";
    phone.say(chat, "/tautkan");
    const [ask] = await phone.waitForSent(chat, 1);
    expect(ask!.text).to.equal(libraryTexts.askMemberIdOnly("id")); // no "share my number" button here
  });

  it("reconnects with a new client after a disconnect; a reply waits meanwhile and is sent once", async () => {
    const before = phone.clients.length;
    const chat = nextChat();
    const first = phone.client;
    phone.say(chat, "/jam");
    first.fire("disconnected", "NAVIGATION");
    await eventually(async () => (await board.get("whatsapp"))?.state !== "ready", "admins see it down");
    const second = await phone.initialized(before + 1);
    expect(first.destroyed).to.equal(true);
    second.fire("ready");
    const [reply] = await phone.waitForSent(chat, 1);
    expect(reply!.text).to.contain("Senin");
    await eventually(async () => (await board.get("whatsapp"))?.state === "ready", "ready again");
    const rows = await eventually(async () => {
      const r = await whatsappLog(chat);
      return r.length === 2 && r[1]!.status === "sent" && r;
    }, "the reply sent after the reconnect");
    expect(rows[1]!.channel_message_id).to.equal(reply!.id);
    // The old client's events are no longer listened to.
    first.fire("message", phone.message(chat, "/jam"));
    phone.say(chat, "/bantuan");
    await phone.waitForSent(chat, 2);
    expect(phone.sent.filter((m) => m.chatId === chat)).to.have.length(2);
  });

  it("after LOGOUT says it needs pairing, with the new QR, until the phone pairs again", async () => {
    const before = phone.clients.length;
    phone.client.fire("disconnected", "LOGOUT");
    const down = await eventually(async () => {
      const s = await board.get("whatsapp");
      return s?.state === "needs_pairing" && s;
    }, "needs pairing");
    expect(down.reason).to.equal("LOGOUT");
    const next = await phone.initialized(before + 1);
    next.fire("qr", "2@fake-qr-content");
    await eventually(
      async () => (await board.get("whatsapp"))?.qr === "2@fake-qr-content",
      "the QR for admins",
    );
    next.fire("authenticated");
    next.fire("ready");
    const ready = await eventually(async () => {
      const s = await board.get("whatsapp");
      return s?.state === "ready" && s;
    }, "paired again");
    expect(ready).to.not.have.property("qr");
  });
});
