/**
 * Fuzz: 10,000 generated Telegram updates (random unicode with U+0000 and lone surrogates, huge
 * texts, missing `from`/`chat`, negative and huge ids and dates, unknown fields and kinds, group,
 * supergroup and channel chats, garbage bodies) through the real adapter — the fake Telegram and
 * the real telegraf poller — into the real database, with the relay and egress running. Asserts:
 * no worker stops, intake never stops (every update is confirmed), every update is either logged
 * or dead-lettered with a reason (counted), and a normal message afterwards is answered.
 *
 * Seeded: FUZZ_SEED=<n> repeats a run (the seed is printed); FUZZ_UPDATES=<n> changes the count.
 */
import { expect } from "chai";
import { normaliseTelegramUpdate } from "../../bot/channels/telegram";
import type { App } from "../../main";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed: number, base: number) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const chance = (p: number) => rnd() < p;
  const char = (): string => {
    const r = rnd();
    if (r < 0.08) return "\u0000";
    if (r < 0.14) return String.fromCharCode(0xd800 + int(0x400)); // lone high surrogate
    if (r < 0.2) return String.fromCharCode(0xdc00 + int(0x400)); // lone low surrogate
    if (r < 0.25) return String.fromCodePoint(0x1f300 + int(0x300)); // a proper pair
    if (r < 0.3) return pick(["/", "@", "\\", "'", '"', "\n", "\t", "%", "$1", "\u202e", "\ufeff"]);
    if (r < 0.6) return String.fromCharCode(0x20 + int(0x5f));
    return String.fromCharCode(int(0xd7ff) + 1);
  };
  const text = (max: number) => Array.from({ length: 1 + int(max) }, char).join("");
  const bigText = () => text(40).repeat(200 + int(800)); // 8k–40k characters
  const chats = Array.from({ length: 150 }, () => base + int(1_000_000));
  const chatId = () =>
    pick([
      () => pick(chats),
      () => pick(chats),
      () => pick(chats),
      () => -1_000_000_000_000 - int(1e9), // supergroups and channels are negative
      () => Number.MAX_SAFE_INTEGER - int(1e6),
    ])();
  const user = () =>
    chance(0.1)
      ? { id: pick([-int(1e9), Number.MAX_SAFE_INTEGER - int(100), int(1e12)]), is_bot: chance(0.2) }
      : {
          id: base + int(1_000_000),
          is_bot: false,
          first_name: text(12),
          ...(chance(0.5) ? { last_name: text(12) } : {}),
          ...(chance(0.5) ? { language_code: pick(["id", "en", "xx", text(3)]) } : {}),
        };
  const chat = (id: number) => ({
    id,
    type: pick(["private", "private", "group", "supergroup", "channel", text(6)]),
    ...(chance(0.5) ? { title: text(20) } : {}),
  });
  const date = () =>
    pick([1_764_000_000, 1_764_000_000 + int(1e6), -int(1e12), 1e20, 8.64e12 + 1, 0]) as number;
  const content = (): Record<string, unknown> =>
    pick([
      () => ({ text: text(60) }),
      () => ({ text: text(60) }),
      () => ({ text: `/${pick(["start", "jam", "pinjaman", "tautkan", "batal", text(8)])}${text(6)}` }),
      () => ({ text: chance(0.2) ? bigText() : text(400) }),
      () => ({ photo: [{ file_id: text(10), width: -1, height: 1e300 }], caption: text(30) }),
      () => ({ sticker: { file_id: text(10), emoji: text(2) } }),
      () => ({ location: { latitude: rnd() * 1e6, longitude: -rnd() } }),
      () => ({ contact: { phone_number: text(14), user_id: int(1e12), first_name: text(8) } }),
      () => ({ [text(8)]: { [text(5)]: text(10) } }), // an unknown message type
      () => ({}),
    ])();

  return (i: number): Record<string, unknown> => {
    const update_id = base + i;
    const messageId = pick([i + 1, -(i + 1), 2 ** 40 + i]);
    const message = () => ({
      message_id: messageId,
      date: date(),
      ...(chance(0.93) ? { chat: chat(chatId()) } : {}),
      ...(chance(0.9) ? { from: user() } : {}),
      ...content(),
      ...(chance(0.1) ? { [text(6)]: text(6) } : {}),
    });
    const body = pick([
      () => ({ message: message() }),
      () => ({ message: message() }),
      () => ({ message: message() }),
      () => ({ message: message() }),
      () => ({ edited_message: { ...message(), edit_date: date() } }),
      () => ({
        callback_query: {
          id: `fuzz-${seed}-${i}`,
          ...(chance(0.9) ? { from: user() } : {}),
          data: text(64),
          ...(chance(0.7) ? { message: message() } : {}),
        },
      }),
      () => ({
        my_chat_member: {
          chat: chat(chatId()),
          from: user(),
          date: date(),
          new_chat_member: { status: text(6) },
        },
      }),
      () => ({
        [pick(["poll_answer", "chat_join_request", "business_message", text(10)])]: {
          user: user(),
          chat: chat(chatId()),
        },
      }),
      () => ({ [text(10)]: pick([null, 1, "x", [], { nothing: true }]) }),
      () => ({ message: pick([null, "a string", 42, [], { chat: "nope", from: [] }]) }),
    ])();
    return { update_id, ...body };
  };
}

