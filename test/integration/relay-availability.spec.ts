/**
 * Availability of the relay (issue 8): a SLiMS that never answers stops nothing else; failures
 * are counted per message, not per queue job; a flooding sender is limited, politely, and
 * every one of its messages stays in the log.
 */
import { expect } from "chai";
import net from "node:net";
import type { App } from "../../main";
import { dbFromDataSource } from "../../shared/db";
import { MessageLog } from "../../shared/log/message-log";
import type { PendingInbound } from "../../shared/log/records";
import { DrainRequests, INBOUND_QUEUE } from "../../shared/queues";
import { handoffTexts, texts } from "../../shared/texts";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, sql, startTestApp } from "../helpers/app";

// Monday 1 December 2025, 09:00 in Jakarta (02:00 UTC): the library is open.
const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");

/** A TCP server that accepts connections and never says a word: a black-holed MySQL. */
async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `mysql://relay:secret@127.0.0.1:${port}/slims`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("relay availability: a SLiMS that never answers", function () {
  this.timeout(60_000);
  let fake: FakeTelegram;
  let app: App;
  let hole: Awaited<ReturnType<typeof blackHole>>;
  const STALLED = 25; // more than the old fixed pool of 20

  before(async () => {
    hole = await blackHole();
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, {
      now: () => MONDAY_MORNING,
      env: {
        SLIMS_DATABASE_URL: hole.url,
        SLIMS_QUERY_TIMEOUT_MS: "500",
        RELAY_CONCURRENCY: "40",
        INBOUND_MAX_PER_MINUTE: "1000",
      },
    }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await hole?.close();
    await closeSql();
  });

  it("keeps /healthz, ingress and another chat's /jam working; each stalled patron gets an apology in bounded time", async () => {
    // Linked members (their chats exist after a first message), then each asks for their loans.
    const chats = Array.from({ length: STALLED }, (_, i) => 81_000 + i);
    for (const id of chats) fake.sendText(id, "/start");
    for (const id of chats) await fake.waitForSent(1, { chatId: id });
    await sql(
      `UPDATE patron SET member_id = 'M' || id
       WHERE id IN (SELECT patron_id FROM conversation WHERE channel = 'telegram' AND chat_id = ANY($1))`,
      [chats.map(String)],
    );
    const started = Date.now();
    for (const id of chats) fake.sendText(id, "/pinjaman");

    // While every loans answer waits on SLiMS: the rest of the service answers at once.
    await eventually(
      async () => (await chatLog(chats[STALLED - 1]!)).some((r) => r.text === "/pinjaman"),
      "the last /pinjaman recorded (ingress keeps working)",
      3000,
    );
    const health = await fetch(`${app.web!.url}/healthz`, { signal: AbortSignal.timeout(3000) });
    expect(health.status, "/healthz while SLiMS stalls").to.equal(200);
    const other = 82_000;
    fake.sendText(other, "/jam");
    const [hours] = await fake.waitForSent(1, { chatId: other, timeoutMs: 3000 });
    expect(hours!.text).to.match(/08[.:]00/);

    // Each stalled patron is told, within a bound: 3 failures of ~0.5–1 s each, plus backoff.
    for (const id of chats) {
      const sent = await fake.waitForSent(2, { chatId: id, timeoutMs: 20_000 });
      expect(sent[1]!.text).to.equal(texts.failed("id"));
    }
    expect(Date.now() - started).to.be.below(25_000);
    const failed = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.chat_id = ANY($1) AND m.direction = 'in' AND m.status = 'failed'`,
      [chats.map(String)],
    );
    expect(failed[0]!.n).to.equal(STALLED);
  });
});

describe("relay availability: failures are counted per message", function () {
  this.timeout(30_000);
  let app: App;
  let prefix: string;
  const calls = new Map<string, number>();
  let failing: (m: PendingInbound, call: number) => boolean = () => false;

  before(async () => {
    ({ app, prefix } = await startTestApp(undefined, {
      roles: ["relay"],
      now: () => MONDAY_MORNING,
      beforeHandle: (m) => {
        const call = (calls.get(m.id) ?? 0) + 1;
        calls.set(m.id, call);
        if (failing(m, call)) throw new Error(`injected fault ${call} at message ${m.id}`);
      },
    }));
  });

  after(async () => {
    await app?.close();
    await closeSql();
  });

  async function record(chatId: string, texts: string[]): Promise<{ conversationId: number; ids: string[] }> {
    const log = new MessageLog(dbFromDataSource(app.dataSource));
    const ids: string[] = [];
    let conversationId = 0;
    for (const [i, text] of texts.entries()) {
      const r = await log.recordInbound({
        channel: "telegram",
        key: `${chatId}:${i + 1}`,
        chatId,
        chat: { type: "private" },
        sender: { id: chatId, displayName: "Siti" },
        kind: "text",
        text,
        sentAt: MONDAY_MORNING.toISOString(),
        meta: {},
      });
      ids.push(r.messageId);
      conversationId = r.conversationId;
    }
    return { conversationId, ids };
  }

  it("a message failing after an earlier one used up the job's attempts is retried, not given up", async () => {
    const chatId = "91001";
    const { conversationId, ids } = await record(chatId, ["/jam", "/bantuan"]);
    const [first, second] = ids as [string, string];
    // The first message fails twice, then works; the second fails once, then works. One job.
    failing = (m, call) => (m.id === first && call <= 2) || (m.id === second && call === 1);
    const drains = new DrainRequests(INBOUND_QUEUE, app.redis, prefix);
    try {
      await drains.request(conversationId);
      const rows = await eventually(async () => {
        const r = await chatLog(chatId);
        const inbound = r.filter((x) => x.direction === "in");
        return inbound.every((x) => x.status !== "received") && inbound;
      }, "both messages handled or failed");
      expect(rows.map((r) => [r.text, r.status])).to.deep.equal([
        ["/jam", "handled"],
        ["/bantuan", "handled"],
      ]);
      expect(calls.get(second)).to.equal(2);
    } finally {
      await drains.close();
    }
  });

  it("a message that keeps failing is given up after exactly 3 failures of its own, with an apology", async () => {
    const chatId = "91002";
    const { conversationId, ids } = await record(chatId, ["/jam"]);
    failing = (m) => m.id === ids[0];
    const drains = new DrainRequests(INBOUND_QUEUE, app.redis, prefix);
    try {
      await drains.request(conversationId);
      const rows = await eventually(async () => {
        const r = await chatLog(chatId);
        return r[0]?.status === "failed" && r;
      }, "the message given up");
      expect(calls.get(ids[0]!)).to.equal(3);
      expect(rows.map((r) => [r.direction, r.status, r.text?.slice(0, 5)])).to.deep.equal([
        ["in", "failed", "/jam"],
        ["out", "queued", texts.failed("id").slice(0, 5)],
      ]);
      const counted = await sql<{ failures: number }>(
        `SELECT failures FROM inbound_failure WHERE message_id = $1`,
        [ids[0]],
      );
      expect(counted[0]?.failures).to.equal(3);
    } finally {
      await drains.close();
    }
  });
});

describe("relay availability: per-sender limits", function () {
  this.timeout(30_000);
  let fake: FakeTelegram;
  let app: App;

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, {
      now: () => MONDAY_MORNING,
      env: { INBOUND_MAX_PER_MINUTE: "5", HANDOFF_MAX_PER_10MIN: "2" },
    }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("a flooding sender gets 5 answers and one polite notice a minute; every message is logged; others are unaffected", async () => {
    const flood = 93_001;
    for (let i = 0; i < 9; i++) fake.sendText(flood, "/jam");
    const rows = await eventually(async () => {
      const r = await chatLog(flood);
      const inbound = r.filter((x) => x.direction === "in");
      return inbound.length === 9 && inbound.every((x) => x.status === "handled") && r;
    }, "all 9 messages recorded and handled");
    const inbound = rows.filter((r) => r.direction === "in");
    expect(inbound.map((r) => r.handled_by)).to.deep.equal([
      ...Array(5).fill("hours"),
      ...Array(4).fill("rate_limited"),
    ]);
    const sent = await fake.waitForSent(6, { chatId: flood });
    expect(sent[5]!.text).to.equal(texts.slowDown("id"));
    expect(rows.filter((r) => r.direction === "out")).to.have.length(6);

    const calm = 93_002;
    fake.sendText(calm, "/jam");
    const [answer] = await fake.waitForSent(1, { chatId: calm });
    expect(answer!.text).to.not.equal(texts.slowDown("id"));
  });

  it("waiting: what the bot answers (commands) is limited; messages for the librarians never are", async () => {
    const chat = 93_004;
    fake.sendText(chat, "/pustakawan");
    await fake.waitForSent(1, { chatId: chat });
    for (let i = 0; i < 6; i++) fake.sendText(chat, "/jam");
    for (let i = 0; i < 6; i++) fake.sendText(chat, `pertanyaan ${i + 1} soal skripsi`);
    const inbound = await eventually(async () => {
      const r = (await chatLog(chat)).filter((x) => x.direction === "in");
      return r.length === 13 && r.every((x) => x.status === "handled") && r;
    }, "all 13 messages handled");
    // The /pustakawan counted as one of the 5: four /jam answered, the fifth on refused with one notice.
    expect(inbound.slice(1, 7).map((r) => r.handled_by)).to.deep.equal([
      ...Array(4).fill("hours"),
      ...Array(2).fill("rate_limited"),
    ]);
    expect(inbound.slice(7).map((r) => r.handled_by)).to.deep.equal(Array(6).fill("console"));
  });

  it("librarian requests are limited per sender: the third /pustakawan in 10 minutes is refused politely", async () => {
    const chat = 93_003;
    const steps = ["/pustakawan", "/selesai", "/pustakawan", "/selesai", "/pustakawan"];
    for (const [i, text] of steps.entries()) {
      fake.sendText(chat, text);
      await fake.waitForSent(i + 1, { chatId: chat });
    }
    const sent = fake.sentTo(chat);
    expect(sent[4]!.text).to.equal(handoffTexts.tooManyRequests("id"));
    const [conversation] = await sql<{ state: string }>(
      `SELECT state FROM conversation WHERE channel = 'telegram' AND chat_id = $1 ORDER BY id DESC LIMIT 1`,
      [String(chat)],
    );
    expect(conversation!.state).to.equal("bot");
    // Each /selesai closes the conversation and the next message opens a new one: order by id.
    const handled = (
      await sql<{ handled_by: string }>(
        `SELECT m.handled_by FROM message m JOIN conversation c ON c.id = m.conversation_id
         WHERE c.channel = 'telegram' AND c.chat_id = $1 AND m.direction = 'in' ORDER BY m.id`,
        [String(chat)],
      )
    ).map((r) => r.handled_by);
    expect(handled).to.deep.equal(["handoff", "handoff_end", "handoff", "handoff_end", "handoff_limited"]);
  });
});
