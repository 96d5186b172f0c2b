/**
 * Edges of the circulation dates that the mutation run (npm run test:mutation, group "rules")
 * found untested: a day name with spaces around it, and the bound on the open-day search.
 */
import { expect } from "chai";
import { nextDateNotHoliday, weekdayFromName } from "../../shared/library/circulation-dates";
import { addDays } from "../../shared/time/calendar";

describe("circulation dates: edges", () => {
  it("reads a day name with spaces around it, as SLiMS's form may store it", () => {
    expect(weekdayFromName("  Sun ")).to.equal("sun");
    expect(weekdayFromName("\tMinggu\n")).to.equal("sun");
  });

  it("an absurd holiday table does not hang a renewal: the search for an open day stops after 20,000 days", () => {
    const start = "2025-06-11";
    const dates = new Set(Array.from({ length: 20_010 }, (_, i) => addDays(start, i)));
    const calendar = { closedWeekdays: new Set<never>(), dates };
    expect(nextDateNotHoliday(start, calendar)).to.equal(addDays(start, 20_000));
  });
});
