/**
 * The relay's commit (MessageLog.handleNextInbound): no PostgreSQL connection is held while the
 * answer runs, and two drains of one conversation at once (a stalled job re-run) commit one
 * answer, never two (docs/message-path.md §3).
 */
import { expect } from "chai";
import { Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { MessageLog } from "../../shared/log/message-log";
import type { Handling } from "../../shared/log/handling";
import { testDatabaseUrl } from "../support/services";

describe("relay commit: short, conditional", function () {
  this.timeout(20_000);
  let pool: Pool;
  let chat = 0;

  before(() => {
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
  });
  after(() => pool?.end());

  async function recordOne(log: MessageLog, text: string) {
    const chatId = `commit-${process.pid}-${++chat}`;
    return log.recordInbound({
      channel: "telegram",
      key: `${chatId}:1`,
      chatId,
      chat: { type: "private" },
      sender: { id: chatId, displayName: "Siti" },
      kind: "text",
      text,
      sentAt: new Date().toISOString(),
      meta: {},
    });
  }

  const reply = (text: string): Handling => ({ handledBy: "test", replies: [{ text }], unknownStreak: 0 });

  it("holds no connection while answering: with a pool of one, the answer can still use the database", async () => {
    const db = dbFromPool(pool);
    const log = new MessageLog(db);
    const { conversationId } = await recordOne(log, "/jam");
    const result = await Promise.race([
      log.handleNextInbound(conversationId, async () => {
        // An answer that reads the database itself (as renewals and the handoff do).
        const { rows } = await db.query<{ n: number }>(`SELECT 1 AS n`);
        return reply(`ok ${rows[0]!.n}`);
      }),
      new Promise<"stuck">((resolve) => setTimeout(() => resolve("stuck"), 5000).unref()),
    ]);
    expect(result).to.not.equal("stuck");
    expect(result).to.have.property("committed", true);
  });

  it("two drains of one conversation at once: one answer committed, the other discarded", async () => {
    const big = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
    try {
      const log = new MessageLog(dbFromPool(big));
      const { conversationId, messageId } = await recordOne(log, "/jam");
      let arrived = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      const drain = (name: string) =>
        log.handleNextInbound(conversationId, async (m) => {
          expect(m.id).to.equal(messageId);
          if (++arrived === 2) release();
          await bothRead; // both drains have read the same pending message
          return reply(`answer from ${name}`);
        });
      const results = await Promise.all([drain("a"), drain("b")]);
      expect(results.map((r) => r!.committed).sort()).to.deep.equal([false, true]);
      const { rows } = await big.query<{ direction: string; status: string; text: string }>(
        `SELECT direction, status, text FROM message WHERE conversation_id = $1 ORDER BY seq`,
        [conversationId],
      );
      expect(rows.map((r) => [r.direction, r.status])).to.deep.equal([
        ["in", "handled"],
        ["out", "queued"],
      ]);
      expect(await log.handleNextInbound(conversationId, async () => reply("never"))).to.equal(null);
    } finally {
      await big.end();
    }
  });
});
