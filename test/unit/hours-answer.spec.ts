/**
 * The hours answer on its own (relay/answers/hours.ts), for what the relay-level spec does not
 * reach: a lunch break, before opening, a past date, an impossible date, several days with one
 * open, a long holiday (the next opening gets its date), a weekly closing day from the library
 * system, and a /jam argument. Facts from the reply's meta and key words of its text.
 */
import { expect } from "chai";
import { ANSWERS } from "../../relay/answers";
import type { AnswerContext } from "../../relay/answers/answer";
import type { HolidayCalendar } from "../../shared/time/calendar";
import { parseServiceHours } from "../../shared/time/service-hours";

const HOURS = parseServiceHours("mon-thu 08:00-16:00; fri 08:00-11:30, 13:00-16:30; sat 09:00-12:00");
const CALENDAR: HolidayCalendar = {
  // The library system closes Saturdays, whatever LIBRARY_HOURS says.
  closedWeekdays: new Set(["sat"]),
  dates: new Set(["2025-12-25", "2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02", "2026-04-03"]),
};

/** Only what the hours answer reads. */
function context(text: string, local: string, lang: "id" | "en" = "id"): AnswerContext {
  const command = /^\/\S+\s*(.*)$/.exec(text);
  return {
    lang,
    text,
    args: command ? command[1]! : "",
    now: new Date(`${local}+07:00`),
    library: { name: "Perpustakaan", timeZone: "Asia/Jakarta", hours: HOURS },
    services: { librarySystem: { holidays: async () => CALENDAR } },
  } as unknown as AnswerContext;
}

async function answer(text: string, local: string, lang: "id" | "en" = "id") {
  const result = await ANSWERS.hours.answer(context(text, local, lang));
  const [reply] = result.replies;
  return { text: reply!.text, meta: (reply!.meta as { hours: Record<string, unknown> }).hours };
}

describe("hours answer", () => {
  it("Friday in the lunch break: open again at 13:00 today", async () => {
    const a = await answer("hari ini buka?", "2025-12-05T12:00:00");
    expect(a.meta.days).to.deep.equal([
      {
        date: "2025-12-05",
        state: "open",
        hours: ["08:00–11:30", "13:00–16:30"],
        openNow: false,
        next: "2025-12-05 13:00",
      },
    ]);
    expect(a.text).to.contain("istirahat").and.contain("13:00");
  });

  it("before opening: today's hours, not open yet", async () => {
    const a = await answer("when do you close today?", "2025-12-02T07:00:00", "en");
    expect(a.meta.days).to.deep.equal([
      { date: "2025-12-02", state: "open", hours: ["08:00–16:00"], openNow: false, next: "2025-12-02 08:00" },
    ]);
    expect(a.text).to.contain("not open yet").and.contain("08:00–16:00");
  });

  it("after Friday's closing: open again Monday (Saturday is closed by the library system)", async () => {
    const a = await answer("sekarang buka?", "2025-12-05T17:00:00");
    expect(a.meta).to.deep.include({ asked: "now", open: false });
    expect(a.text).to.contain("Senin").and.contain("08:00");
    const saturday = await answer("sabtu buka?", "2025-12-05T17:00:00");
    expect(saturday.meta.days).to.deep.equal([
      { date: "2025-12-06", state: "closed", next: "2025-12-08 08:00" },
    ]);
  });

  it("a long holiday: the next opening is given with its date, not only a weekday", async () => {
    const a = await answer("tanggal 30 maret buka?", "2026-03-20T10:00:00");
    expect(a.meta.days).to.deep.equal([{ date: "2026-03-30", state: "holiday", next: "2026-04-06 08:00" }]);
    expect(a.text).to.contain("libur").and.contain("6 Apr");
  });

  it("several days: a line each, and when it opens again after the last if that is closed", async () => {
    const a = await answer("kamis atau jumat buka?", "2025-12-22T10:00:00");
    expect(a.meta.days).to.deep.equal([
      { date: "2025-12-25", state: "holiday" },
      { date: "2025-12-26", state: "open", hours: ["08:00–11:30", "13:00–16:30"] },
    ]);
    expect(a.text.split("\n")).to.have.length(2);
    const weekend = await answer("akhir pekan buka?", "2025-12-22T10:00:00", "en");
    expect(weekend.text.split("\n")).to.have.length(3);
    expect(weekend.text).to.contain("Monday");
  });

  it("a past date and an impossible one", async () => {
    const past = await answer("2025-01-01 buka?", "2025-12-22T10:00:00");
    expect(past.meta.days).to.deep.equal([{ date: "2025-01-01", state: "past" }]);
    const impossible = await answer("tanggal 31 februari buka?", "2025-12-22T10:00:00");
    expect(impossible.meta).to.deep.include({ asked: "no_such_date" });
    expect(impossible.text).to.contain("Senin: 08:00–16:00");
  });

  it("/jam alone is the table (a closing day of the library system shows closed); /jam with a day is that day", async () => {
    const table = await answer("/jam", "2025-12-22T10:00:00");
    expect(table.meta).to.deep.include({ asked: "schedule", holidays: "library" });
    expect(table.text).to.contain("Sabtu: tutup").and.contain("25 Des");
    const day = await answer("/jam lusa", "2025-12-22T10:00:00");
    expect(day.meta.days).to.deep.equal([{ date: "2025-12-24", state: "open", hours: ["08:00–16:00"] }]);
    expect(day.text).to.contain("Lusa").and.contain("Rabu");
  });
});
