/**
 * Issue 11, part A, through the real relay (ingress → PostgreSQL + BullMQ → relay → egress) with
 * the demo library (closed on Sundays; 25 December and 1 January are holidays) and its default
 * hours (Mon–Thu 08:00–16:00, Fri 08:00–16:30): questions about time answered as asked, and small
 * talk answered briefly. Assertions are on the kind of answer (the reply row's `handled_by` and
 * the facts its meta records) and on key facts in the text (the day, the hours), not on sentences.
 */
import { expect } from "chai";
import type { App } from "../../main";
import type { HolidayCalendar } from "../../shared/time/calendar";
import { DemoLibrary } from "../../shared/library/demo";
import { memoryChannel, type MemoryChannel } from "../helpers/memory-channel";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";

/** The demo library, whose holiday table can be made to fail (SLiMS down) */
class FlakyHolidaysLibrary extends DemoLibrary {
  holidaysDown = false;
  override async holidays(): Promise<HolidayCalendar> {
    if (this.holidaysDown) throw new Error("holiday table unreachable");
    return super.holidays();
  }
}

/** A moment on the library's wall clock (Asia/Jakarta, UTC+7, no daylight saving). */
const jakarta = (local: string) => new Date(`${local}+07:00`);

/** What the hours answer records in its reply's meta (relay/answers/hours.ts). */
interface HoursMeta {
  asked: "days" | "now" | "schedule" | "no_such_date";
  holidays: "library" | "weekly_only";
  open?: boolean;
  days?: Array<Record<string, unknown>>;
}

interface Answered {
  handledBy: string;
  text: string;
  /** the reply row's meta: `hours` from the hours answer, `smallTalk` from the small-talk answers */
  meta: { hours: HoursMeta; smallTalk?: string };
}

