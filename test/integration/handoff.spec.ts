/**
 * The handoff state machine through the real pipeline: bot → waiting → assigned → closed, the bot
 * silent while a librarian has the conversation, /selesai back to the bot, the second
 * not-understood message in a row handing over, and the outside-hours answer.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { handoffStep } from "../../relay/handoff";
import { handoffTexts } from "../../shared/texts";
import { holidayCalendar } from "../../shared/library/circulation-dates";
import { openState, parseServiceHours } from "../../shared/time/service-hours";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, sql, startTestApp } from "../helpers/app";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z"); // 09:00 Jakarta, open
const SATURDAY_EVENING = new Date("2025-12-06T12:00:00Z"); // 19:00 Jakarta, closed until Monday

const conversationOf = async (chatId: number) =>
  (
    await sql<{ id: number; state: string; handoff_reason: string | null; outcome: string | null }>(
      `SELECT id, state, handoff_reason, outcome FROM conversation WHERE channel = 'telegram' AND chat_id = $1
       ORDER BY id DESC LIMIT 1`,
      [String(chatId)],
    )
  )[0];

describe("handoff: the pure step", () => {
  const step = (state: "bot" | "waiting" | "assigned" | "closed", answer: string, text: string, streak = 0) =>
    handoffStep({ state, answer: answer as never, text, unknownStreak: streak });

  it("bot: asking for a librarian, or a second not-understood in a row, starts the handoff", () => {
    expect(step("bot", "librarian", "/pustakawan")).to.deep.equal({ step: "start", reason: "asked" });
    expect(step("bot", "unknown", "blorp", 0)).to.equal(null);
    expect(step("bot", "unknown", "blorp", 1)).to.deep.equal({ step: "start", reason: "not_understood" });
    expect(step("bot", "hours", "/jam")).to.equal(null);
  });

  it("waiting/assigned: everything goes to the console except /selesai and /done", () => {
    for (const state of ["waiting", "assigned"] as const) {
      expect(step(state, "hours", "/jam")).to.deep.equal({ step: "to_console" });
      expect(step(state, "librarian", "/pustakawan")).to.deep.equal({ step: "to_console" });
      expect(step(state, "unknown", "/selesai")).to.deep.equal({ step: "end" });
      expect(step(state, "unknown", "/done@pustaka_bot")).to.deep.equal({ step: "end" });
    }
  });
});

describe("handoff: when librarians answer (service hours and SLiMS holidays)", () => {
  const hours = parseServiceHours("mon-thu 08:00-16:00; fri 08:00-16:30");
  const zone = "Asia/Jakarta";

  it("without a holiday calendar: the weekly hours", () => {
    expect(openState(hours, MONDAY_MORNING, zone)).to.deep.equal({ open: true, closesAt: 16 * 60 });
  });

  it("a dated holiday closes an ordinary Monday; the next answer is Tuesday 08:00", () => {
    const calendar = holidayCalendar([{ dayname: null, date: "2025-12-01" }]);
    expect(openState(hours, MONDAY_MORNING, zone, calendar)).to.deep.equal({
      open: false,
      next: { weekday: "tue", daysAhead: 1, from: 8 * 60, date: "2025-12-02" },
    });
  });

  it("a week of holidays after a weekend: the date is given, not only the weekday", () => {
    const calendar = holidayCalendar(
      ["2025-12-08", "2025-12-09", "2025-12-10", "2025-12-11", "2025-12-12"].map((date) => ({
        dayname: null,
        date,
      })),
    );
    const state = openState(hours, SATURDAY_EVENING, zone, calendar);
    expect(state).to.deep.equal({
      open: false,
      next: { weekday: "mon", daysAhead: 9, from: 8 * 60, date: "2025-12-15" },
    });
    if (state.open) throw new Error("unexpected");
    expect(handoffTexts.outsideHours("id", state.next, state.next?.date)).to.contain(
      "hari Senin 2025-12-15 mulai pukul 08:00",
    );
  });

  it("a weekly closing day from SLiMS (dayname, no date) is skipped", () => {
    const calendar = holidayCalendar([{ dayname: "Mon", date: null }]);
    const state = openState(hours, SATURDAY_EVENING, zone, calendar);
    if (state.open) throw new Error("unexpected");
    expect(state.next?.date).to.equal("2025-12-09");
  });
});

describe("handoff: through the pipeline", function () {
  let fake: FakeTelegram;
  let app: App;
  let clock = MONDAY_MORNING;
  let chat = 481_000;

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, { now: () => clock }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  afterEach(() => {
    clock = MONDAY_MORNING;
  });

  it("the bot is silent while the conversation is with a librarian; /selesai returns to the bot", async () => {
    const id = ++chat;
    fake.sendText(id, "/librarian");
    const [queued] = await fake.waitForSent(1, { chatId: String(id) });
    expect(queued!.text).to.contain("You are number").and.to.contain("No librarian is online");
    const conv = await conversationOf(id);
    expect(conv).to.include({ state: "waiting", handoff_reason: "asked" });
    const staff = await app.console!.staff.add({
      username: `lib-${id}`,
      displayName: "Lib",
      role: "librarian",
      password: "a long password",
    });
    expect(await app.console!.conversations.claim(conv!.id, staff.id)).to.deep.equal({ ok: true });

    fake.sendText(id, "/jam");
    fake.sendText(id, "halo?");
    await eventually(async () => {
      const rows = await chatLog(id);
      return rows.filter((r) => r.handled_by === "console").length === 2;
    }, "both messages handed to the console");
    expect(fake.sentTo(id)).to.have.length(1);

    fake.sendText(id, "/selesai");
    const [, ended] = await fake.waitForSent(2, { chatId: String(id) });
    expect(ended!.text).to.contain("Anda kembali dilayani bot");
    expect(await conversationOf(id)).to.include({ state: "closed", outcome: "patron_ended" });

    fake.sendText(id, "/jam");
    const [, , hours] = await fake.waitForSent(3, { chatId: String(id) });
    expect(hours!.text).to.contain("Jam layanan");
    const next = await conversationOf(id);
    expect(next!.id).to.not.equal(conv!.id);
    expect(next!.state).to.equal("bot");
  });

  it("two not-understood messages in a row hand the patron to a librarian", async () => {
    const id = ++chat;
    fake.sendText(id, "zxqv blorp");
    await fake.waitForSent(1, { chatId: String(id) });
    expect((await conversationOf(id))!.state).to.equal("bot");
    fake.sendText(id, "qwrtp");
    const [, second] = await fake.waitForSent(2, { chatId: String(id) });
    expect(second!.text).to.contain("Saya hubungkan Anda dengan pustakawan");
    expect(await conversationOf(id)).to.include({ state: "waiting", handoff_reason: "not_understood" });
  });

  it("outside service hours the patron is told when librarians answer, and waits in the queue", async () => {
    clock = SATURDAY_EVENING;
    const id = ++chat;
    fake.sendText(id, "saya mau bicara dengan pustakawan");
    const [reply] = await fake.waitForSent(1, { chatId: String(id) });
    expect(reply!.text)
      .to.contain("di luar jam layanan")
      .and.to.contain("hari Senin mulai pukul 08:00")
      .and.to.contain("tetap kami simpan dalam antrean");
    expect((await conversationOf(id))!.state).to.equal("waiting");
    fake.sendText(id, "Saya ingin perpanjang buku.");
    await eventually(
      async () => (await chatLog(id)).some((r) => r.handled_by === "console"),
      "the follow-up kept for the console",
    );
    expect(fake.sentTo(id)).to.have.length(1);
  });
});
