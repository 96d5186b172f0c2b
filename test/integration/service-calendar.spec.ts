/**
 * The service calendar end to end (docs/calendar.md): admins change it in the console over
 * Socket.IO, and `/jam` and the handoff's "when librarians answer" follow it at once
 * (SERVICE_CALENDAR_CACHE_MS=0); SLiMS's `holiday` table appears in it as imported exceptions,
 * and the library's own exception wins on the same date. Real PostgreSQL, Redis and MariaDB.
 *
 * The calendar is stored in the run's one database: every test leaves it empty again, so the
 * other specs keep LIBRARY_HOURS as their weekly hours.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { FakeTelegram } from "../helpers/fake-telegram";
import { SlimsFixture } from "../helpers/slims-fixture";
import { closeSql, sql, startTestApp } from "../helpers/app";
import { Presence } from "../../shared/presence";
import { addStaff, connect, login, request, type ConsoleClient } from "../helpers/console";
import type { CalendarView } from "../../web/console/calendar-view";

/** WIB is UTC+7: a wall-clock moment in Jakarta as a Date. */
const wib = (local: string) => new Date(`${local}:00+07:00`);
const MONDAY_0900 = wib("2025-12-01T09:00");

interface CalendarAnswer {
  calendar: CalendarView;
  problems?: Array<{ code: string; field: string }>;
}

