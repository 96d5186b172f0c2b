/**
 * Which day an hours question asks about (relay/asked-day.ts), as a table: the patron's line,
 * today (in the library's zone), and the day or kind of answer expected. Indonesian and English,
 * slang and typos.
 */
import { expect } from "chai";
import { askedDay, type AskedDay } from "../../relay/asked-day";

// Tuesday 2 December 2025.
const TUE = "2025-12-02";

const day = (date: string, said: string): AskedDay => ({ kind: "days", days: [{ date, said }] }) as AskedDay;
const days = (...list: Array<[string, string]>): AskedDay =>
  ({ kind: "days", days: list.map(([date, said]) => ({ date, said })) }) as AskedDay;
const SCHEDULE: AskedDay = { kind: "schedule" };
const NOW: AskedDay = { kind: "now" };
const NO_SUCH_DATE: AskedDay = { kind: "no_such_date" };

const CASES: Array<[text: string, today: string, expected: AskedDay]> = [
  // today
  ["hari ini buka?", TUE, day(TUE, "today")],
  ["hr ini buka ga", TUE, day(TUE, "today")],
  ["hri ini bka gak?", TUE, day(TUE, "today")],
  ["are you open today?", TUE, day(TUE, "today")],
  ["when do you close today?", TUE, day(TUE, "today")],
  ["tutup jam berapa hari ini?", TUE, day(TUE, "today")],
  ["malam ini buka?", TUE, day(TUE, "today")],
  // closing time without a day: today's
  ["jam berapa tutup?", TUE, day(TUE, "today")],
  ["sampai jam brp bukanya?", TUE, day(TUE, "today")],
  ["what time do you close", TUE, day(TUE, "today")],
  // tomorrow, the day after
  ["besok buka ga?", TUE, day("2025-12-03", "tomorrow")],
  ["bsk buka gak", TUE, day("2025-12-03", "tomorrow")],
  ["besuk bukak nggak", TUE, day("2025-12-03", "tomorrow")],
  ["is the library open tomorrow?", TUE, day("2025-12-03", "tomorrow")],
  ["tmrw open?", TUE, day("2025-12-03", "tomorrow")],
  ["open tommorow?", TUE, day("2025-12-03", "tomorrow")],
  ["lusa buka?", TUE, day("2025-12-04", "day_after")],
  ["open the day after tomorrow?", TUE, day("2025-12-04", "day_after")],
  // a named weekday: the next one, today if it is today
  ["hari sabtu buka?", TUE, day("2025-12-06", "weekday")],
  ["sabtu buka ga", TUE, day("2025-12-06", "weekday")],
  ["is the library open on saturday?", TUE, day("2025-12-06", "weekday")],
  ["open on sat?", TUE, day("2025-12-06", "weekday")],
  ["hari minggu buka?", TUE, day("2025-12-07", "weekday")],
  ["ahad buka?", TUE, day("2025-12-07", "weekday")],
  ["hari minggu ini buka?", TUE, day("2025-12-07", "weekday")],
  ["jum'at buka sampai jam berapa", TUE, day("2025-12-05", "weekday")],
  ["jumat bukak?", TUE, day("2025-12-05", "weekday")],
  ["kamis buka?", TUE, day("2025-12-04", "weekday")],
  ["rabu buka?", TUE, day("2025-12-03", "tomorrow")],
  ["wensday open?", TUE, day("2025-12-03", "tomorrow")],
  ["thrusday open?", TUE, day("2025-12-04", "weekday")],
  ["selasa buka?", TUE, day(TUE, "today")],
  ["selasa depan buka?", TUE, day("2025-12-09", "weekday")],
  ["next tuesday open?", TUE, day("2025-12-09", "weekday")],
  ["senin depan buka?", TUE, day("2025-12-08", "weekday")],
  ["senin atau selasa buka?", TUE, days(["2025-12-08", "weekday"], [TUE, "today"])],
  // "sat", "sun", "mon" are also words: no day unless used as one
  ["i sat down, are you open?", TUE, NOW],
  // the weekend
  ["akhir pekan buka?", TUE, days(["2025-12-06", "weekday"], ["2025-12-07", "weekday"])],
  ["weekend open?", TUE, days(["2025-12-06", "weekday"], ["2025-12-07", "weekday"])],
  ["are you open this week end", TUE, days(["2025-12-06", "weekday"], ["2025-12-07", "weekday"])],
  ["akhir minggu buka ga", "2025-12-06", days(["2025-12-06", "today"], ["2025-12-07", "tomorrow"])],
  ["wiken buka?", "2025-12-07", day("2025-12-07", "today")],
  // now
  ["sekarang buka?", TUE, NOW],
  ["skrg buka ga", TUE, NOW],
  ["are you open now?", TUE, NOW],
  ["masih buka?", TUE, NOW],
  ["jam 16.00 masih buka?", TUE, NOW],
  ["buka ga?", TUE, NOW],
  ["perpus buka?", TUE, NOW],
  ["is the library open?", TUE, NOW],
  // a date
  ["tanggal 25 buka?", TUE, day("2025-12-25", "date")],
  ["tgl 25 des", TUE, day("2025-12-25", "date")],
  ["tgl. 25 desember buka", TUE, day("2025-12-25", "date")],
  ["on 25 December", TUE, day("2025-12-25", "date")],
  ["december 25th open?", TUE, day("2025-12-25", "date")],
  ["open on the 25th?", TUE, day("2025-12-25", "date")],
  ["25/12 buka?", TUE, day("2025-12-25", "date")],
  ["buka tgl 1 januari 2026?", TUE, day("2026-01-01", "date")],
  ["2026-01-01 buka?", TUE, day("2026-01-01", "date")],
  ["tanggal 2 buka?", TUE, day(TUE, "date")],
  // a day already past this month is next month's; a month already past is next year's
  ["tanggal 1 buka?", TUE, day("2026-01-01", "date")],
  ["tgl 5 buka?", "2025-12-28", day("2026-01-05", "date")],
  ["25 des buka?", "2025-12-26", day("2026-12-25", "date")],
  ["tanggal 31 buka?", "2025-11-05", day("2025-12-31", "date")],
  ["29 feb buka?", TUE, day("2028-02-29", "date")],
  // no such date
  ["tgl 32 buka?", TUE, NO_SUCH_DATE],
  ["31 februari buka", TUE, NO_SUCH_DATE],
  ["30/02 buka?", TUE, NO_SUCH_DATE],
  // the schedule
  ["jadwal", TUE, SCHEDULE],
  ["jadwal buka perpustakaan", TUE, SCHEDULE],
  ["jam buka perpustakaan", TUE, SCHEDULE],
  ["jam operasional?", TUE, SCHEDULE],
  ["opening hours", TUE, SCHEDULE],
  ["kapan buka?", TUE, SCHEDULE],
  ["when are you open", TUE, SCHEDULE],
  ["minggu depan buka?", TUE, SCHEDULE],
  ["open next week?", TUE, SCHEDULE],
  ["", TUE, SCHEDULE],
  // numbers that are no date
  ["jam 8 buka?", TUE, SCHEDULE],
  ["2021110001", TUE, SCHEDULE],
];

describe("asked day: which day an hours question is about", () => {
  for (const [text, today, expected] of CASES) {
    it(`"${text}" on ${today} → ${JSON.stringify(expected)}`, () => {
      expect(askedDay(text, today)).to.deep.equal(expected);
    });
  }
});
