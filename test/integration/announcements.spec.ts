/**
 * Announcements (issue 14, docs/reminders.md): an admin writes a notice in the console for the
 * Telegram channel; it goes to every opted-in linked member (300 fake Telegram chats here) through
 * the outbound path at the channel's rate (TELEGRAM_MAX_PER_SECOND, measured below), with live
 * counts in the console API and a final delivered/failed count. The queueing "dies" after its
 * first batch (a throw from the test hook, as a killed process) and resumes: nobody gets it twice.
 */
import { expect } from "chai";
import { Pool } from "pg";
import type { App } from "../../main";
import type { AnnouncementView } from "../../shared/reminders/announcements";
import { FakeTelegram } from "../helpers/fake-telegram";
import { addStaff, login } from "../helpers/console";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";
import { testDatabaseUrl, testRedisUrl } from "../support/services";
import { ProactiveScheduler } from "../../relay/reminders/scheduler";
import { dbFromPool } from "../../shared/db";
import { DemoLibrary } from "../../shared/library/demo";
import { silentLogger } from "../../shared/logger";
import { createRedis } from "../../shared/redis";
import { createAnnouncement } from "../../shared/reminders/announcements";

const CHATS = 300;
const FIRST_CHAT = 950_000;
const RATE = 50;
const BLOCKED = 3;

