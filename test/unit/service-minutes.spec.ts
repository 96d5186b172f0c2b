import { expect } from "chai";
import { quantile, serviceMinutesBetween } from "../../web/report/service-minutes";
import { parseServiceHours } from "../../shared/time/service-hours";

const HOURS = parseServiceHours("mon-fri 08:00-16:00; sat 08:00-12:00");
const wib = (local: string) => new Date(`${local}+07:00`);
const minutes = (a: string, b: string, holidays: string[] = []) =>
  serviceMinutesBetween(wib(a), wib(b), HOURS, "Asia/Jakarta", {
    closedWeekdays: new Set(),
    dates: new Set(holidays),
  });

describe("service minutes: a librarian's response time counts only while the library is open", () => {
  it("within one open span: the plain difference", () => {
    expect(minutes("2024-02-05T09:00:00", "2024-02-05T09:10:00")).to.equal(10);
  });
  it("across the evening and the night: only the open minutes (15:50 → 08:20 next day = 30)", () => {
    expect(minutes("2024-02-05T15:50:00", "2024-02-06T08:20:00")).to.equal(30);
  });
  it("left on Saturday evening, answered Monday 08:05: 5 minutes (Sunday closed)", () => {
    expect(minutes("2024-02-10T19:00:00", "2024-02-12T08:05:00")).to.equal(5);
  });
  it("a holiday counts nothing", () => {
    expect(minutes("2024-02-05T15:50:00", "2024-02-07T08:20:00", ["2024-02-06"])).to.equal(30);
  });
  it("asked and answered while closed: 0; reversed: 0", () => {
    expect(minutes("2024-02-05T17:00:00", "2024-02-05T20:00:00")).to.equal(0);
    expect(minutes("2024-02-05T10:00:00", "2024-02-05T09:00:00")).to.equal(0);
  });
  it("quantiles by nearest rank", () => {
    expect(quantile([], 0.5)).to.equal(null);
    expect(quantile([30, 10], 0.5)).to.equal(10);
    expect(quantile([30, 10], 0.9)).to.equal(30);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).to.equal(9);
  });
});
