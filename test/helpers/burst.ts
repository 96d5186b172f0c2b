/**
 * Bursts for the fault tests (test/e2e/faults*.spec.ts): many chats, each sending numbered
 * messages, and the count of what became of them — read from the log and from what the fake
 * Telegram received — printed and checked against "0 lost, 0 duplicated rows, 0 duplicate
 * replies, order kept per conversation". A reply sent again after a `kill -9` of the sender
 * (docs/message-path.md §5) is counted apart, as `resent`.
 */
import { expect } from "chai";
import type { FakeTelegram } from "./fake-telegram";
import { eventually, sql } from "./app";

/** CI sizes by default; `npm run test:faults` (FAULTS_FULL=1) gives the full ones of issue 12. */
export const FULL = process.env.FAULTS_FULL === "1";

export function burstSize(full: { chats: number; perChat: number }, ci: { chats: number; perChat: number }) {
  return FULL ? full : ci;
}

export interface Burst {
  chats: number[];
  perChat: number;
}

/** `perChat` messages from each of `chats` chats from `firstChat` on, interleaved ("halo 0" from every chat, then "halo 1", …). */
export function burst(firstChat: number, chats: number, perChat: number): Burst {
  return { chats: Array.from({ length: chats }, (_, i) => firstChat + i), perChat };
}

/** Sends messages `from` ≤ i < `to` of every chat of the burst. */
export function send(fake: FakeTelegram, b: Burst, from = 0, to = b.perChat): void {
  for (let i = from; i < to; i++) for (const chat of b.chats) fake.sendText(chat, `halo ${i}`);
}

type Row = {
  chat_id: string;
  seq: number;
  direction: string;
  text: string | null;
  status: string;
  channel_message_id: string | null;
  in_reply_to: string | null;
  id: string;
};

export type Query = (text: string, params: unknown[]) => Promise<Row[]>;

const defaultQuery: Query = (text, params) => sql<Row>(text, params) as Promise<Row[]>;

export interface BurstCounts {
  expected: number;
  recorded: number;
  /** messages sent to the bot and not in the log, or in the log and never answered */
  lost: number;
  /** a second inbound row for one message, or a second reply row for one message */
  duplicateRows: number;
  /** replies the fake Telegram received, all chats */
  delivered: number;
  /** deliveries beyond one per reply row (the documented in-flight resend after a kill -9) */
  resent: number;
  /** the most deliveries beyond one per reply row in a single conversation */
  resentInOneChat: number;
  /** conversations whose inbound rows or deliveries are not in message order */
  outOfOrder: number;
  /** updates the fake still holds unconfirmed */
  unconfirmed: number;
}

async function logOf(b: Burst, query: Query): Promise<Row[]> {
  return query(
    `SELECT c.chat_id, m.seq, m.direction, m.text, m.status, m.channel_message_id, m.in_reply_to, m.id
     FROM message m JOIN conversation c ON c.id = m.conversation_id
     WHERE c.channel = 'telegram' AND c.chat_id = ANY($1) ORDER BY c.chat_id, m.seq`,
    [b.chats.map(String)],
  );
}

