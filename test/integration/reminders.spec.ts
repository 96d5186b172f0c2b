/**
 * Due-date reminders end to end (issue 14, docs/reminders.md): patrons on the fake Telegram link
 * their membership (the demo library, seeded on 1 Dec 2025) and say /pengingat on; the reminder
 * run reads their loans as of a day the test chooses (an injected clock, never real time) and the
 * reminders arrive through the normal outbound path. Once per loan, due date and kind: two
 * schedulers at once and a restart of the app send one message; renewal moves the next one.
 */
import { expect } from "chai";
import { Job, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { App } from "../../main";
import { Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { DemoLibrary } from "../../shared/library/demo";
import type { LibrarySystem } from "../../shared/library/port";
import { DEMO_PASSWORD } from "../../shared/library/demo-seed";
import { silentLogger } from "../../shared/logger";
import { createRedis } from "../../shared/redis";
import { formatDate } from "../../shared/texts";
import { ProactiveScheduler } from "../../relay/reminders/scheduler";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, sql, startTestApp } from "../helpers/app";
import { testDatabaseUrl, testRedisUrl, uniquePrefix } from "../support/services";

const SITI = "2021110001";
const BUDI = "2020120002";
/** 08:00 in Jakarta on the given day. */
const at8 = (day: string) => new Date(`${day}T01:00:00Z`);

describe("due-date reminders: opt-in, once per loan and due date, through the outbound path", function () {
  this.timeout(60_000);
  let fake: FakeTelegram;
  let app: App;
  let clock = at8("2025-11-29");
  const now = () => clock;
  const prefix = uniquePrefix("rem");
  const library = new DemoLibrary({ timeZone: "Asia/Jakarta", seedDate: "2025-12-01" });
  const connections: Redis[] = [];
  const pools: Pool[] = [];
  const schedulers: ProactiveScheduler[] = [];
  const chat = { siti: 733_001, budi: 733_002, unlinked: 733_003 };

  const start = async () =>
    ({ app } = await startTestApp(fake, {
      prefix,
      now,
      library,
      env: { INBOUND_MAX_PER_MINUTE: "200" },
    }));

  before(async () => {
    fake = await FakeTelegram.start();
    await start();
  });
  after(async () => {
    for (const s of schedulers) await s.close();
    for (const c of connections) c.disconnect();
    for (const p of pools) await p.end();
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  /** Another relay process's scheduler: its own database pool, Redis connection and worker, the same clock. */
  async function scheduler(
    overrides: { library?: LibrarySystem; prefix?: string } = {},
  ): Promise<ProactiveScheduler> {
    const connection = createRedis(testRedisUrl(), "test-proactive");
    connections.push(connection);
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    pools.push(pool);
    const s = new ProactiveScheduler({
      db: dbFromPool(pool),
      connection,
      prefix: overrides.prefix ?? prefix,
      logger: silentLogger,
      library: overrides.library ?? library,
      libraryName: "Perpustakaan",
      timeZone: "Asia/Jakarta",
      hour: 8,
      daysBefore: [3, 1],
      now,
    });
    schedulers.push(s);
    await s.start();
    return s;
  }

  async function say(id: number, text: string) {
    const before = fake.sentTo(id).length;
    fake.sendText(id, text);
    return (await fake.waitForSent(before + 1, { chatId: String(id) }))[before]!;
  }
  async function press(id: number, data: string) {
    const before = fake.sentTo(id).length;
    fake.pressButton(id, data);
    return (await fake.waitForSent(before + 1, { chatId: String(id) }))[before]!;
  }
  async function link(id: number, memberId: string) {
    await say(id, memberId);
    expect((await say(id, DEMO_PASSWORD)).text).to.contain("Berhasil");
  }
  const setting = async (id: number) =>
    (
      await sql<{ enabled: boolean | null }>(
        `SELECT rp.enabled FROM channel_identity ci LEFT JOIN reminder_preference rp ON rp.patron_id = ci.patron_id
         WHERE ci.channel = 'telegram' AND ci.external_user_id = $1`,
        [String(id)],
      )
    )[0]?.enabled ?? null;
  /** The reminder rows of a chat's log, oldest first. */
  const reminders = async (id: number) => (await chatLog(id)).filter((m) => m.handled_by === "reminder");
  const keys = (memberId: string) =>
    sql<{ loan_id: number; due_date: string; kind: string; message_id: string }>(
      `SELECT loan_id, due_date, kind, message_id::text FROM reminder_sent WHERE member_id = $1 ORDER BY created_at`,
      [memberId],
    );

  it("/pengingat refuses an unlinked patron and tells them how to link, in both languages", async () => {
    expect((await say(chat.unlinked, "/pengingat on")).text).to.contain("/tautkan");
    expect((await say(chat.unlinked, "/reminders on")).text).to.contain("/link");
    expect((await say(chat.unlinked, "/pengingat")).text).to.contain("hanya untuk anggota");
    expect(await setting(chat.unlinked)).to.equal(null);
  });

  it("/pengingat on/off round trip: off by default, stored per patron, audited", async () => {
    await link(chat.siti, SITI);
    expect((await say(chat.siti, "/pengingat")).text)
      .to.contain("MATI")
      .and.to.contain("/pengingat on");
    expect(await setting(chat.siti)).to.equal(null);
    expect((await say(chat.siti, "/pengingat on")).text).to.contain("Pengingat diaktifkan");
    expect(await setting(chat.siti)).to.equal(true);
    expect((await say(chat.siti, "/pengingat")).text).to.contain("AKTIF");
    expect((await say(chat.siti, "/reminders off")).text).to.contain("Reminders turned off");
    expect(await setting(chat.siti)).to.equal(false);
    expect((await say(chat.siti, "/pengingat nanti")).text).to.contain("/pengingat on atau /pengingat off");
    expect((await say(chat.siti, "/pengingat on")).text).to.contain("Pengingat diaktifkan");
    const events = await sql<{ action: string }>(
      `SELECT action FROM audit_event WHERE action LIKE 'reminders_%' AND actor_id = $1 ORDER BY id`,
      [SITI],
    );
    expect(events.map((e) => e.action)).to.deep.equal(["reminders_on", "reminders_off", "reminders_on"]);
  });

  it("the first overdue day: one message in the patron's language (English here) that says how to renew by chat", async () => {
    await link(chat.budi, BUDI);
    await say(chat.budi, "/language en");
    await say(chat.budi, "/reminders on");
    // Budi's B0003-1 was due on 26 Nov 2025: the 27th is its first overdue day.
    clock = at8("2025-11-27");
    const s = await scheduler();
    const result = await s.runReminders();
    expect(result).to.include({ today: "2025-11-27", messages: 1, loans: 1 });
    const [overdue] = await eventually(async () => {
      const rows = (await reminders(chat.budi)).filter((m) => m.status === "sent");
      return rows.length > 0 && rows;
    }, "the overdue reminder sent");
    expect(overdue!.author).to.equal("system");
    const delivered = fake.sentTo(chat.budi).at(-1)!;
    expect(delivered.text).to.equal(overdue!.text);
    expect(delivered.text)
      .to.contain("Dasar-Dasar Statistika")
      .and.to.contain("overdue")
      .and.to.contain("/renew");
    // The next day is not the first overdue day any more.
    clock = at8("2025-11-28");
    expect(await s.runReminders()).to.include({ messages: 0 });
    expect(await reminders(chat.budi)).to.have.length(1);
  });

  it("a loan due in 3 days gets exactly one reminder, with two schedulers at once and after a restart", async () => {
    // Siti's B0001-1 is due on 3 Dec 2025.
    clock = at8("2025-11-30");
    const [a, b] = [await scheduler(), await scheduler()];
    // A queued run (whichever worker takes it) and three direct ones, all at once.
    const job = await a.requestReminders();
    const runs = await Promise.all([a.runReminders(), b.runReminders(), a.runReminders()]);
    await eventually(async () => (await job.getState()) === "completed", "the queued run completed");
    const queue = new Queue("proactive", { connection: connections[0]!, prefix });
    const queued = (await Job.fromId(queue, job.id!))!.returnvalue as { messages: number };
    await queue.close();
    expect(runs.reduce((n, r) => n + r.messages, queued.messages)).to.equal(1);
    const [reminder] = await eventually(async () => {
      const rows = (await reminders(chat.siti)).filter((m) => m.status === "sent");
      return rows.length > 0 && rows;
    }, "Siti's reminder sent");
    expect(reminder!.text).to.contain("Metodologi Penelitian Kualitatif").and.to.contain("3 hari lagi");
    expect(reminder!.text).to.contain("3 Des 2025").and.to.contain("/perpanjang");
    expect(fake.sentTo(chat.siti).at(-1)!.text).to.equal(reminder!.text);

    // A restart: the app and one scheduler go, new ones come, and run the same day again.
    await a.close();
    await app.close();
    await start();
    const c = await scheduler();
    expect(await c.runReminders()).to.include({ messages: 0 });
    expect(await b.runReminders()).to.include({ messages: 0 });
    expect(await reminders(chat.siti)).to.have.length(1);
    expect((await keys(SITI)).map((k) => `${k.loan_id}:${k.due_date}:${k.kind}`)).to.deep.equal([
      "1:2025-12-03:before:3",
    ]);
  });

  it("an opted-out patron gets none", async () => {
    await say(chat.budi, "/reminders off");
    // Budi's T0004-1 is due on 2 Dec 2025: a "1 day" reminder on the 1st, were he opted in.
    clock = at8("2025-12-01");
    const before = fake.sentTo(chat.budi).length;
    const s = await scheduler();
    const result = await s.runReminders();
    expect(result.messages).to.equal(0); // Siti's loans are 2 and 5 days away
    expect(await reminders(chat.budi)).to.have.length(1); // the overdue one from before
    expect(await keys(BUDI)).to.have.length(1);
    expect(fake.sentTo(chat.budi)).to.have.length(before);
  });

  it("renewal moves the due date, and the next reminder follows the new date", async () => {
    const s = await scheduler();
    clock = at8("2025-12-02"); // B0001-1 due tomorrow
    expect(await s.runReminders()).to.include({ messages: 1 });
    // Renewed by chat, as the reminder says: /perpanjang, pick the book, confirm.
    // The "due tomorrow" reminder arrives first (the chat's replies below are then the dialog's).
    const dueTomorrow = await eventually(async () => {
      const sent = (await reminders(chat.siti)).filter((m) => m.status === "sent");
      return sent.length >= 2 && fake.sentTo(chat.siti).at(-1)!.text === sent.at(-1)!.text && sent.at(-1)!;
    }, "the due-tomorrow reminder delivered");
    expect(dueTomorrow.text).to.contain("jatuh tempo besok");
    expect((await say(chat.siti, "/perpanjang")).text).to.contain("Pilih buku");
    expect((await press(chat.siti, "/perpanjang pilih 1")).text).to.contain("Perpanjang");
    const renewed = await press(chat.siti, "/perpanjang ya 1");
    const newDue = (await library.currentLoans(SITI, "2025-12-02")).find((l) => l.loanId === 1)!.dueDate!;
    expect(renewed.text).to.contain(formatDate("id", newDue));
    expect(newDue > "2025-12-05").to.equal(true);
    // Same day again: the renewed loan is not due within 3 or 1 days.
    expect(await s.runReminders()).to.include({ messages: 0 });
    const day = new Date(`${newDue}T01:00:00Z`);
    day.setUTCDate(day.getUTCDate() - 3);
    clock = day;
    const result = await s.runReminders();
    expect(result.messages).to.be.greaterThan(0);
    const mine = (await keys(SITI)).filter((k) => k.loan_id === 1).map((k) => `${k.due_date}:${k.kind}`);
    expect(mine).to.deep.equal(["2025-12-03:before:3", "2025-12-03:before:1", `${newDue}:before:3`]);
    const last = await eventually(async () => {
      const rows = (await reminders(chat.siti)).filter((m) => m.status === "sent");
      return rows.length >= 3 && rows.at(-1);
    }, "the reminder for the new due date");
    expect(last.text).to.contain("Metodologi Penelitian Kualitatif").and.to.contain(formatDate("id", newDue));
  });

  it("a member whose loans cannot be read is not marked reminded: the job fails with a code and its retry reminds them", async () => {
    // 00:30 on 3 Dec in Jakarta, still the 2nd in UTC: "today" is the library's. Siti's B0002-1 is due on the 6th.
    clock = new Date("2025-12-02T17:30:00Z");
    const down: LibrarySystem = Object.assign(Object.create(library) as LibrarySystem, {
      currentLoans: () => Promise.reject(new Error("SLiMS unreachable")),
    });
    const before = (await keys(SITI)).length;
    // Its own queue, so that no healthy worker of this test takes the job.
    const downPrefix = uniquePrefix("rem-down");
    const broken = await scheduler({ library: down, prefix: downPrefix });
    const failing = await broken.runReminders();
    expect(failing).to.include({ today: "2025-12-03", messages: 0 });
    expect(failing.failed).to.be.at.least(1); // Siti, and any opted-in member other tests left
    expect(await keys(SITI)).to.have.length(before);
    const job = await broken.requestReminders();
    const queue = new Queue("proactive", { connection: connections[0]!, prefix: downPrefix });
    try {
      const failed = await eventually(async () => {
        const now = await Job.fromId(queue, job.id!);
        return now?.failedReason ? now : undefined;
      }, "the failed run");
      expect(failed.failedReason).to.contain("could not be read");
      expect(await failed.getState()).to.equal("delayed"); // its retry
      await failed.remove();
    } finally {
      await queue.close();
    }
    const healthy = await scheduler();
    expect(await healthy.runReminders()).to.include({ failed: 0, messages: 1 });
    expect((await keys(SITI)).at(-1)).to.include({ loan_id: 2, due_date: "2025-12-06", kind: "before:3" });
  });

  it("the job scheduler is one per deployment at REMINDER_HOUR in LIBRARY_TIMEZONE, and start() twice leaves one worker", async () => {
    const connection = createRedis(testRedisUrl(), "test-queue");
    connections.push(connection);
    const queue = new Queue("proactive", { connection, prefix });
    try {
      const before = (await queue.getWorkers()).length;
      const s = await scheduler();
      const once = (await queue.getWorkers()).length;
      await s.start();
      await Promise.all([s.start(), s.start()]);
      expect(once).to.equal(before + 1);
      expect((await queue.getWorkers()).length).to.equal(once);
      const all = await queue.getJobSchedulers();
      expect(all.map((j) => [j.key, j.pattern, j.tz])).to.deep.equal([
        ["reminders-daily", "0 8 * * *", "Asia/Jakarta"],
      ]);
    } finally {
      await queue.close();
    }
  });
});
