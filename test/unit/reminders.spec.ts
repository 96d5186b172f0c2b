/**
 * The pure parts of due-date reminders (docs/reminders.md): which reminder a loan gets on a given
 * day, REMINDER_DAYS_BEFORE / REMINDER_HOUR as configuration, and what the messages say.
 */
import { expect } from "chai";
import { loadConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";
import { reminderKind } from "../../relay/reminders/due-dates";
import { reminderTexts } from "../../shared/texts/reminders";

describe("due-date reminders: which, when, and what they say", () => {
  it("a loan gets before:<n> n days ahead, overdue on the first day after, nothing otherwise", () => {
    const days = [3, 1];
    expect(reminderKind("2025-12-03", "2025-11-30", days)).to.equal("before:3");
    expect(reminderKind("2025-12-03", "2025-12-02", days)).to.equal("before:1");
    expect(reminderKind("2025-12-03", "2025-12-01", days)).to.equal(null);
    expect(reminderKind("2025-12-03", "2025-12-03", days)).to.equal(null); // due today
    expect(reminderKind("2025-12-03", "2025-12-04", days)).to.equal("overdue");
    expect(reminderKind("2025-12-03", "2025-12-05", days)).to.equal(null); // second overdue day
    expect(reminderKind(null, "2025-12-04", days)).to.equal(null); // legacy zero date
    // Across a month and a year.
    expect(reminderKind("2026-01-01", "2025-12-29", days)).to.equal("before:3");
    expect(reminderKind("2025-12-31", "2026-01-01", [])).to.equal("overdue");
  });

  it("REMINDER_DAYS_BEFORE defaults to 3,1 and REMINDER_HOUR to 8; both validated with a message naming them", () => {
    expect(loadConfig({}).reminders).to.deep.equal({ daysBefore: [3, 1], hour: 8 });
    expect(loadConfig({ REMINDER_DAYS_BEFORE: "7, 2", REMINDER_HOUR: "6" }).reminders).to.deep.equal({
      daysBefore: [7, 2],
      hour: 6,
    });
    expect(loadConfig({ REMINDER_DAYS_BEFORE: "none" }).reminders.daysBefore).to.deep.equal([]);
    for (const [variable, value] of [
      ["REMINDER_DAYS_BEFORE", "3,3"],
      ["REMINDER_DAYS_BEFORE", "0"],
      ["REMINDER_DAYS_BEFORE", "31"],
      ["REMINDER_DAYS_BEFORE", "3;1"],
      ["REMINDER_DAYS_BEFORE", "-1"],
      ["REMINDER_DAYS_BEFORE", "1.5"],
      ["REMINDER_HOUR", "24"],
      ["REMINDER_HOUR", "pagi"],
    ] as const) {
      expect(() => loadConfig({ [variable]: value }), `${variable}=${value}`)
        .to.throw(ConfigError)
        .with.property("message")
        .that.contains(variable);
    }
  });

  it("the first-overdue-day message says how to renew by chat, in both languages; several books make one message", () => {
    expect(reminderTexts.overdue("id", ["Kalkulus"], "2025-12-03"))
      .to.contain("/perpanjang")
      .and.to.contain("terlambat")
      .and.to.contain("3 Des 2025");
    expect(reminderTexts.overdue("en", ["Calculus"], "2025-12-03"))
      .to.contain("/renew")
      .and.to.contain("overdue");
    expect(reminderTexts.dueSoon("id", ["A", "B", "C"], "2025-12-03", 3)).to.contain(
      '"A", "B" dan "C" jatuh tempo 3 hari lagi',
    );
    expect(reminderTexts.dueSoon("en", ["A"], "2025-12-03", 1)).to.contain('"A" is due tomorrow');
    // Every message the library sends first says how to stop it.
    expect(reminderTexts.dueSoon("id", ["A"], "2025-12-03", 1)).to.contain("/pengingat off");
    expect(reminderTexts.announcement("en", "Perpustakaan", "Closed")).to.contain("/reminders off");
  });
});