export function countBurst(fake: FakeTelegram, b: Burst, rows: Row[]): BurstCounts {
  const counts: BurstCounts = {
    expected: b.chats.length * b.perChat,
    recorded: 0,
    lost: 0,
    duplicateRows: 0,
    delivered: 0,
    resent: 0,
    resentInOneChat: 0,
    outOfOrder: 0,
    unconfirmed: fake.pendingUpdates.length,
  };
  const byChat = new Map<string, Row[]>();
  for (const r of rows) byChat.set(r.chat_id, [...(byChat.get(r.chat_id) ?? []), r]);
  for (const chat of b.chats) {
    const log = byChat.get(String(chat)) ?? [];
    const inbound = log.filter((r) => r.direction === "in");
    const out = log.filter((r) => r.direction === "out");
    counts.recorded += inbound.length;
    const texts = new Set(inbound.map((r) => r.text));
    counts.duplicateRows += inbound.length - texts.size;
    const repliesTo = new Map<string, Row[]>();
    for (const o of out)
      repliesTo.set(o.in_reply_to ?? "", [...(repliesTo.get(o.in_reply_to ?? "") ?? []), o]);
    for (let i = 0; i < b.perChat; i++) {
      const row = inbound.find((r) => r.text === `halo ${i}`);
      const replies = row ? (repliesTo.get(row.id) ?? []) : [];
      if (!row || !replies.some((o) => o.status === "sent")) counts.lost++;
      counts.duplicateRows += Math.max(0, replies.length - 1);
    }
    const inOrder = inbound.map((r) => r.text).join("|") === inbound.map((_, i) => `halo ${i}`).join("|");
    // Deliveries in message order: each reply row names the Telegram message that was recorded for it;
    // a delivery no row names is an earlier copy of a resent reply.
    const delivered = fake.sentTo(chat);
    counts.delivered += delivered.length;
    counts.resent += Math.max(0, delivered.length - out.length);
    counts.resentInOneChat = Math.max(counts.resentInOneChat, delivered.length - out.length);
    const seqOf = new Map(inbound.map((r) => [r.id, r.seq]));
    const byMessageId = new Map(out.map((o) => [o.channel_message_id, o]));
    const order = delivered
      .map((d) => byMessageId.get(String(d.messageId)))
      .filter((o) => o !== undefined)
      .map((o) => seqOf.get(o.in_reply_to!)!);
    const sorted = order.every((s, i) => i === 0 || order[i - 1]! < s);
    if (!inOrder || !sorted) counts.outOfOrder++;
  }
  return counts;
}

/**
 * Waits (polling, bounded) until every message of the burst is answered and sent, then counts,
 * prints the counts under `label` and checks them: nothing lost, no duplicate row, order kept,
 * at most `maxResent` replies delivered twice.
 */
export async function expectBurstDone(
  fake: FakeTelegram,
  b: Burst,
  label: string,
  options: { maxResent?: number; timeoutMs?: number; query?: Query; startedAt?: number } = {},
): Promise<BurstCounts> {
  const query = options.query ?? defaultQuery;
  const expected = b.chats.length * b.perChat;
  let last: BurstCounts | undefined;
  const rows = await eventually(
    async () => {
      const r = await logOf(b, query);
      last = countBurst(fake, b, r);
      return last.lost === 0 && r;
    },
    `all ${expected} messages of "${label}" answered and sent`,
    options.timeoutMs ?? 120_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last count: ${JSON.stringify(last)}`);
  });
  const counts = countBurst(fake, b, rows);
  const took = options.startedAt ? ` in ${((Date.now() - options.startedAt) / 1000).toFixed(1)} s` : "";
  console.log(
    `      [${label}] ${b.chats.length} chats × ${b.perChat} = ${counts.expected} sent${took}: ` +
      `${counts.recorded} recorded, ${counts.lost} lost, ${counts.duplicateRows} duplicated rows, ` +
      `${counts.delivered} replies delivered, ${counts.resent} resent (in flight at a kill), ` +
      `${counts.outOfOrder} conversations out of order, ${counts.unconfirmed} updates unconfirmed`,
  );
  expect(counts, label).to.include({
    recorded: expected,
    lost: 0,
    duplicateRows: 0,
    outOfOrder: 0,
    unconfirmed: 0,
  });
  expect(counts.resent, `${label}: replies delivered twice`).to.be.at.most(options.maxResent ?? 0);
  // A drain sends one reply at a time: a kill can catch at most one per conversation on the wire.
  expect(counts.resentInOneChat, `${label}: replies resent to one chat`).to.be.at.most(
    Math.min(1, options.maxResent ?? 0),
  );
  return counts;
}