describe("service calendar: console, /jam, handoff, SLiMS holidays", function () {
  this.timeout(60_000);
  let fake: FakeTelegram;
  let slims: SlimsFixture;
  let app: App;
  let clock = MONDAY_0900;
  let chat = 714_000;
  const sockets: Record<"admin" | "librarian" | "auditor", ConsoleClient> = {} as never;
  const staff: Record<string, string> = {};
  let presence: Presence;

  before(async () => {
    fake = await FakeTelegram.start();
    slims = await SlimsFixture.create("InnoDB");
    let prefix: string;
    ({ app, prefix } = await startTestApp(fake, {
      now: () => clock,
      env: {
        LIBRARY_HOURS: "mon-thu 08:00-16:00; fri 08:00-16:30",
        SLIMS_DATABASE_URL: slims.relayUrl,
        SLIMS_HOLIDAY_CACHE_MS: "0",
        SERVICE_CALENDAR_CACHE_MS: "0",
      },
    }));
    presence = new Presence(app.redis, prefix);
    for (const role of ["admin", "librarian", "auditor"] as const)
      staff[role] = (await addStaff(app, role)).username;
  });

  beforeEach(async () => {
    for (const role of ["admin", "librarian", "auditor"] as const) {
      const { cookie } = await login(app.web!.url, staff[role]!);
      sockets[role] = await connect(app.web!.url, { cookie });
    }
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await slims?.cleanup();
    await closeSql();
  });

  afterEach(async () => {
    for (const s of Object.values(sockets)) s.close();
    clock = MONDAY_0900;
    await app.dataSource.query(`DELETE FROM service_exception`);
    await app.dataSource.query(`DELETE FROM service_week`);
    await slims.exec(`DELETE FROM holiday`);
  });

  /** The patron writes `text`; resolves with the bot's reply. */
  async function say(text: string, id = ++chat): Promise<string> {
    const before = fake.sentTo(id).length;
    fake.sendText(id, text);
    const all = await fake.waitForSent(before + 1, { chatId: String(id) });
    return all[before]!.text ?? "";
  }
  const ask = (role: keyof typeof sockets, event: Parameters<typeof request>[1], ...args: unknown[]) =>
    request<CalendarAnswer>(sockets[role], event, ...args);
  const okCalendar = async (
    role: keyof typeof sockets,
    event: Parameters<typeof request>[1],
    ...args: unknown[]
  ) => {
    const result = await ask(role, event, ...args);
    if (!result.ok) throw new Error(`${event} refused: ${JSON.stringify(result)}`);
    return result.calendar;
  };
  const week = (spans: Record<string, Array<[string, string]>>) => ({
    weekly: Object.fromEntries(
      Object.entries(spans).map(([d, s]) => [d, s.map(([from, to]) => ({ from, to }))]),
    ),
  });
  /** The handoff tells "when librarians answer" only while nobody is online: sign everyone out. */
  async function nobodyOnline() {
    for (const s of Object.values(sockets)) s.close();
    for (const id of await presence.online()) await presence.remove(id);
  }
  const auditOf = (action: string) =>
    sql<{ actor_kind: string; actor_id: string; detail: Record<string, unknown> }>(
      `SELECT actor_kind, actor_id, detail FROM audit_event WHERE action = $1 ORDER BY id DESC LIMIT 1`,
      [action],
    );

  it("before any edit: LIBRARY_HOURS, shown as such; weekly hours an admin saves change /jam's answer", async () => {
    const seeded = await okCalendar("librarian", "calendar:get");
    expect(seeded.weeklyFrom).to.equal("LIBRARY_HOURS");
    expect(seeded.weekly.mon).to.deep.equal([{ from: "08:00", to: "16:00" }]);
    expect(seeded.canEdit).to.equal(false);
    expect(await say("/jam"))
      .to.contain("Senin: 08:00–16:00")
      .and.to.contain("Saat ini kami buka");

    const saved = await okCalendar(
      "admin",
      "calendar:weekly:set",
      week({
        mon: [
          ["13:00", "15:00"],
          ["10:00", "12:00"],
        ],
        tue: [["08:00", "16:00"]],
        sat: [["09:00", "12:00"]],
      }),
    );
    expect(saved.weeklyFrom).to.equal("console");
    expect(saved.weekly.mon).to.deep.equal([
      { from: "10:00", to: "12:00" },
      { from: "13:00", to: "15:00" },
    ]);
    const table = await say("/jam");
    expect(table)
      .to.contain("Senin: 10:00–12:00, 13:00–15:00")
      .and.to.contain("Sabtu: 09:00–12:00")
      .and.to.contain("Rabu: tutup")
      .and.to.contain("Saat ini kami tutup; buka kembali hari ini pukul 10:00");
    expect(await say("besok buka?")).to.contain("Besok (Selasa) buka 08:00–16:00");

    const [event] = await auditOf("calendar.weekly_set");
    const admin = await sql<{ id: number }>(
      `SELECT id FROM staff_user WHERE role = 'admin' ORDER BY id DESC LIMIT 1`,
    );
    expect(event).to.include({ actor_kind: "staff", actor_id: String(admin[0]!.id) });
    expect(event!.detail.hours).to.deep.include({
      mon: [
        [600, 720],
        [780, 900],
      ],
      wed: [],
    });
  });

  it("a librarian and an auditor read the calendar but cannot change it; an admin can", async () => {
    for (const role of ["librarian", "auditor"] as const) {
      expect((await ask(role, "calendar:get")).ok, role).to.equal(true);
      expect(await ask(role, "calendar:weekly:set", week({ mon: [["08:00", "09:00"]] }))).to.deep.equal({
        ok: false,
        error: "forbidden",
      });
      expect(
        await ask(role, "calendar:exception:add", { kind: "closed", from: "2025-12-02", to: "2025-12-02" }),
      ).to.deep.equal({ ok: false, error: "forbidden" });
    }
    expect(await sql(`SELECT 1 FROM service_week`)).to.have.length(0);
    expect(await sql(`SELECT 1 FROM service_exception`)).to.have.length(0);
    const added = await okCalendar("admin", "calendar:exception:add", {
      kind: "closed",
      from: "2025-12-02",
      to: "2025-12-02",
    });
    const id = added.exceptions[0]!.id;
    expect(await ask("librarian", "calendar:exception:remove", { id })).to.deep.equal({
      ok: false,
      error: "forbidden",
    });
    expect((await okCalendar("admin", "calendar:exception:remove", { id })).exceptions).to.deep.equal([]);
    const [removed] = await auditOf("calendar.exception_removed");
    expect(removed!.detail).to.include({ id, kind: "closed", from: "2025-12-02", to: "2025-12-02" });
  });

  it("refuses an invalid change with a clear problem for each field, and stores nothing", async () => {
    const problems = async (event: Parameters<typeof request>[1], input: unknown) => {
      const result = await ask("admin", event, input);
      expect(result.ok).to.equal(false);
      return (result as unknown as { error: string; problems: CalendarAnswer["problems"] }).problems;
    };
    expect(await problems("calendar:weekly:set", week({ mon: [["08:00", "25:00"]] }))).to.deep.equal([
      { code: "bad_time", field: "mon.0.to" },
    ]);
    expect(await problems("calendar:weekly:set", week({ tue: [["16:00", "08:00"]] }))).to.deep.equal([
      { code: "span_backwards", field: "tue.0" },
    ]);
    expect(
      await problems(
        "calendar:weekly:set",
        week({
          wed: [
            ["08:00", "12:00"],
            ["11:00", "14:00"],
          ],
        }),
      ),
    ).to.deep.equal([{ code: "spans_overlap", field: "wed" }]);
    expect(
      await problems("calendar:exception:add", { kind: "closed", from: "2025-12-10", to: "2025-12-09" }),
    ).to.deep.equal([{ code: "range_backwards", field: "to" }]);
    expect(
      await problems("calendar:exception:add", {
        kind: "hours",
        from: "2025-12-10",
        to: "2025-12-11",
        spans: [],
      }),
    ).to.deep.equal([{ code: "no_spans", field: "spans" }]);
    expect(await problems("calendar:exception:add", { kind: "closed", from: "2025-02-30" })).to.deep.equal([
      { code: "bad_date", field: "from" },
      { code: "bad_date", field: "to" },
    ]);
    await okCalendar("admin", "calendar:exception:add", {
      kind: "closed",
      from: "2025-12-24",
      to: "2025-12-26",
    });
    expect(
      await problems("calendar:exception:add", { kind: "closed", from: "2025-12-26", to: "2025-12-27" }),
    ).to.deep.equal([{ code: "exception_overlaps", field: "from" }]);
    expect(await sql(`SELECT 1 FROM service_week`)).to.have.length(0);
    expect(await sql(`SELECT 1 FROM service_exception`)).to.have.length(1);
  });

  it("a holiday exception: /jam says closed, with its name and the next opening", async () => {
    await okCalendar("admin", "calendar:exception:add", {
      kind: "closed",
      from: "2025-12-01",
      to: "2025-12-02",
      name: { id: "Libur Dies Natalis", en: "Founding Day holiday" },
    });
    const [added] = await auditOf("calendar.exception_added");
    expect(added!.detail).to.include({ kind: "closed", from: "2025-12-01", to: "2025-12-02" });
    expect(await say("sekarang buka?")).to.equal(
      "Saat ini kami tutup (hari ini libur: Libur Dies Natalis); buka kembali hari Rabu pukul 08:00.",
    );
    expect(await say("is the library open tomorrow?")).to.contain(
      "a holiday (Founding Day holiday), the library is closed; we open again Wednesday at 08:00",
    );
    expect(await say("/jam")).to.contain(
      "Hari libur (tutup): Senin 1 Des (Libur Dies Natalis), Selasa 2 Des",
    );
  });

  it("Ramadan hours apply inside their range only, by the Jakarta wall clock (00:00 and 23:59 WIB)", async () => {
    await okCalendar("admin", "calendar:exception:add", {
      kind: "hours",
      from: "2027-02-08",
      to: "2027-03-09",
      spans: [{ from: "08:00", to: "14:00" }],
      weekdays: ["mon", "tue", "wed", "thu", "fri"],
      name: { id: "Ramadan", en: "Ramadan" },
    });
    const today = async (at: string) => {
      clock = wib(at);
      return say("hari ini buka?");
    };
    // Sunday 7 Feb 23:59: not yet (and Sundays are closed anyway); Monday 00:00: Ramadan hours.
    expect(await today("2027-02-07T23:59"))
      .to.contain("tutup")
      .and.to.contain("besok pukul 08:00");
    expect(await today("2027-02-08T00:00"))
      .to.contain("buka 08:00–14:00")
      .and.to.contain("Jam layanan khusus (Ramadan) 8 Feb 2027 s.d. 9 Mar 2027");
    // Weekend inside the range: the weekly hours (closed), not Ramadan's.
    expect(await today("2027-02-13T10:00")).to.contain("tutup");
    // Tuesday 9 Mar 23:59: the last day, closed after 14:00 — then Wednesday 10 Mar 00:00: the weekly hours.
    expect(await today("2027-03-09T23:59")).to.contain("jam layanan tadi 08:00–14:00");
    expect(await today("2027-03-10T00:00"))
      .to.contain("buka 08:00–16:00")
      .and.not.to.contain("khusus");
    // Between them the table lists the period; after 14:00 in the range the handoff says "tomorrow 08:00".
    clock = wib("2027-02-10T15:00");
    expect(await say("/jam")).to.contain("Jam layanan khusus (Ramadan) 8 Feb – 9 Mar 2027: 08:00–14:00.");
    await nobodyOnline();
    expect(await say("/pustakawan"))
      .to.contain("di luar jam layanan")
      .and.to.contain("besok mulai pukul 08:00");
  });

  it("SLiMS holidays appear as imported exceptions; the library's own exception wins on the same date", async () => {
    await slims.holiday("Mon", "2025-12-08", "Libur kampus");
    await slims.holiday("Sat");
    const imported = (await okCalendar("librarian", "calendar:get")).imported;
    expect(imported.known).to.equal(true);
    expect(imported.closedWeekdays).to.deep.equal(["sat"]);
    expect(imported.dates).to.deep.equal([{ date: "2025-12-08", overridden: false }]);
    expect(await say("tanggal 8 buka?")).to.contain("libur, perpustakaan tutup");

    const calendar = await okCalendar("admin", "calendar:exception:add", {
      kind: "hours",
      from: "2025-12-08",
      to: "2025-12-08",
      spans: [{ from: "09:00", to: "12:00" }],
      name: { id: "Layanan ujian", en: "Exam service" },
    });
    expect(calendar.imported.dates).to.deep.equal([{ date: "2025-12-08", overridden: true }]);
    expect(await say("tanggal 8 buka?"))
      .to.contain("buka 09:00–12:00")
      .and.to.contain("Layanan ujian");
  });

  it("the handoff outside hours says when librarians answer by the stored calendar", async () => {
    // Monday 09:00: LIBRARY_HOURS would be open; the stored hours open at 13:00.
    await okCalendar(
      "admin",
      "calendar:weekly:set",
      week({ mon: [["13:00", "16:00"]], tue: [["08:00", "16:00"]] }),
    );
    await okCalendar("admin", "calendar:exception:add", {
      kind: "closed",
      from: "2025-12-02",
      to: "2025-12-02",
    });
    await nobodyOnline();
    expect(await say("/pustakawan"))
      .to.contain("di luar jam layanan")
      .and.to.contain("hari ini mulai pukul 13:00");
    // After Monday's hours: Tuesday is a holiday, Wednesday to Sunday closed: Monday next week, with its date.
    clock = wib("2025-12-01T16:30");
    expect(await say("/pustakawan")).to.contain("hari Senin 2025-12-08 mulai pukul 13:00");
  });
});