describe("fuzz: 10,000 odd Telegram updates stop nothing", function () {
  this.timeout(180_000);
  let fake: FakeTelegram;
  let app: App;

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, { roles: ["bot", "relay"], now: () => MONDAY_MORNING }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("logs or dead-letters every update, keeps intake running, and answers a normal message after", async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const total = Number(process.env.FUZZ_UPDATES ?? 10_000);
    const base = 3_000_000_000 + (seed % 1_000_000) * 1000;
    console.log(`      fuzz seed ${seed} (FUZZ_SEED=${seed} repeats this run), ${total} updates`);
    const next = generator(seed, base);
    const started = Date.now();
    const updates: Array<Record<string, unknown>> = [];
    // Fed in slices so the poller's batches interleave with generation, like real traffic.
    for (let i = 0; i < total; i++) {
      const update = next(i);
      updates.push(JSON.parse(JSON.stringify(update)) as Record<string, unknown>);
      fake.pushUpdate(update);
      if (i % 500 === 499) await fake.waitFor(() => fake.pendingUpdates.length < 1000, { timeoutMs: 60_000 });
    }
    await fake.waitFor(() => fake.pendingUpdates.length === 0 && fake.isPolling, {
      timeoutMs: 90_000,
      what: "every update confirmed by the poller",
    });
    const intakeMs = Date.now() - started;

    // Where each update should be: its message key (logged) or its dead letter.
    const keys = updates.map((u) => {
      try {
        return normaliseTelegramUpdate(u)?.key ?? null;
      } catch {
        return null;
      }
    });
    const messageKeys = [...new Set(keys.filter((k): k is string => k !== null))];
    const logged = await sql<{ channel_key: string }>(
      `SELECT channel_key FROM message WHERE channel = 'telegram' AND direction = 'in' AND channel_key = ANY($1)`,
      [messageKeys],
    );
    const loggedKeys = new Set(logged.map((r) => r.channel_key));
    const letters = await sql<{ channel_key: string; reason: string; error: string }>(
      `SELECT channel_key, reason, error FROM dead_letter WHERE channel_key = ANY($1)`,
      [[...new Set([...messageKeys, ...updates.map((u) => `u${String(u.update_id)}`)])]],
    );
    const letterKeys = new Set(letters.map((r) => r.channel_key));
    const missing = updates.filter((u, i) => {
      const key = keys[i] ?? null;
      if (key !== null && (loggedKeys.has(key) || letterKeys.has(key))) return false;
      return !letterKeys.has(`u${String(u.update_id)}`);
    });
    expect(
      missing,
      `updates neither logged nor dead-lettered, e.g. ${JSON.stringify(missing[0])?.slice(0, 300)}`,
    ).to.have.length(0);
    expect(letters.every((l) => l.reason && l.error)).to.equal(true);
    const reasons = letters.reduce<Record<string, number>>(
      (n, l) => ({ ...n, [l.reason]: (n[l.reason] ?? 0) + 1 }),
      {},
    );
    console.log(
      `      ${total} updates in ${intakeMs} ms: ${loggedKeys.size} logged, dead letters ${JSON.stringify(reasons)}`,
    );

    // A normal patron, after the fuzz, is answered within seconds.
    const patron = base - 1;
    const asked = Date.now();
    fake.sendText(patron, "/jam");
    const [reply] = await fake.waitForSent(1, { chatId: patron, timeoutMs: 30_000 });
    expect(reply!.text).to.match(/\d\d[.:]\d\d/);
    console.log(`      a normal /jam answered ${Date.now() - asked} ms after it was sent`);
    const health = await app.health();
    expect(health.ok, JSON.stringify(health.checks)).to.equal(true);
    expect(await eventually(async () => fake.isPolling, "the poller still polling")).to.equal(true);
  });
});
