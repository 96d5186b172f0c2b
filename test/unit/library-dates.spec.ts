import { expect } from "chai";
import {
  chargeableOverdueDays,
  countHolidaysBetween,
  dateOrNull,
  daysLate,
  dueDateFor,
  holidayCalendar,
  nextDateNotHoliday,
  weekdayFromName,
} from "../../shared/library/circulation-dates";
import {
  addDays,
  daysBetween,
  isIsoDate,
  NO_HOLIDAYS,
  weekdayOf,
  type HolidayCalendar,
} from "../../shared/time/calendar";
import { assertTimeZone, todayIn } from "../../shared/time/zone";
import { phpSerializedTruthy, resolveLoanTerms, type LoanRule } from "../../shared/library/renewal-rules";

// June 2025: the 1st, 8th and 15th are Sundays; the 11th is a Wednesday.
const SUNDAYS: HolidayCalendar = { closedWeekdays: new Set(["sun"]), dates: new Set() };

function calendar(closed: string[], dates: string[] = []): HolidayCalendar {
  return holidayCalendar([
    ...closed.map((dayname) => ({ dayname, date: null })),
    ...dates.map((date) => ({ dayname: "x", date })),
  ]);
}

describe("library dates", () => {
  describe("calendar arithmetic", () => {
    it("adds days across months, years and leap days", () => {
      expect(addDays("2025-06-11", 7)).to.equal("2025-06-18");
      expect(addDays("2025-12-28", 7)).to.equal("2026-01-04");
      expect(addDays("2024-02-28", 1)).to.equal("2024-02-29");
      expect(addDays("2025-02-28", 1)).to.equal("2025-03-01");
      expect(addDays("2025-03-01", -1)).to.equal("2025-02-28");
    });

    it("counts calendar days between dates, in either direction", () => {
      expect(daysBetween("2025-06-04", "2025-06-11")).to.equal(7);
      expect(daysBetween("2025-06-11", "2025-06-04")).to.equal(-7);
      expect(daysBetween("2024-12-31", "2025-03-01")).to.equal(60);
    });

    it("knows the weekday", () => {
      expect(weekdayOf("2025-06-11")).to.equal("wed");
      expect(weekdayOf("2025-06-15")).to.equal("sun");
      expect(weekdayOf("2024-02-29")).to.equal("thu");
      expect(weekdayOf("1969-12-31")).to.equal("wed");
    });

    it("reads only real dates; zero and impossible dates are null", () => {
      expect(isIsoDate("2025-06-11")).to.equal(true);
      expect(isIsoDate("0000-00-00")).to.equal(false);
      expect(isIsoDate("2025-02-30")).to.equal(false);
      expect(dateOrNull("0000-00-00")).to.equal(null);
      expect(dateOrNull("2025-06-11 10:20:30")).to.equal("2025-06-11");
      expect(dateOrNull(null)).to.equal(null);
      expect(() => addDays("2025-6-1", 1)).to.throw(TypeError);
    });
  });

  describe("today in the library's time zone", () => {
    it("is the wall-clock date of the zone, not of UTC", () => {
      const at = new Date("2025-06-30T17:30:00Z"); // 00:30 on 1 July in Jakarta (UTC+7)
      expect(todayIn("Asia/Jakarta", at)).to.equal("2025-07-01");
      expect(todayIn("UTC", at)).to.equal("2025-06-30");
      expect(todayIn("Asia/Jayapura", new Date("2025-06-30T14:59:00Z"))).to.equal("2025-06-30");
    });

    it("refuses an unknown time zone by name", () => {
      expect(() => assertTimeZone("Asia/Atlantis")).to.throw(RangeError, /Asia\/Atlantis/);
    });
  });

  describe("holidays", () => {
    it("builds weekly closing days from NULL-dated rows by name, and dated holidays from the rest", () => {
      const cal = holidayCalendar([
        { dayname: "sun", date: null },
        { dayname: "Saturday", date: null },
        { dayname: "nonsense", date: null },
        { dayname: "mon", date: "2025-06-16" },
        { dayname: "wed", date: "0000-00-00" }, // a legacy zero date matches no day
      ]);
      expect([...cal.closedWeekdays].sort()).to.deep.equal(["sat", "sun"]);
      expect([...cal.dates]).to.deep.equal(["2025-06-16"]);
    });

    it("accepts short, full and Indonesian day names", () => {
      expect(weekdayFromName("Sun")).to.equal("sun");
      expect(weekdayFromName("SUNDAY")).to.equal("sun");
      expect(weekdayFromName("Jumat")).to.equal("fri");
      expect(weekdayFromName("funday")).to.equal(null);
    });

    it("getNextDateNotHoliday: an open day is kept", () => {
      expect(nextDateNotHoliday("2025-06-11", SUNDAYS)).to.equal("2025-06-11");
    });

    it("getNextDateNotHoliday: skips a weekly closing day", () => {
      expect(nextDateNotHoliday("2025-06-15", SUNDAYS)).to.equal("2025-06-16");
      expect(nextDateNotHoliday("2025-06-14", calendar(["sat", "sun"]))).to.equal("2025-06-16");
    });

    it("getNextDateNotHoliday: skips a dated holiday, and a run of holidays and closing days", () => {
      expect(nextDateNotHoliday("2025-06-18", calendar([], ["2025-06-18"]))).to.equal("2025-06-19");
      // Sat holiday, Sun closed, Mon holiday → Tuesday
      const cal = calendar(["sun"], ["2025-06-14", "2025-06-16"]);
      expect(nextDateNotHoliday("2025-06-14", cal)).to.equal("2025-06-17");
    });

    it("getNextDateNotHoliday: with every weekday closed there is no open day; the date is kept", () => {
      const all = calendar(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]);
      expect(nextDateNotHoliday("2025-06-11", all)).to.equal("2025-06-11");
    });

    it("counts holidays between two dates, both ends included", () => {
      expect(countHolidaysBetween("2025-06-08", "2025-06-15", SUNDAYS)).to.equal(2);
      expect(countHolidaysBetween("2025-06-09", "2025-06-14", SUNDAYS)).to.equal(0);
      expect(countHolidaysBetween("2025-06-09", "2025-06-14", calendar(["sun"], ["2025-06-09"]))).to.equal(1);
    });
  });

  describe("due date (renewal and checkout)", () => {
    it("is today + period when that day is open", () => {
      expect(dueDateFor("2025-06-11", 7, SUNDAYS, "2030-01-01")).to.equal("2025-06-18");
    });

    it("moves past a weekly closing day", () => {
      expect(dueDateFor("2025-06-11", 4, SUNDAYS, "2030-01-01")).to.equal("2025-06-16");
    });

    it("moves past a dated holiday", () => {
      expect(dueDateFor("2025-06-11", 7, calendar([], ["2025-06-18"]), null)).to.equal("2025-06-19");
    });

    it("is capped at the expiry date, and the cap is not holiday-adjusted", () => {
      expect(dueDateFor("2025-06-11", 7, SUNDAYS, "2025-06-15")).to.equal("2025-06-15");
      expect(dueDateFor("2025-06-11", 7, SUNDAYS, "2025-06-11")).to.equal("2025-06-11");
    });

    it("keeps the start date for a period below 1 (getNextDate)", () => {
      expect(dueDateFor("2025-06-11", 0, NO_HOLIDAYS, null)).to.equal("2025-06-11");
    });
  });

  describe("overdue days and grace (countOverdueValue)", () => {
    const noGrace = { graceDays: 0, ignoreHolidays: false, calendar: SUNDAYS };

    it("is 0 up to and on the due date, and when the due date is unknown", () => {
      expect(chargeableOverdueDays("2025-06-11", "2025-06-10", noGrace)).to.equal(0);
      expect(chargeableOverdueDays("2025-06-11", "2025-06-11", noGrace)).to.equal(0);
      expect(chargeableOverdueDays(null, "2025-06-11", noGrace)).to.equal(0);
      expect(daysLate(null, "2025-06-11")).to.equal(0);
    });

    it("counts every calendar day after the due date without grace", () => {
      expect(chargeableOverdueDays("2025-06-04", "2025-06-05", noGrace)).to.equal(1);
      expect(chargeableOverdueDays("2025-06-04", "2025-06-11", noGrace)).to.equal(7);
    });

    it("grace boundary: before due + grace → no fine; on due + grace itself every day is charged", () => {
      const grace3 = { ...noGrace, graceDays: 3 };
      expect(chargeableOverdueDays("2025-06-04", "2025-06-06", grace3)).to.equal(0);
      expect(daysLate("2025-06-04", "2025-06-07")).to.equal(3);
      expect(chargeableOverdueDays("2025-06-04", "2025-06-07", grace3)).to.equal(3);
      expect(chargeableOverdueDays("2025-06-04", "2025-06-08", grace3)).to.equal(4);
    });

    it("ignore_holidays_fine_calc subtracts holidays between the due date and today, inclusive", () => {
      const ignore = { graceDays: 0, ignoreHolidays: true, calendar: calendar(["sun"], ["2025-06-10"]) };
      // due Fri 6th, today Wed 11th: 5 days, minus Sun 8th and the 10th
      expect(chargeableOverdueDays("2025-06-06", "2025-06-11", ignore)).to.equal(3);
      // today itself a holiday counts too; never below 0
      expect(chargeableOverdueDays("2025-06-07", "2025-06-08", ignore)).to.equal(0);
      // due date itself a holiday is subtracted as well (both ends included)
      expect(chargeableOverdueDays("2025-06-08", "2025-06-09", ignore)).to.equal(0);
    });

    it("with ignore_holidays on, grace still runs on calendar days", () => {
      const rules = { graceDays: 2, ignoreHolidays: true, calendar: SUNDAYS };
      expect(chargeableOverdueDays("2025-06-06", "2025-06-07", rules)).to.equal(0);
      expect(chargeableOverdueDays("2025-06-06", "2025-06-08", rules)).to.equal(1); // 2 days − Sunday
      expect(chargeableOverdueDays("2025-06-06", "2025-06-09", rules)).to.equal(2); // 3 days − Sunday
    });
  });

  describe("loan terms (which rule applies)", () => {
    const type = { memberTypeId: 1, loanPeriod: 7, renewLimit: 1, finePerDay: 500, graceDays: 1 };
    const rule = (over: Partial<LoanRule>): LoanRule => ({
      loanRulesId: 1,
      memberTypeId: 1,
      collTypeId: 2,
      gmdId: 0,
      loanPeriod: 3,
      renewLimit: 4,
      finePerDay: 1000,
      graceDays: 0,
      ...over,
    });

    it("uses the member type when no rule applies", () => {
      expect(
        resolveLoanTerms({ loanRulesId: 0, collTypeId: 1, gmdId: 1 }, 1, type, [rule({})]),
      ).to.deep.equal({
        renewLimit: 1,
        loanPeriod: 7,
        finePerDay: 500,
        graceDays: 1,
      });
    });

    it("takes the renew limit from member type + collection type, even when loan_rules_id is 0", () => {
      const terms = resolveLoanTerms({ loanRulesId: 0, collTypeId: 2, gmdId: 1 }, 1, type, [rule({})]);
      expect(terms.renewLimit).to.equal(4);
      expect(terms.loanPeriod).to.equal(7);
      expect(terms.finePerDay).to.equal(500);
    });

    it("takes period, fine and grace from the loan's own rule; either grace counts", () => {
      const own = rule({ loanRulesId: 9, collTypeId: 5, graceDays: 3 });
      const terms = resolveLoanTerms({ loanRulesId: 9, collTypeId: 1, gmdId: 1 }, 1, type, [own]);
      expect(terms).to.deep.equal({ renewLimit: 1, loanPeriod: 3, finePerDay: 1000, graceDays: 3 });
    });

    it("prefers the rule with the biblio's GMD when several match the collection type", () => {
      const rules = [
        rule({ loanRulesId: 1, gmdId: 0, renewLimit: 2 }),
        rule({ loanRulesId: 2, gmdId: 7, renewLimit: 5 }),
      ];
      expect(
        resolveLoanTerms({ loanRulesId: 0, collTypeId: 2, gmdId: 7 }, 1, type, rules).renewLimit,
      ).to.equal(5);
      expect(
        resolveLoanTerms({ loanRulesId: 0, collTypeId: 2, gmdId: 3 }, 1, type, rules).renewLimit,
      ).to.equal(2);
    });

    it("several rules with the same GMD standing: the lowest loan_rules_id wins (as SLiMS's query order)", () => {
      const rules = [
        rule({ loanRulesId: 8, gmdId: 0, renewLimit: 6 }),
        rule({ loanRulesId: 3, gmdId: 0, renewLimit: 2 }),
        rule({ loanRulesId: 5, gmdId: 0, renewLimit: 9 }),
      ];
      expect(
        resolveLoanTerms({ loanRulesId: 0, collTypeId: 2, gmdId: 1 }, 1, type, rules).renewLimit,
      ).to.equal(2);
    });

    it("an item without a collection type or a biblio without a GMD matches no rule by those", () => {
      const noColl = rule({ loanRulesId: 4, collTypeId: null as unknown as number, renewLimit: 9 });
      expect(
        resolveLoanTerms({ loanRulesId: 0, collTypeId: null, gmdId: 1 }, 1, type, [noColl]).renewLimit,
      ).to.equal(1);
      const rules = [
        rule({ loanRulesId: 1, gmdId: 5, renewLimit: 2 }),
        rule({ loanRulesId: 2, gmdId: null as unknown as number, renewLimit: 7 }),
      ];
      expect(
        resolveLoanTerms({ loanRulesId: 0, collTypeId: 2, gmdId: null }, 1, type, rules).renewLimit,
      ).to.equal(2);
    });

    it("the loan's own rule is found by its id wherever it stands in the list", () => {
      const rules = [
        rule({ loanRulesId: 3, collTypeId: 8, loanPeriod: 14 }),
        rule({ loanRulesId: 9, loanPeriod: 2 }),
      ];
      expect(
        resolveLoanTerms({ loanRulesId: 9, collTypeId: 1, gmdId: 1 }, 1, type, rules).loanPeriod,
      ).to.equal(2);
    });

    it("loan_rules_id 0 means the member type, even if a rule numbered 0 exists", () => {
      const zero = rule({ loanRulesId: 0, collTypeId: 9, loanPeriod: 30, finePerDay: 9, graceDays: 9 });
      expect(resolveLoanTerms({ loanRulesId: 0, collTypeId: 1, gmdId: 1 }, 1, type, [zero])).to.deep.equal({
        renewLimit: 1,
        loanPeriod: 7,
        finePerDay: 500,
        graceDays: 1,
      });
    });

    it("a loan_rules_id whose rule was deleted: fine 0 (SLiMS reads NULL), period from the member type", () => {
      const terms = resolveLoanTerms({ loanRulesId: 42, collTypeId: 1, gmdId: 1 }, 1, type, []);
      expect(terms.finePerDay).to.equal(0);
      expect(terms.loanPeriod).to.equal(7);
    });
  });

  describe("PHP-serialised settings", () => {
    it("reads b:, i:, s: and raw values", () => {
      expect(phpSerializedTruthy("b:1;")).to.equal(true);
      expect(phpSerializedTruthy("b:0;")).to.equal(false);
      expect(phpSerializedTruthy('s:1:"1";')).to.equal(true);
      expect(phpSerializedTruthy('s:1:"0";')).to.equal(false);
      expect(phpSerializedTruthy("i:1;")).to.equal(true);
      expect(phpSerializedTruthy("i:0;")).to.equal(false);
      expect(phpSerializedTruthy("N;")).to.equal(false);
      expect(phpSerializedTruthy(null)).to.equal(false);
      expect(phpSerializedTruthy("1")).to.equal(true);
    });
  });
});
