/**
 * Section: console fan-out. `sockets` librarians signed in over HTTP and connected with
 * socket.io-client (spread over the given web nodes), every one with the bench's conversations
 * open; `chats` patrons hand off to a librarian (/pustakawan), then write at a fixed rate. For
 * each patron message, at every socket: `message:new` (sockets with the conversation open) and
 * `conversation:changed` (all staff), timed from the message's recorded time (`createdAt`, the
 * ingress statement's `now()` in PostgreSQL) to the event's arrival here. Same machine, same
 * clock; millisecond resolution.
 */
import { Pool } from "pg";
import { dbFromPool } from "../shared/db";
import { StaffStore } from "../web/console/staff";
import { connect, login, PASSWORD, request, type ConsoleClient } from "../test/helpers/console";
import type { ConversationSummary } from "../web/console/events";
import type { FakeBotApi } from "./processes";
import { measured, printMeasured, type Watched } from "./measure";

const TAG = "fanout";

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

export interface FanoutOptions {
  databaseUrl: string;
  /** one base URL per web node; sockets are spread over them round robin */
  webUrls: string[];
  sockets: number;
  chats: number;
  perSecond: number;
  seconds: number;
  firstChat: number;
  label: string;
}

/** Librarian accounts bench-lib-0 … (created once per bench database; reused by a second run). */
async function librarians(databaseUrl: string, count: number): Promise<string[]> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const store = new StaffStore(dbFromPool(pool));
  try {
    const existing = new Set((await store.list()).map((s) => s.username));
    const names = Array.from({ length: count }, (_, i) => `bench-lib-${i}`);
    for (const username of names)
      if (!existing.has(username))
        await store.add({
          username,
          displayName: `Bench ${username}`,
          role: "librarian",
          password: PASSWORD,
        });
    return names;
  } finally {
    await pool.end();
  }
}

export async function fanout(fake: FakeBotApi, w: Watched, o: FanoutOptions) {
  const names = await librarians(o.databaseUrl, o.sockets);
  const clients: ConsoleClient[] = [];
  try {
    for (const [i, username] of names.entries()) {
      const url = o.webUrls[i % o.webUrls.length]!;
      const { cookie } = await login(url, username);
      clients.push(await connect(url, { cookie, origin: url }));
    }

    // The patrons ask for a librarian: each gets the bot's acknowledgment (one reply each).
    const chats = Array.from({ length: o.chats }, (_, i) => o.firstChat + i);
    const handed = await fake.run({
      op: "burst",
      chats: o.chats,
      perChat: 1,
      text: "/pustakawan",
      firstChat: o.firstChat,
      timeoutMs: 60_000,
    });
    if (handed.replies < o.chats)
      throw new Error(`only ${handed.replies} of ${o.chats} handoffs were acknowledged`);

    // Every socket opens every one of these conversations (joins its room).
    const listed = await request<{ conversations: ConversationSummary[] }>(clients[0]!, "queue:list");
    if (!listed.ok) throw new Error(`queue:list: ${listed.error}`);
    const ours = listed.conversations.filter((c) => c.state === "waiting").slice(-o.chats * 4);
    for (const client of clients)
      for (const c of ours) {
        const opened = await request(client, "conversation:open", c.id);
        if (!opened.ok) throw new Error(`conversation:open ${c.id}: ${opened.error}`);
      }

    // An idle PostgreSQL backend sends its statistics up to 10 s late (PGSTAT_IDLE_INTERVAL): without
    // this wait, the 50 × 80 opens above were counted as the patron messages' work.
    await new Promise((resolve) => setTimeout(resolve, 11_000));

    const count = Math.round(o.perSecond * o.seconds);
    const openIds = new Set(ours.map((c) => c.id));
    const messageLatency: number[] = [];
    const changedLatency: number[] = [];
    const expected = count * clients.length;
    let done: () => void = () => undefined;
    const allArrived = new Promise<void>((resolve) => (done = resolve));
    const check = () => {
      if (messageLatency.length >= expected && changedLatency.length >= expected) done();
    };
    for (const client of clients) {
      const seen = new Set<string>();
      client.on("message:new", (m) => {
        if (m.author !== "patron" || !m.text?.startsWith(`${TAG} `)) return;
        messageLatency.push(Date.now() - Date.parse(m.createdAt));
        check();
      });
      client.on("conversation:changed", (c) => {
        if (!openIds.has(c.id)) return;
        // One per patron message: the summary after it (a later event for the same message is not counted again).
        const key = `${c.id}@${c.lastMessageAt}`;
        if (seen.has(key)) return;
        seen.add(key);
        changedLatency.push(Date.now() - Date.parse(c.lastMessageAt));
        check();
      });
    }

    const deadline = new Promise<void>((resolve) => setTimeout(resolve, o.seconds * 1000 + 30_000).unref());
    const m = await measured(w, async () => {
      const offered = await fake.run({ op: "offer", chats, count, perSecond: o.perSecond, text: TAG });
      await Promise.race([allArrived, deadline]);
      return { ...offered, replies: count };
    });
    const ms = [...messageLatency].sort((a, b) => a - b);
    const cs = [...changedLatency].sort((a, b) => a - b);
    const row = {
      label: o.label,
      count,
      sockets: clients.length,
      nodes: o.webUrls.length,
      perSecond: o.perSecond,
      delivered: ms.length,
      changed: cs.length,
      expected,
      p50: quantile(ms, 0.5),
      p99: quantile(ms, 0.99),
      max: ms.at(-1) ?? NaN,
      changedP50: quantile(cs, 0.5),
      changedP99: quantile(cs, 0.99),
    };
    console.log(
      `fan-out [${o.label}]: ${count} patron messages at ${o.perSecond}/s to ${clients.length} sockets on ${o.webUrls.length} web node(s): ` +
        `message:new ${row.delivered}/${expected}, p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms, max ${row.max.toFixed(0)} ms; ` +
        `conversation:changed ${row.changed}/${expected}, p50 ${row.changedP50.toFixed(0)} ms, p99 ${row.changedP99.toFixed(0)} ms`,
    );
    printMeasured(m);
    return { ...row, cpu: m.cpuMsPerMessage };
  } finally {
    for (const c of clients) c.close();
  }
}
