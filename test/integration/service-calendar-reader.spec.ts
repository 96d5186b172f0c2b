/**
 * The relay's reader of the service calendar against the real PostgreSQL: the stored part is
 * reused for SERVICE_CALENDAR_CACHE_MS and read again after (a clock is injected: no sleeping),
 * LIBRARY_HOURS stands until weekly hours are saved, and a library system that fails costs only
 * its holidays, never the library's own exceptions.
 */
import { expect } from "chai";
import { Pool } from "pg";
import { dbFromPool } from "../../shared/db";
import { ServiceCalendarReader } from "../../shared/service-calendar-reader";
import { ServiceCalendarStore } from "../../shared/service-calendar-store";
import { parseServiceHours } from "../../shared/time/service-hours";
import { dayOf } from "../../shared/time/service-calendar";
import { testDatabaseUrl } from "../support/services";

const SEED = parseServiceHours("mon-fri 08:00-16:00");

describe("service calendar reader", () => {
  let pool: Pool;
  let store: ServiceCalendarStore;
  let staffId: number;

  before(async () => {
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    store = new ServiceCalendarStore(dbFromPool(pool));
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO staff_user (username, display_name, role, password_hash)
       VALUES ($1, 'Admin', 'admin', 'x') RETURNING id`,
      [`calendar-reader-${process.pid}-${Date.now()}`],
    );
    staffId = rows[0]!.id;
  });

  afterEach(async () => {
    await pool.query(`DELETE FROM service_exception`);
    await pool.query(`DELETE FROM service_week`);
  });

  after(async () => {
    await pool?.query(`DELETE FROM staff_user WHERE id = $1`, [staffId]);
    await pool?.end();
  });

  it("reuses the stored calendar for cacheMs, then reads it again", async () => {
    let now = 1_000_000;
    const reader = new ServiceCalendarReader({ store, seed: SEED, cacheMs: 30_000, now: () => now });
    const first = await reader.current();
    expect(first.weeklyStored).to.equal(false);
    expect(first.calendar.weekly.mon).to.deep.equal(SEED.mon);

    const saved = await store.setWeekly({ mon: [{ from: "10:00", to: "12:00" }] }, staffId);
    expect(saved.ok).to.equal(true);
    now += 29_999;
    expect((await reader.current()).calendar.weekly.mon, "still cached").to.deep.equal(SEED.mon);
    now += 1;
    const after = await reader.current();
    expect(after.weeklyStored).to.equal(true);
    expect(after.calendar.weekly.mon).to.deep.equal([{ from: 600, to: 720 }]);
    expect(after.calendar.weekly.tue, "a day left out is closed").to.deep.equal([]);
  });

  it("cacheMs 0 reads every time", async () => {
    const reader = new ServiceCalendarReader({ store, seed: SEED, cacheMs: 0 });
    expect((await reader.current()).calendar.exceptions).to.deep.equal([]);
    await store.addException({ kind: "closed", from: "2025-12-01", to: "2025-12-01" }, staffId);
    expect((await reader.current()).calendar.exceptions).to.have.length(1);
  });

  it("a failing library system: its holidays are missing, the library's own calendar stands", async () => {
    await store.addException(
      { kind: "closed", from: "2025-12-01", to: "2025-12-01", name: { id: "Libur", en: "Holiday" } },
      staffId,
    );
    const reader = new ServiceCalendarReader({
      store,
      seed: SEED,
      cacheMs: 0,
      holidays: () => Promise.reject(new Error("SLiMS is down")),
    });
    const reading = await reader.current();
    expect(reading.importedKnown).to.equal(false);
    expect(dayOf(reading.calendar, "2025-12-01")).to.deep.include({ state: "holiday", source: "library" });
    expect(dayOf(reading.calendar, "2025-12-02")).to.deep.include({ state: "open" });
  });

  it("two admins adding overlapping closings at once: one is stored, the other refused", async () => {
    const results = await Promise.all([
      store.addException({ kind: "closed", from: "2025-12-24", to: "2025-12-26" }, staffId),
      store.addException({ kind: "closed", from: "2025-12-26", to: "2025-12-31" }, staffId),
    ]);
    expect(results.filter((r) => r.ok)).to.have.length(1);
    expect(results.filter((r) => !r.ok)).to.deep.equal([
      { ok: false, error: "invalid", problems: [{ code: "exception_overlaps", field: "from" }] },
    ]);
  });
});