describe("conversation: time questions answered as asked, small talk answered briefly", function () {
  this.timeout(30_000);
  let app: App;
  let memory: MemoryChannel;
  const library = new FlakyHolidaysLibrary({ timeZone: "Asia/Jakarta", seedDate: "2025-12-01" });
  // Tuesday 2 December 2025, 15:10: within service hours, as in the transcript.
  let clock = jakarta("2025-12-02T15:10:00");
  let chats = 0;

  before(async () => {
    const registered = memoryChannel();
    ({ app } = await startTestApp(undefined, {
      roles: ["bot", "relay"],
      channels: [registered.descriptor],
      env: { MEMORY_CHANNEL: "on" },
      library,
      now: () => clock,
    }));
    memory = registered.channel();
  });

  afterEach(() => {
    clock = jakarta("2025-12-02T15:10:00");
    library.holidaysDown = false;
  });

  after(async () => {
    await app?.close();
    await closeSql();
  });

  /** A new patron's chat. */
  const newChat = () => `time-${++chats}`;

  /** The patron of `chat` types `text`; the reply egress sent, with the answer and meta its row records. */
  async function ask(chat: string, text: string): Promise<Answered> {
    const before = memory.sent.filter((m) => m.chatId === chat).length;
    await memory.say(chat, text);
    const sent = await memory.waitForSent(chat, before + 1);
    const row = await eventually(async () => {
      const rows = await sql<{ handled_by: string; text: string; meta: Answered["meta"] }>(
        `SELECT m.handled_by, m.text, m.meta FROM message m JOIN conversation c ON c.id = m.conversation_id
         WHERE c.channel = 'webchat' AND c.chat_id = $1 AND m.direction = 'out' ORDER BY m.seq`,
        [chat],
      );
      return rows.length > before && rows[before];
    }, `the reply row to "${text}"`);
    // The channel has no buttons: egress adds them to the text as a numbered list.
    expect(sent[before]!.text.startsWith(row.text), "the reply sent is the row's").to.equal(true);
    return { handledBy: row.handled_by, text: row.text, meta: row.meta };
  }

  const conversation = async (chat: string) =>
    (
      await sql<{ state: string; unknown_streak: number }>(
        `SELECT state, unknown_streak FROM conversation WHERE channel = 'webchat' AND chat_id = $1
         ORDER BY opened_at DESC LIMIT 1`,
        [chat],
      )
    )[0]!;

  describe("time questions", () => {
    it("'besok buka ga?' → tomorrow, Wednesday, 08:00–16:00 (not the weekly table)", async () => {
      const a = await ask(newChat(), "besok buka ga?");
      expect(a.handledBy).to.equal("hours");
      expect(a.meta.hours).to.deep.include({ asked: "days", holidays: "library" });
      expect(a.meta.hours.days!).to.deep.equal([
        { date: "2025-12-03", state: "open", hours: ["08:00–16:00"] },
      ]);
      expect(a.text).to.contain("Besok").and.contain("Rabu").and.contain("08:00–16:00");
      expect(a.text).to.not.contain("Senin");
    });

    it("'is the library open on saturday?' → Saturday closed, open again Monday 08:00, in English", async () => {
      const a = await ask(newChat(), "is the library open on saturday?");
      expect(a.handledBy).to.equal("hours");
      expect(a.meta.hours.days!).to.deep.equal([
        { date: "2025-12-06", state: "closed", next: "2025-12-08 08:00" },
      ]);
      expect(a.text).to.contain("Saturday").and.contain("closed").and.contain("Monday").and.contain("08:00");
    });

    it("'when do you close today?' → today until 16:00", async () => {
      const a = await ask(newChat(), "when do you close today?");
      expect(a.meta.hours.days!).to.deep.equal([
        { date: "2025-12-02", state: "open", hours: ["08:00–16:00"], openNow: true },
      ]);
      expect(a.text).to.contain("today").and.contain("16:00");
    });

    it("'tutup jam berapa hr ini?' after closing → closed for today, open again tomorrow 08:00", async () => {
      clock = jakarta("2025-12-02T16:30:00");
      const a = await ask(newChat(), "tutup jam berapa hr ini?");
      expect(a.meta.hours.days!).to.deep.equal([
        {
          date: "2025-12-02",
          state: "open",
          hours: ["08:00–16:00"],
          openNow: false,
          next: "2025-12-03 08:00",
        },
      ]);
      expect(a.text).to.contain("sudah tutup").and.contain("besok").and.contain("08:00");
    });

    it("'tanggal 25 buka?' → a dated holiday of the library system (libur), open again the 26th", async () => {
      const a = await ask(newChat(), "tanggal 25 buka?");
      expect(a.meta.hours.days!).to.deep.equal([
        { date: "2025-12-25", state: "holiday", next: "2025-12-26 08:00" },
      ]);
      expect(a.text).to.contain("libur").and.contain("25 Des");
      const en = await ask(newChat(), "are you open on 25 December?");
      expect(en.meta.hours.days![0]).to.include({ date: "2025-12-25", state: "holiday" });
    });

    it("'sekarang buka?' and 'are you open now?' → open now, until 16:00", async () => {
      for (const q of ["sekarang buka?", "are you open now?"]) {
        const a = await ask(newChat(), q);
        expect(a.meta.hours, q).to.deep.include({ asked: "now", open: true });
        expect(a.text, q).to.contain("16:00");
      }
    });

    it("on a holiday, 'skrg buka ga' → closed now, and says it is a holiday", async () => {
      clock = jakarta("2025-12-25T10:00:00");
      const a = await ask(newChat(), "skrg buka ga");
      expect(a.meta.hours).to.deep.include({ asked: "now", open: false });
      expect(a.text).to.contain("libur").and.contain("08:00");
    });

    it("'akhir pekan buka?' → Saturday and Sunday, both closed, open again Monday", async () => {
      const a = await ask(newChat(), "akhir pekan buka?");
      expect(a.meta.hours.days!).to.deep.equal([
        { date: "2025-12-06", state: "closed" },
        { date: "2025-12-07", state: "closed", next: "2025-12-08 08:00" },
      ]);
      expect(a.text).to.contain("Sabtu").and.contain("Minggu").and.contain("Senin");
    });

    it("the weekly table only for the schedule: 'jadwal', '/jam' (with coming holidays), but '/jam besok' is a day", async () => {
      clock = jakarta("2025-12-22T09:00:00");
      for (const q of ["jadwal", "/jam", "opening hours"]) {
        const a = await ask(newChat(), q);
        expect(a.meta.hours, q).to.deep.include({ asked: "schedule" });
        expect(a.text, q).to.match(/Senin: 08:00–16:00|Monday: 08:00–16:00/);
        expect(a.text, q).to.match(/25 Des|25 Dec/);
      }
      const tomorrow = await ask(newChat(), "/jam besok");
      expect(tomorrow.meta.hours.days!).to.deep.equal([
        { date: "2025-12-23", state: "open", hours: ["08:00–16:00"] },
      ]);
    });

    it("when the library system's holidays fail, the weekly hours answer, and say holidays were not checked", async () => {
      library.holidaysDown = true;
      clock = jakarta("2025-12-24T09:00:00");
      const a = await ask(newChat(), "besok buka?");
      expect(a.handledBy).to.equal("hours");
      expect(a.meta.hours).to.deep.include({ asked: "days", holidays: "weekly_only" });
      expect(a.meta.hours.days!).to.deep.equal([
        { date: "2025-12-25", state: "open", hours: ["08:00–16:00"] },
      ]);
      expect(a.text).to.contain("libur");
    });

    it("a greeting with a question answers the question", async () => {
      for (const q of ["halo, besok buka?", "assalamualaikum, besok buka ga?", "makasih, besok buka ga?"]) {
        const a = await ask(newChat(), q);
        expect(a.handledBy, q).to.equal("hours");
        expect(a.meta.hours.days!, q).to.deep.equal([
          { date: "2025-12-03", state: "open", hours: ["08:00–16:00"] },
        ]);
      }
    });
  });

  describe("small talk", () => {
    it("'ok' after the menu is acknowledged briefly: no menu, not 'not understood'", async () => {
      const chat = newChat();
      const menu = await ask(chat, "/bantuan");
      expect(menu.text).to.contain("/pinjaman");
      const ok = await ask(chat, "ok");
      expect(ok.handledBy).to.equal("acknowledgment");
      expect(ok.text).to.not.contain("/pinjaman");
      expect(ok.text.split("\n")).to.have.length(1);
      expect(await conversation(chat)).to.deep.equal({ state: "bot", unknown_streak: 0 });
    });

    it("an acknowledgment after a 'not understood' does not lead to the librarian queue", async () => {
      const chat = newChat();
      expect((await ask(chat, "zxqv blorp")).handledBy).to.equal("unknown");
      for (const q of ["ok", "👍"]) expect((await ask(chat, q)).handledBy, q).to.equal("acknowledgment");
      expect((await ask(chat, "zxqv blorp")).handledBy).to.equal("unknown");
      expect(await conversation(chat)).to.deep.equal({ state: "bot", unknown_streak: 1 });
    });

    it("an 'ok' while a renewal waits for its confirmation confirms it: small talk leaves a pending step to it", async () => {
      const chat = newChat();
      await ask(chat, "/tautkan");
      expect((await ask(chat, "2021110001")).handledBy).to.equal("link");
      expect((await ask(chat, "demo1234")).text).to.contain("2021110001");
      expect((await ask(chat, "/perpanjang")).handledBy).to.equal("renew");
      const confirm = await ask(chat, "1");
      expect(confirm.handledBy).to.equal("renew");
      const done = await ask(chat, "ok");
      expect(done.handledBy).to.equal("renew");
      expect(done.text).to.contain("Berhasil diperpanjang");
    });

    it("greetings, thanks, acknowledgments and emoji each get a short answer of their kind", async () => {
      const cases: Array<[string, string, string]> = [
        ["assalamualaikum", "greeting", "salam"],
        ["pagi kak", "greeting", "morning"],
        ["halo min", "greeting", "hello"],
        ["selamat siang", "greeting", "midday"],
        ["good morning", "greeting", "morning"],
        ["hi", "greeting", "hello"],
        ["makasih", "thanks", "thanks"],
        ["terima kasih kak", "thanks", "thanks"],
        ["thx", "thanks", "thanks"],
        ["sip", "acknowledgment", "ack"],
        ["siap", "acknowledgment", "ack"],
        ["noted", "acknowledgment", "ack"],
        ["👍", "acknowledgment", "ack"],
        ["👍🏻", "acknowledgment", "ack"],
        ["😊😊", "acknowledgment", "emoji"],
        ["😂", "acknowledgment", "emoji"],
      ];
      for (const [q, handledBy, kind] of cases) {
        const a = await ask(newChat(), q);
        expect([a.handledBy, a.meta.smallTalk], q).to.deep.equal([handledBy, kind]);
        expect(a.text, q).to.not.contain("/pinjaman");
      }
      expect((await ask(newChat(), "assalamualaikum")).text).to.match(/^Wa'alaikumsalam/);
    });
  });
});
