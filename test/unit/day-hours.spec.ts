/** The hours of one day and the next opening: weekly hours minus closing days and dated holidays. */
import { expect } from "chai";
import type { HolidayCalendar } from "../../shared/time/calendar";
import { hoursOn, nextOpening } from "../../shared/time/day-hours";
import { parseServiceHours } from "../../shared/time/service-hours";

const HOURS = parseServiceHours("mon-thu 08:00-16:00; fri 08:00-11:30, 13:00-16:30; sat 09:00-12:00");
const CALENDAR: HolidayCalendar = {
  closedWeekdays: new Set(["sat"]),
  dates: new Set(["2025-12-25", "2025-12-26", "2025-12-29"]),
};
const NONE: HolidayCalendar = { closedWeekdays: new Set(), dates: new Set() };

describe("day hours", () => {
  it("a day's hours: open with its spans, closed (no hours, or a weekly closing day), or a dated holiday", () => {
    expect(hoursOn("2025-12-02", HOURS, CALENDAR)).to.deep.equal({
      state: "open",
      spans: [{ from: 480, to: 960 }],
    });
    expect(hoursOn("2025-12-07", HOURS, CALENDAR)).to.deep.equal({ state: "closed" }); // Sunday: no hours
    expect(hoursOn("2025-12-06", HOURS, CALENDAR)).to.deep.equal({ state: "closed" }); // Saturday: closing day
    expect(hoursOn("2025-12-06", HOURS, NONE).state).to.equal("open");
    expect(hoursOn("2025-12-25", HOURS, CALENDAR)).to.deep.equal({ state: "holiday" });
  });

  it("the next opening: later the same day, else the first open day after, past holidays", () => {
    const today = "2025-12-05"; // Friday
    // Friday 12:00, in the lunch break: 13:00 the same day.
    expect(nextOpening(HOURS, CALENDAR, { date: today, afterMinute: 720 }, today)).to.deep.equal({
      date: today,
      weekday: "fri",
      from: 780,
      daysAhead: 0,
    });
    // After Friday: Saturday is a closing day, Sunday has no hours → Monday.
    expect(nextOpening(HOURS, CALENDAR, { date: today, afterMinute: null }, today)).to.include({
      date: "2025-12-08",
      from: 480,
      daysAhead: 3,
    });
    // After Wednesday 24th: Thursday 25th and Friday 26th are holidays, the weekend closed, Monday 29th too.
    expect(nextOpening(HOURS, CALENDAR, { date: "2025-12-24", afterMinute: null }, today)).to.include({
      date: "2025-12-30",
      weekday: "tue",
      daysAhead: 25,
    });
    expect(nextOpening(parseServiceHours(""), NONE, { date: today, afterMinute: 0 }, today)).to.equal(null);
  });
});
