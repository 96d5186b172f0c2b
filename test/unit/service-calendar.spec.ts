/**
 * The service calendar's pure parts: what one date is (the library's exception → the library
 * system's dated holiday → its weekly closing day → the weekly hours), the next opening across a
 * range, open at an instant on the Jakarta wall clock, the report's minutes within it, and the
 * checks of an admin's input with their stable codes.
 */
import { expect } from "chai";
import type { HolidayCalendar } from "../../shared/time/calendar";
import {
  dayOf,
  nextOpeningIn,
  openStateIn,
  type CalendarException,
  type ServiceCalendar,
} from "../../shared/time/service-calendar";
import { checkException, checkWeekly, parseTime } from "../../shared/time/service-calendar-input";
import { serviceMinutesIn } from "../../shared/time/service-calendar-minutes";
import { parseServiceHours } from "../../shared/time/service-hours";
import { serviceMinutesBetween } from "../../web/report/service-minutes";

const ZONE = "Asia/Jakarta";
const WEEKLY = parseServiceHours("mon-thu 08:00-16:00; fri 08:00-16:30");
const SLIMS: HolidayCalendar = {
  closedWeekdays: new Set(["fri"]),
  dates: new Set(["2027-02-10", "2027-02-15"]),
};
const RAMADAN: CalendarException = {
  id: 1,
  kind: "hours",
  from: "2027-02-08",
  to: "2027-03-09",
  spans: [{ from: 8 * 60, to: 14 * 60 }],
  weekdays: ["mon", "tue", "wed", "thu", "fri"],
  name: { id: "Ramadan", en: "Ramadan" },
};
const NYEPI: CalendarException = {
  id: 2,
  kind: "closed",
  from: "2027-03-08",
  to: "2027-03-08",
  name: { id: "Hari Suci Nyepi", en: "Day of Silence" },
};
const calendar = (exceptions: CalendarException[], imported: HolidayCalendar = SLIMS): ServiceCalendar => ({
  weekly: WEEKLY,
  exceptions,
  imported,
});
const wib = (local: string) => new Date(`${local}:00+07:00`);

describe("service calendar: one date", () => {
  const cal = calendar([RAMADAN, NYEPI]);

  it("the library's own other hours win over a SLiMS dated holiday and a SLiMS weekly closing day", () => {
    // 2027-02-10 is a SLiMS holiday, 2027-02-12 a Friday SLiMS closes: Ramadan's hours stand.
    for (const date of ["2027-02-10", "2027-02-12"])
      expect(dayOf(cal, date), date).to.deep.include({ state: "open", spans: RAMADAN.spans });
  });

  it("outside the library's exceptions, SLiMS's dated holiday, then its weekly closing day, then the weekly hours", () => {
    const without = calendar([]);
    expect(dayOf(without, "2027-02-10")).to.deep.equal({
      state: "holiday",
      name: null,
      source: "library_system",
    });
    expect(dayOf(without, "2027-02-12")).to.deep.equal({ state: "closed" });
    expect(dayOf(without, "2027-02-11")).to.deep.equal({ state: "open", spans: WEEKLY.thu });
    expect(dayOf(without, "2027-02-13")).to.deep.equal({ state: "closed" });
  });

  it("other hours only on their weekdays: the Saturday in the range is as every Saturday", () => {
    expect(dayOf(cal, "2027-02-13")).to.deep.equal({ state: "closed" });
    // A SLiMS holiday on a Monday in the range that Ramadan's hours cover: Ramadan wins.
    expect(dayOf(cal, "2027-02-15")).to.deep.include({ state: "open" });
  });

  it("a named closed day, with its name, even inside a period of other hours", () => {
    expect(dayOf(cal, "2027-03-08")).to.deep.equal({ state: "holiday", name: NYEPI.name, source: "library" });
  });

  it("the range's first and last day are in it, the days around it are not", () => {
    expect(dayOf(cal, "2027-02-08")).to.deep.include({ state: "open", spans: RAMADAN.spans });
    expect(dayOf(cal, "2027-03-09")).to.deep.include({ state: "open", spans: RAMADAN.spans });
    expect(dayOf(cal, "2027-03-10")).to.deep.equal({ state: "open", spans: WEEKLY.wed });
    expect(dayOf(cal, "2027-02-05")).to.deep.equal({ state: "closed" }); // a Friday SLiMS closes
  });
});

describe("service calendar: now and next, on the Jakarta wall clock", () => {
  const cal = calendar([RAMADAN, NYEPI], { closedWeekdays: new Set(), dates: new Set() });

  it("14:00 on a Ramadan day is closed; open again tomorrow 08:00", () => {
    expect(openStateIn(cal, wib("2027-02-09T13:59"), ZONE)).to.deep.equal({ open: true, closesAt: 14 * 60 });
    expect(openStateIn(cal, wib("2027-02-09T14:00"), ZONE)).to.deep.equal({
      open: false,
      next: { date: "2027-02-10", weekday: "wed", from: 8 * 60, daysAhead: 1 },
    });
  });

  it("the evening before Nyepi: the next opening skips it", () => {
    expect(nextOpeningIn(cal, { date: "2027-03-07", afterMinute: null }, "2027-03-07")).to.deep.equal({
      date: "2027-03-09",
      weekday: "tue",
      from: 8 * 60,
      daysAhead: 2,
    });
  });

  it("at 23:59 WIB on the range's last day (16:59 UTC) it is still that day, and 00:00 is the next", () => {
    expect(openStateIn(cal, wib("2027-03-09T23:59"), ZONE)).to.deep.include({ open: false });
    const next = openStateIn(cal, new Date("2027-03-09T17:00:00Z"), ZONE);
    expect(next).to.deep.equal({
      open: false,
      next: { date: "2027-03-10", weekday: "wed", from: 8 * 60, daysAhead: 0 },
    });
  });
});

