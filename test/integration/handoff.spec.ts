/**
 * The handoff state machine through the real pipeline: bot → waiting → assigned → closed; while
 * waiting, commands and automated answers still answered and free text acknowledged (once, and
 * again only when something changed); while assigned, only commands reach the bot; /selesai
 * back to the bot; the second not-understood message offering a librarian or the menu (never a
 * silent queue, never a librarian in a group); a question left while nobody is online listed
 * first; and the outside-hours answer.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { handoffStep } from "../../relay/handoff";
import { handoffTexts } from "../../shared/texts";
import { holidayCalendar } from "../../shared/library/circulation-dates";
import { openState, parseServiceHours } from "../../shared/time/service-hours";
import { Presence } from "../../shared/presence";
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
  const step = (
    state: "bot" | "waiting" | "assigned" | "closed",
    answer: string,
    text: string,
    streak = 0,
    ownsDialog = false,
  ) => handoffStep({ state, answer: answer as never, text, unknownStreak: streak, ownsDialog });

  it("bot: asking for a librarian starts the handoff; a second not-understood offers one (no queue)", () => {
    expect(step("bot", "librarian", "/pustakawan")).to.deep.equal({ step: "start", reason: "asked" });
    expect(step("bot", "unknown", "blorp", 0)).to.equal(null);
    expect(step("bot", "unknown", "blorp", 1)).to.deep.equal({ step: "offer" });
    // An unknown command is not a misunderstanding of the patron's words.
    expect(step("bot", "unknown", "/tidakada", 1)).to.equal(null);
    expect(step("bot", "hours", "/jam")).to.equal(null);
  });

  it("waiting/assigned: /selesai ends; commands and a pending dialog reach the bot; free text goes to the console", () => {
    for (const state of ["waiting", "assigned"] as const) {
      expect(step(state, "unknown", "/selesai")).to.deep.equal({ step: "end" });
      expect(step(state, "unknown", "/done@pustaka_bot")).to.deep.equal({ step: "end" });
      expect(step(state, "hours", "/jam")).to.equal(null);
      expect(step(state, "loans", "/pinjaman")).to.equal(null);
      expect(step(state, "renew", "2", 0, true)).to.equal(null);
      expect(step(state, "unknown", "halo? ada orang?")).to.deep.equal({ step: "to_console" });
      expect(step(state, "greeting", "hello? anyone there?")).to.deep.equal({ step: "to_console" });
      expect(step(state, "unknown", "/tidakada")).to.deep.equal({ step: "to_console" });
    }
    // Waiting, the automated answers still answer what they know; assigned, the librarian does.
    expect(step("waiting", "renew", "perpanjang")).to.equal(null);
    expect(step("assigned", "renew", "perpanjang")).to.deep.equal({ step: "to_console" });
    expect(step("waiting", "librarian", "/pustakawan")).to.deep.equal({ step: "in_queue" });
    expect(step("assigned", "librarian", "/pustakawan")).to.deep.equal({ step: "to_console" });
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
  this.timeout(30_000);
  let fake: FakeTelegram;
  let app: App;
  let presence: Presence;
  let clock = MONDAY_MORNING;
  let chat = 481_000;

  before(async () => {
    fake = await FakeTelegram.start();
    let prefix: string;
    ({ app, prefix } = await startTestApp(fake, { now: () => clock }));
    presence = new Presence(app.redis, prefix);
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  afterEach(async () => {
    clock = MONDAY_MORNING;
    for (const id of await presence.online()) await presence.remove(id);
  });

  /** The patron writes `text`; resolves with what the bot sent since (waiting for `expect` new messages). */
  async function say(id: number, text: string, expectReplies = 1) {
    const before = fake.sentTo(id).length;
    fake.sendText(id, text);
    const all = await fake.waitForSent(before + expectReplies, { chatId: String(id) });
    return all.slice(before);
  }
  /** The patron writes `text`, which the relay hands to the console; resolves with the bot's replies to it (maybe none). */
  async function sayToConsole(id: number, text: string) {
    const sent = fake.sentTo(id).length;
    const update = fake.sendText(id, text);
    const key = `${id}:${update.message!.message_id}`;
    const inbound = await eventually(
      async () => (await chatLog(id)).find((r) => r.channel_key === key && r.handled_by === "console"),
      `"${text}" handed to the console`,
    );
    const replies = (await chatLog(id)).filter((r) => r.in_reply_to === inbound.id).length;
    return (await fake.waitForSent(sent + replies, { chatId: String(id) })).slice(sent);
  }
  const buttonData = (m: { replyMarkup?: unknown }) =>
    ((m.replyMarkup as { inline_keyboard?: Array<Array<{ callback_data: string }>> })?.inline_keyboard ?? [])
      .flat()
      .map((b) => b.callback_data);
  const librarian = async (id: number) =>
    app.console!.staff.add({
      username: `lib-${id}`,
      displayName: "Lib",
      role: "librarian",
      password: "a long password",
    });

  it("a librarian has the conversation: commands still answered, free text only for them; /selesai returns to the bot", async () => {
    const id = ++chat;
    const [queued] = await say(id, "/librarian");
    expect(queued!.text).to.contain("You are number").and.to.contain("No librarian is online");
    const conv = await conversationOf(id);
    // Nobody was online: the question is left for them.
    expect(conv).to.include({ state: "waiting", handoff_reason: "left_question" });
    const staff = await librarian(id);
    expect(await app.console!.conversations.claim(conv!.id, staff.id)).to.deep.equal({ ok: true });

    const [hours] = await say(id, "/jam");
    expect(hours!.text).to.contain("Jam layanan");
    expect(await sayToConsole(id, "halo?")).to.deep.equal([]);
    expect(await sayToConsole(id, "perpanjang buku saya")).to.deep.equal([]);

    const [ended] = await say(id, "/selesai");
    expect(ended!.text).to.contain("Anda kembali dilayani bot");
    expect(await conversationOf(id)).to.include({ state: "closed", outcome: "patron_ended" });

    await say(id, "/jam");
    const next = await conversationOf(id);
    expect(next!.id).to.not.equal(conv!.id);
    expect(next!.state).to.equal("bot");
  });

  it("two not-understood messages in a row offer a librarian or the menu (buttons), and queue nobody", async () => {
    const id = ++chat;
    await say(id, "zxqv blorp");
    const [second] = await say(id, "qwrtp");
    expect(buttonData(second!)).to.deep.equal(["/pustakawan", "/bantuan"]);
    // Nobody is online: the offer says so, and when they answer.
    expect(second!.text).to.contain("belum ada pustakawan yang daring").and.to.contain("16:00");
    expect(await conversationOf(id)).to.include({ state: "bot" });
    const before = fake.sentTo(id).length;
    fake.pressButton(id, "/pustakawan");
    const [queued] = (await fake.waitForSent(before + 1, { chatId: String(id) })).slice(before);
    expect(queued!.text).to.contain("Posisi Anda dalam antrean");
    expect(await conversationOf(id)).to.include({ state: "waiting" });
  });

  it("in a group chat, not understood twice offers the menu only: a group is never handed to librarians", async () => {
    const group = -++chat;
    const inGroup = async (text: string) => {
      const before = fake.sentTo(group).length;
      fake.sendMessage(
        group,
        { text, chat: { id: group, type: "supergroup", title: "Kelas" } },
        { id: chat },
      );
      return (await fake.waitForSent(before + 1, { chatId: String(group) }))[before]!;
    };
    await inGroup("zxqv blorp");
    const second = await inGroup("qwrtp");
    expect(buttonData(second)).to.deep.equal(["/bantuan"]);
    const third = await inGroup("asdfgh");
    expect(buttonData(third)).to.deep.equal(["/bantuan"]);
    expect(await conversationOf(group)).to.include({ state: "bot" });
  });

  it("with a librarian online, the offer does not say nobody is there, and asking queues as 'asked'", async () => {
    const id = ++chat;
    const staff = await librarian(id);
    await presence.refresh([staff.id]);
    await say(id, "zxqv blorp");
    const [second] = await say(id, "qwrtp");
    expect(second!.text).to.not.contain("belum ada pustakawan");
    const [queued] = await say(id, "/pustakawan");
    expect(queued!.text).to.contain("1 pustakawan sedang daring");
    expect(await conversationOf(id)).to.include({ state: "waiting", handoff_reason: "asked" });
  });

  it("waiting is not silence: commands and automated answers work, free text is acknowledged once, then when something changes", async () => {
    const id = ++chat;
    await say(id, "/pustakawan");
    const conv = await conversationOf(id);
    expect(conv!.state).to.equal("waiting");
    // The transcript of issue 11: all of these got nothing at all.
    const [loans] = await say(id, "/pinjaman");
    expect(loans!.text).to.contain("/tautkan");
    const [fines] = await say(id, "/denda");
    expect(fines!.text).to.contain("/tautkan");
    const [renew] = await say(id, "perpanjang");
    expect(renew!.text).to.contain("/tautkan");
    const [ack] = await sayToConsole(id, "hello? anyone there?");
    expect(ack!.text).to.contain("posisi Anda dalam antrean").and.to.contain("belum ada pustakawan");
    expect(await sayToConsole(id, "masih di sana?")).to.deep.equal([]);
    expect(await sayToConsole(id, "tolong dong")).to.deep.equal([]);
    // A librarian comes online: that is news for the patron.
    const staff = await librarian(id);
    await presence.refresh([staff.id]);
    const [news] = await sayToConsole(id, "halo lagi");
    expect(news!.text).to.contain("Ada pustakawan yang daring");
    expect(await sayToConsole(id, "oke saya tunggu")).to.deep.equal([]);
    // /pustakawan again: where they stand, always.
    const [where] = await say(id, "/pustakawan");
    expect(where!.text).to.contain("posisi Anda dalam antrean");
    expect((await conversationOf(id))!.state).to.equal("waiting");
    // /selesai leaves the queue.
    await say(id, "/selesai");
    expect(await conversationOf(id)).to.include({ state: "closed", outcome: "patron_ended" });
  });

  it("waiting: the patron hears again when their place changes, and when service hours end", async () => {
    clock = new Date("2025-12-01T08:50:00Z"); // 15:50 Jakarta, open until 16:00
    const first = ++chat;
    const second = ++chat;
    await say(first, "/pustakawan");
    await say(second, "/pustakawan");
    const positionOf = async (id: number) =>
      Number(/antrean: (\d+)/.exec((await sayToConsole(id, "ada kabar?"))[0]?.text ?? "")?.[1]);
    const before = await positionOf(second);
    expect(await sayToConsole(second, "halo?")).to.deep.equal([]);
    // The patron ahead is taken by a librarian: one place up, and the patron is told.
    const staff = await librarian(first);
    expect(await app.console!.conversations.claim((await conversationOf(first))!.id, staff.id)).to.deep.equal(
      {
        ok: true,
      },
    );
    expect(await positionOf(second)).to.equal(before - 1);
    // Service hours end: the patron is told when librarians answer again.
    clock = new Date("2025-12-01T09:05:00Z"); // 16:05 Jakarta
    const [closed] = await sayToConsole(second, "masih ada orang?");
    expect(closed!.text).to.contain("besok mulai pukul 08:00");
  });

  it("a question left while nobody is online is listed first when librarians sign in", async () => {
    const staff = await librarian(++chat);
    // First a patron asks while a librarian is online, then another while nobody is.
    await presence.refresh([staff.id]);
    const live = ++chat;
    await say(live, "/pustakawan");
    await presence.remove(staff.id);
    const left = ++chat;
    const [reply] = await say(left, "/pustakawan");
    expect(reply!.text)
      .to.contain("Tinggalkan pertanyaan Anda di sini")
      .and.to.contain("Posisi Anda dalam antrean");
    const open = (await app.console!.conversations.open()).filter((c) => c.state === "waiting");
    const ids = open.map((c) => c.id);
    const [liveConv, leftConv] = [await conversationOf(live), await conversationOf(left)];
    expect(ids.indexOf(leftConv!.id)).to.be.lessThan(ids.indexOf(liveConv!.id));
  });

  it("outside service hours the patron is told when librarians answer, and waits in the queue", async () => {
    clock = SATURDAY_EVENING;
    const id = ++chat;
    const [reply] = await say(id, "saya mau bicara dengan pustakawan");
    expect(reply!.text)
      .to.contain("di luar jam layanan")
      .and.to.contain("hari Senin mulai pukul 08:00")
      .and.to.contain("tetap kami simpan dalam antrean");
    expect((await conversationOf(id))!.state).to.equal("waiting");
    const [ack] = await sayToConsole(id, "Saya ingin bertanya soal skripsi.");
    expect(ack!.text).to.contain("hari Senin mulai pukul 08:00");
    expect(await sayToConsole(id, "Terima kasih sebelumnya.")).to.deep.equal([]);
  });
});