describe("announcements: to every opted-in member, at the channel's rate, counted, once", function () {
  this.timeout(90_000);
  let fake: FakeTelegram;
  let app: App;
  let url: string;
  let pool: Pool;
  let crashes = 0;
  let prefix: string;

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app, prefix } = await startTestApp(fake, {
      env: { TELEGRAM_MAX_PER_SECOND: String(RATE) },
      // The process "dies" once, right after its first batch committed.
      afterAnnouncementBatch: () => {
        if (crashes++ === 0) throw new Error("injected crash after the first batch");
      },
    }));
    url = app.web!.url;
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    // 300 linked, opted-in members on Telegram; 5 linked but opted out; 5 opted in but never verified.
    await pool.query(
      `WITH p AS (
         INSERT INTO patron (display_name, member_id)
         SELECT 'Anggota ' || g, 'ANN' || g FROM generate_series(0, $1 + 9) g RETURNING id, member_id
       ), i AS (
         INSERT INTO channel_identity (channel, external_user_id, patron_id, verified_at, verified_method)
         SELECT 'telegram', ($2 + substr(member_id, 4)::int)::text, id,
                CASE WHEN substr(member_id, 4)::int < $1 + 5 THEN now() END, 'member_id+password'
         FROM p RETURNING patron_id, external_user_id
       )
       INSERT INTO reminder_preference (patron_id, enabled)
       SELECT patron_id, NOT (external_user_id::int - $2 BETWEEN $1 AND $1 + 4) FROM i`,
      [CHATS, FIRST_CHAT],
    );
  });
  after(async () => {
    await app?.close();
    await fake?.close();
    await pool?.end();
    await closeSql();
  });

  async function as(role: "librarian" | "admin") {
    const staff = await addStaff(app, role);
    return login(url, staff.username);
  }
  const headers = (who: { cookie: string; csrfToken: string }) => ({
    "content-type": "application/json",
    origin: url,
    cookie: who.cookie,
    "x-csrf-token": who.csrfToken,
  });
  const send = (who: { cookie: string; csrfToken: string }, body: object) =>
    fetch(`${url}/api/announcements`, { method: "POST", headers: headers(who), body: JSON.stringify(body) });
  const read = async (who: { cookie: string }, id: number): Promise<AnnouncementView> => {
    const res = await fetch(`${url}/api/announcements/${id}`, { headers: { cookie: who.cookie } });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { announcement: AnnouncementView }).announcement;
  };

  it("only admins send; librarians see the list; bad input is refused", async () => {
    const count = async () => (await sql(`SELECT id FROM announcement`)).length;
    const before = await count();
    const librarian = await as("librarian");
    expect((await send(librarian, { textId: "Tutup", channels: ["telegram"] })).status).to.equal(403);
    const list = await fetch(`${url}/api/announcements`, { headers: { cookie: librarian.cookie } });
    expect(list.status).to.equal(200);
    expect(((await list.json()) as { channels: string[] }).channels).to.include("telegram");
    expect((await fetch(`${url}/api/announcements`)).status).to.equal(401);
    const admin = await as("admin");
    expect((await send(admin, { textId: "  ", channels: ["telegram"] })).status).to.equal(400);
    expect((await send(admin, { textId: "Tutup", channels: [] })).status).to.equal(400);
    expect((await send(admin, { textId: "Tutup", channels: ["whatsapp"] })).status).to.equal(400);
    expect(await count()).to.equal(before);
  });

  it(`reaches ${CHATS} chats once each at ≤ ${RATE}/s, resumes after a crash, and counts sent and failed`, async () => {
    const admin = await as("admin");
    const librarian = await as("librarian");
    fake.failNext(
      "sendMessage",
      { status: 403, description: "Forbidden: bot was blocked by the user" },
      BLOCKED,
    );
    const started = Date.now();
    const res = await send(admin, {
      textId: "Perpustakaan tutup pada 25 Desember 2025 (Hari Natal).",
      textEn: "The library is closed on 25 December 2025 (Christmas Day).",
      channels: ["telegram"],
    });
    expect(res.status).to.equal(201);
    const { announcement } = (await res.json()) as { announcement: AnnouncementView };

    // Live progress, as the console's page polls it (every librarian may watch).
    const seen = new Set<number>();
    const final = await eventually(
      async () => {
        const now = await read(librarian, announcement.id);
        seen.add(now.sent);
        return now.done && now;
      },
      "the announcement delivered",
      60_000,
    );
    const expected = (
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM patron p JOIN reminder_preference rp ON rp.patron_id = p.id AND rp.enabled
         JOIN channel_identity ci ON ci.patron_id = p.id AND ci.verified_at IS NOT NULL AND ci.channel = 'telegram'
         WHERE p.member_id IS NOT NULL`,
      )
    )[0]!.n;
    expect(expected).to.be.at.least(CHATS);
    expect(final).to.include({ state: "queued", recipients: expected, queued: 0, failed: BLOCKED });
    expect(final.sent).to.equal(expected - BLOCKED);
    expect(crashes).to.be.greaterThan(1); // crashed once, then resumed
    expect(seen.size, "intermediate counts seen while sending").to.be.greaterThan(2);

    // Once each, to exactly the opted-in, verified chats.
    const mine = fake.sent.filter(
      (m) => Number(m.chatId) >= FIRST_CHAT && Number(m.chatId) < FIRST_CHAT + CHATS + 10,
    );
    const perChat = new Map<string, number>();
    for (const m of mine) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    expect([...perChat.values()].every((n) => n === 1)).to.equal(true);
    for (let i = CHATS; i < CHATS + 10; i++)
      expect(perChat.has(String(FIRST_CHAT + i)), `chat ${i}`).to.equal(false);
    expect(perChat.size + BLOCKED).to.be.at.least(CHATS - BLOCKED);
    expect(mine[0]!.text).to.contain("Pengumuman").and.to.contain("25 Desember 2025");
    const rows = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM announcement_recipient WHERE announcement_id = $1`,
      [announcement.id],
    );
    expect(rows[0]!.n).to.equal(expected);

    // The rate: egress's window lets at most RATE sends a second, so n sends span ≥ ceil(n/RATE) − 1 s.
    const times = fake.sent
      .filter((m) => m.text.startsWith("Pengumuman") || m.text.startsWith("Announcement"))
      .map((m) => m.at)
      .sort((a, b) => a - b);
    const sends = times.length;
    // The most sends Telegram saw in any one second (fixed windows allow up to 2×RATE across a boundary).
    let busiest = 0;
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j]! - times[i]! >= 1000) i++;
      busiest = Math.max(busiest, j - i + 1);
    }
    const spanMs = times.at(-1)! - times[0]!;
    const achieved = (sends - 1) / (spanMs / 1000);
    console.log(
      `      announcement: ${sends} sends (+${BLOCKED} refused) in ${(spanMs / 1000).toFixed(2)} s = ${achieved.toFixed(1)} msg/s (limit ${RATE}/s; busiest second ${busiest}); ` +
        `created → done ${((Date.now() - started) / 1000).toFixed(2)} s`,
    );
    // Measured where Telegram receives them: the first send also opens the HTTP connection, so the
    // span may come out a little short of the windows' (tolerance 250 ms; with no limit it is ~2.5 s).
    expect(spanMs).to.be.at.least((Math.ceil(sends / RATE) - 1) * 1000 - 250);
    expect(busiest).to.be.at.most(2 * RATE);

    const audit = await sql<{ action: string; detail: Record<string, unknown> }>(
      `SELECT action, detail FROM audit_event WHERE subject = $1 ORDER BY id`,
      [`announcement:${announcement.id}`],
    );
    expect(audit.map((a) => a.action)).to.deep.equal(["announcement_created", "announcement_queued"]);
    expect(audit[1]!.detail).to.include({ recipients: expected });
  });

  it("an announcement whose request never reached the relay is queued when a relay process starts", async () => {
    const admin = (await sql<{ id: number }>(`SELECT id FROM staff_user WHERE role = 'admin' LIMIT 1`))[0]!
      .id;
    // Written and audited as the console does, but its job never added (Redis was away).
    const id = await createAnnouncement(dbFromPool(pool), {
      textId: "Layanan daring libur besok.",
      textEn: "",
      channels: ["webchat"],
      staffId: admin,
    });
    const connection = createRedis(testRedisUrl(), "test-recovery");
    const relay = new ProactiveScheduler({
      db: dbFromPool(pool),
      connection,
      prefix,
      logger: silentLogger,
      library: new DemoLibrary({ timeZone: "Asia/Jakarta" }),
      libraryName: "Perpustakaan",
      timeZone: "Asia/Jakarta",
      hour: 8,
      daysBefore: [3, 1],
    });
    try {
      await relay.start();
      const done = await eventually(async () => {
        const [row] = await sql<{ state: string; recipients: number | null }>(
          `SELECT state, recipients FROM announcement WHERE id = $1`,
          [id],
        );
        return row?.state === "queued" && row;
      }, "the pending announcement queued");
      expect(done.recipients).to.equal(0); // nobody is linked on the web chat here
    } finally {
      await relay.close();
      connection.disconnect();
    }
  });
});