describe("service calendar: the report's minutes", () => {
  it("without exceptions it counts as the weekly hours do", () => {
    const empty = { closedWeekdays: new Set<never>(), dates: new Set(["2025-12-02"]) };
    const from = wib("2025-11-29T19:00");
    const to = wib("2025-12-03T08:05");
    expect(serviceMinutesIn(from, to, ZONE, calendar([], empty))).to.equal(
      serviceMinutesBetween(from, to, WEEKLY, ZONE, empty),
    );
  });

  it("a Ramadan day counts its 6 hours; a named holiday counts nothing", () => {
    const cal = calendar([RAMADAN, NYEPI], { closedWeekdays: new Set(), dates: new Set() });
    expect(serviceMinutesIn(wib("2027-02-09T00:00"), wib("2027-02-09T23:59"), ZONE, cal)).to.equal(360);
    expect(serviceMinutesIn(wib("2027-03-08T00:00"), wib("2027-03-08T23:59"), ZONE, cal)).to.equal(0);
  });
});

describe("service calendar: checking an admin's input", () => {
  it("times: 00:00 to 24:00, 24:00 only as an end", () => {
    expect(parseTime("24:00", true)).to.equal(1440);
    expect(parseTime("24:00", false)).to.equal(null);
    for (const bad of ["25:00", "12:60", "8.00", "", "24:01"])
      expect(parseTime(bad, true), bad).to.equal(null);
    expect(parseTime("8:05", false)).to.equal(485);
  });

  it("weekly hours: problems by field; a valid week sorted, days left out closed", () => {
    expect(checkWeekly({ mon: [{ from: "08:00", to: "25:00" }] })).to.deep.equal({
      ok: false,
      problems: [{ code: "bad_time", field: "mon.0.to" }],
    });
    expect(checkWeekly({ fri: [{ from: "16:00", to: "08:00" }] })).to.deep.equal({
      ok: false,
      problems: [{ code: "span_backwards", field: "fri.0" }],
    });
    expect(
      checkWeekly({
        mon: [
          { from: "11:00", to: "14:00" },
          { from: "08:00", to: "12:00" },
        ],
      }),
    ).to.deep.equal({ ok: false, problems: [{ code: "spans_overlap", field: "mon" }] });
    expect(checkWeekly({ funday: [] })).to.deep.equal({
      ok: false,
      problems: [{ code: "bad_week", field: "funday" }],
    });
    const ok = checkWeekly({
      tue: [
        { from: "13:00", to: "16:00" },
        { from: "08:00", to: "12:00" },
      ],
    });
    expect(ok.ok && ok.value.tue).to.deep.equal([
      { from: 480, to: 720 },
      { from: 780, to: 960 },
    ]);
    expect(ok.ok && ok.value.mon).to.deep.equal([]);
  });

  it("exceptions: a range ending before it starts, overlapping a stored one, other hours without spans", () => {
    const stored = [{ kind: "closed", from: "2027-02-08", to: "2027-03-09" }];
    expect(checkException({ kind: "closed", from: "2027-04-02", to: "2027-04-01" }, [])).to.deep.equal({
      ok: false,
      problems: [{ code: "range_backwards", field: "to" }],
    });
    expect(checkException({ kind: "closed", from: "2027-03-09" }, stored)).to.deep.equal({
      ok: false,
      problems: [{ code: "exception_overlaps", field: "from" }],
    });
    expect(checkException({ kind: "hours", from: "2027-04-01" }, [])).to.deep.equal({
      ok: false,
      problems: [{ code: "no_spans", field: "spans" }],
    });
    expect(
      checkException(
        { kind: "hours", from: "2027-04-01", spans: [{ from: "8", to: "9" }], weekdays: [] },
        [],
      ),
    ).to.deep.equal({
      ok: false,
      problems: [
        { code: "bad_time", field: "spans.0.from" },
        { code: "bad_time", field: "spans.0.to" },
        { code: "bad_weekdays", field: "weekdays" },
      ],
    });
    expect(checkException({ kind: "open", from: "2027-04-01" }, [])).to.deep.equal({
      ok: false,
      problems: [{ code: "bad_kind", field: "kind" }],
    });
  });

  it("a name in one language serves both; a day alone is a one-day range", () => {
    expect(checkException({ kind: "closed", from: "2027-03-10", name: { id: "Nyepi" } }, [])).to.deep.equal({
      ok: true,
      value: { kind: "closed", from: "2027-03-10", to: "2027-03-10", name: { id: "Nyepi", en: "Nyepi" } },
    });
  });
});
