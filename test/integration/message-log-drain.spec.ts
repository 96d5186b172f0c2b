/**
 * Two promises of MessageLog.handleNextInbound that nothing else in the suite exercises, tested
 * through its public API only (so they keep their meaning however the drain is built inside):
 * - two drains of one conversation at once (a stalled job re-run beside the original): every message
 *   is committed once — an answer may run twice, its second result is discarded — and the replies
 *   keep the order of the messages they answer;
 * - the next message is the one with the lowest seq, not the one PostgreSQL happens to find first;
 * - the next message the one-statement commit hands back (`next`) is as a fresh read would find it
 *   after that commit — its dialog step and unknown-streak — and answering it reads nothing more.
 */
import { expect } from "chai";
import { Pool } from "pg";
import { randomBytes } from "node:crypto";
import { dbFromPool, type Db } from "../../shared/db";
import type { Handling } from "../../shared/log/handling";
import { MessageLog } from "../../shared/log/message-log";
import type { PendingInbound } from "../../shared/log/records";
import { closeSql, eventually, sql } from "../helpers/app";
import { testDatabaseUrl } from "../support/services";

// With an audit event: what an answer does besides replying (a link, a renewal) must be committed once.
const answer = (message: PendingInbound): Handling => ({
  handledBy: "test",
  replies: [{ text: `answer to ${message.text}` }],
  unknownStreak: 0,
  audit: [
    {
      actorKind: "system",
      actorId: null,
      action: "drain_test",
      subject: `message:${message.id}`,
      detail: {},
    },
  ],
});

/** Outbound replies of a conversation, in log order, with the text of the message each answers. */
function repliesOf(conversationId: number) {
  return sql<{ seq: number; text: string; answers: string }>(
    `SELECT o.seq, o.text, i.text AS answers FROM message o JOIN message i ON i.id = o.in_reply_to
     WHERE o.conversation_id = $1 AND o.direction = 'out' ORDER BY o.seq`,
    [conversationId],
  );
}

describe("message log: the relay's drain of one conversation", function () {
  let pool: Pool;
  let log: MessageLog;

  before(() => {
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 6 });
    log = new MessageLog(dbFromPool(pool));
  });

  after(async () => {
    await pool?.end();
    await closeSql();
  });

  /** Records inbound message `n` of a new private chat (one per call of `recorder`). */
  function recorder(tag: string) {
    const chatId = `${tag}-${randomBytes(4).toString("hex")}`;
    return (n: number, text: string) =>
      log.recordInbound({
        channel: "telegram",
        key: `${chatId}:${n}`,
        chatId,
        chat: { type: "private" },
        sender: { id: chatId, displayName: `${tag} test` },
        kind: "text",
        text,
        sentAt: new Date().toISOString(),
        meta: { chatType: "private" },
      });
  }

  it("two drains of one conversation at once: each message committed once, replies once and in order", async () => {
    const record = recorder("drain");
    const { conversationId } = await record(1, "one");
    await record(2, "two");

    // The first call of `handle` waits on a latch, so the second drain starts while the first
    // is inside. The latch opens as soon as the second drain has shown what it does: it entered
    // `handle` too (the bug), it returned, or it waits on a PostgreSQL lock (taking turns).
    let openLatch!: () => void;
    const latch = new Promise<void>((resolve) => (openLatch = resolve));
    const handled: Array<string | null> = [];
    const handle = async (message: PendingInbound): Promise<Handling> => {
      handled.push(message.text);
      if (handled.length === 1) await latch;
      return answer(message);
    };

    const first = log.handleNextInbound(conversationId, handle);
    first.catch(() => undefined); // inspected below; an early rejection must not go unhandled
    await eventually(async () => handled.length === 1, "the first drain inside handle");
    let secondSettled = false;
    const second = log.handleNextInbound(conversationId, handle).finally(() => (secondSettled = true));
    second.catch(() => undefined);
    await eventually(
      async () => {
        if (handled.length >= 2 || secondSettled) return true;
        const [waiting] = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return waiting!.n > 0;
      },
      "the second drain to enter handle, return, or wait for the first",
      5000,
    ).catch(() => {
      // A drain that waits by other means (not a PostgreSQL lock) shows nothing here: go on,
      // the assertions below still judge it. A drain that races enters handle within ms.
    });
    openLatch();
    const outcomes = await Promise.allSettled([first, second]);
    // Whatever the two left pending, later drains finish it.
    for (let i = 0; i < 3 && (await log.handleNextInbound(conversationId, handle)); i++);

    // Nothing is held across an answer (docs/message-path.md §3), so an overlapping drain may run
    // an answer a second time; only one commit of it counts, and order holds.
    expect([...new Set(handled)], "the messages handle() saw, in order").to.deep.equal(["one", "two"]);
    for (const outcome of outcomes) {
      expect(outcome.status, String((outcome as PromiseRejectedResult).reason)).to.equal("fulfilled");
    }
    const replies = await repliesOf(conversationId);
    expect(replies.map((r) => r.answers)).to.deep.equal(["one", "two"]);
    expect(replies.map((r) => r.text)).to.deep.equal(["answer to one", "answer to two"]);
    const inbound = await sql<{ status: string }>(
      `SELECT status FROM message WHERE conversation_id = $1 AND direction = 'in' ORDER BY seq`,
      [conversationId],
    );
    expect(inbound.map((r) => r.status)).to.deep.equal(["handled", "handled"]);
    const audited = await sql<{ subject: string; n: number }>(
      `SELECT subject, count(*)::int AS n FROM audit_event WHERE action = 'drain_test'
       AND subject IN (SELECT 'message:' || id FROM message WHERE conversation_id = $1) GROUP BY subject`,
      [conversationId],
    );
    expect(
      audited.map((r) => r.n),
      "each message's side effects, committed once",
    ).to.deep.equal([1, 1]);
  });

  it("takes the lowest seq first even when the rows are stored in another order", async () => {
    // Which plan PostgreSQL picks is its own choice: the partial index happens to return rows in
    // seq order, but a bitmap or sequential scan (chosen for a bigger backlog) returns them in
    // the order they are stored. With index scans off, only an ORDER BY keeps the order.
    const planPool = new Pool({
      connectionString: testDatabaseUrl(),
      max: 2,
      options: "-c enable_indexscan=off -c enable_indexonlyscan=off",
    });
    try {
      const planLog = new MessageLog(dbFromPool(planPool));
      const chatId = `order-${randomBytes(4).toString("hex")}`;
      const [patron] = await sql<{ id: number }>(
        `INSERT INTO patron (display_name) VALUES ('Order Test') RETURNING id`,
      );
      const [conversation] = await sql<{ id: number }>(
        `INSERT INTO conversation (channel, chat_id, patron_id, last_seq) VALUES ('telegram', $1, $2, 2)
         RETURNING id`,
        [chatId, patron!.id],
      );
      const conversationId = conversation!.id;
      // seq 2 is stored before seq 1 (e.g. two ingress processes committing out of order); one
      // statement, so both rows go to the same heap page, in this order.
      await sql(
        `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status)
         VALUES ($1, 2, 'in', 'patron', 'text', 'second', 'telegram', $2 || ':2', 'received'),
                ($1, 1, 'in', 'patron', 'text', 'first', 'telegram', $2 || ':1', 'received')`,
        [conversationId, chatId],
      );
      const stored = await sql<{ seq: number }>(
        `SELECT seq FROM message WHERE conversation_id = $1 ORDER BY ctid`,
        [conversationId],
      );
      expect(
        stored.map((r) => r.seq),
        "the precondition: stored out of seq order",
      ).to.deep.equal([2, 1]);
      const handled: Array<string | null> = [];
      const handle = async (message: PendingInbound) => {
        handled.push(message.text);
        return answer(message);
      };
      while (await planLog.handleNextInbound(conversationId, handle));
      expect(handled).to.deep.equal(["first", "second"]);
      expect((await repliesOf(conversationId)).map((r) => r.answers)).to.deep.equal(["first", "second"]);
    } finally {
      await planPool.end();
    }
  });

  it("hands back the next pending message as the commit left its conversation, and answering it reads nothing", async () => {
    const record = recorder("carry");
    const { conversationId } = await record(1, "perpanjang");
    await record(2, "1");
    await record(3, "terima kasih");
    // A plain handling (no audit, no state change) that sets a dialog step and a streak.
    const step = (message: PendingInbound): Handling => ({
      handledBy: "test",
      replies: [{ text: `answer to ${message.text}` }],
      unknownStreak: message.conversation.unknownStreak + 1,
      dialog: { step: `after ${message.text}` },
    });
    const first = await log.handleNextInbound(conversationId, async (m) => step(m));
    expect(first!.committed).to.equal(true);
    const next = first!.next!;
    expect(next.text).to.equal("1");
    expect(next.conversation.dialog).to.deep.equal({ step: "after perpanjang" });
    expect(next.conversation.unknownStreak).to.equal(1);
    // The same as a fresh read would give.
    const fresh = new MessageLog(dbFromPool(pool));
    let freshSeen: PendingInbound | undefined;
    await fresh
      .handleNextInbound(conversationId, async (m) => {
        freshSeen = m;
        throw new Error("only looking");
      })
      .catch(() => undefined);
    expect(next).to.deep.equal(freshSeen);

    // Answering the carried message: the commit is the only statement.
    const statements: string[] = [];
    const counting = dbFromPool(pool);
    const countingLog = new MessageLog({
      ...counting,
      query: (text: Parameters<Db["query"]>[0], params?: unknown[]) => {
        statements.push(typeof text === "string" ? text : text.name);
        return counting.query(text, params);
      },
    } as Db);
    const second = await countingLog.handleNextInbound(conversationId, async (m) => step(m), next);
    expect(statements).to.deep.equal(["commit_plain_handling"]);
    expect(second!.next!.text).to.equal("terima kasih");
    expect(second!.next!.conversation.dialog).to.deep.equal({ step: "after 1" });
    expect(second!.next!.conversation.unknownStreak).to.equal(2);
    const third = await log.handleNextInbound(conversationId, async (m) => step(m), second!.next);
    expect(third!.more).to.equal(false);
    expect(third!.next).to.equal(undefined);
    expect((await repliesOf(conversationId)).map((r) => r.answers)).to.deep.equal([
      "perpanjang",
      "1",
      "terima kasih",
    ]);
  });
});
