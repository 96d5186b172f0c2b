/**
 * The SLiMS capability end to end: a patron on the fake Telegram links their membership
 * (their own contact + OPAC password), lists loans and fines, and renews with buttons; the
 * SLiMS database (MariaDB, least-privilege account) shows the renewal exactly once, even when
 * the job is retried; another member's data never appears; passwords never reach the log.
 * Twice: on SLiMS 9's installer tables in InnoDB, and on SLiMS 8's in MyISAM (its default).
 */
import { expect } from "chai";
import type { App } from "../../main";
import { REDACTED_TEXT } from "../../shared/secret-box";
import { FakeTelegram, type SentMessage } from "../helpers/fake-telegram";
import { SlimsFixture, CHAT_MEMBER_TYPE, phpBcrypt } from "../helpers/slims-fixture";
import { SLIMS_VERSIONS, type SlimsVersion } from "../helpers/slims-schema";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";

// Monday 1 December 2025, 09:00 in Jakarta.
const NOW = new Date("2025-12-01T02:00:00Z");
const PASSWORD = "rahasia-123";

for (const version of SLIMS_VERSIONS) {
  describe(`SLiMS ${version} by chat: link, loans, fines, renew`, function () {
    slimsByChat.call(this, version);
  });
}

function slimsByChat(this: Mocha.Suite, version: SlimsVersion): void {
  this.timeout(60_000);
  // Both runs share the test run's message log: their chats must differ (Telegram ids are unique).
  const chats = version === "9" ? 0 : 100_000;
  let fake: FakeTelegram;
  let slims: SlimsFixture;
  let app: App;
  let siti: string;
  let budi: string;
  let tanpaSandi: string;
  const loans: Record<string, number> = {};
  let faultedOnce = false;

  before(async () => {
    fake = await FakeTelegram.start();
    slims = await SlimsFixture.create(version === "9" ? "InnoDB" : "MyISAM", { version });
    const type = await slims.memberType(CHAT_MEMBER_TYPE);
    const hash = await phpBcrypt(PASSWORD);
    siti = await slims.member({
      name: "Siti Aminah",
      memberTypeId: type,
      phone: "0812-3456-7890",
      mpasswd: hash,
    });
    budi = await slims.member({
      name: "Budi Santoso",
      memberTypeId: type,
      phone: "081200000002",
      mpasswd: hash,
    });
    tanpaSandi = await slims.member({ name: "Tanpa Sandi", memberTypeId: type, mpasswd: null });
    loans.due = (
      await slims.loan({
        memberId: siti,
        title: "Metodologi Penelitian",
        loanDate: "2025-11-26",
        dueDate: "2025-12-03",
      })
    ).loanId;
    loans.late = (
      await slims.loan({
        memberId: siti,
        title: "Statistika Dasar",
        loanDate: "2025-11-19",
        dueDate: "2025-11-26",
      })
    ).loanId;
    const reserved = await slims.loan({
      memberId: siti,
      title: "Hukum Tata Negara",
      loanDate: "2025-11-28",
      dueDate: "2025-12-05",
    });
    loans.reserved = reserved.loanId;
    await slims.reserve(budi, reserved.itemCode, reserved.biblioId);
    loans.budi = (
      await slims.loan({ memberId: budi, title: "Buku Milik Budi", dueDate: "2025-12-04" })
    ).loanId;
    ({ app } = await startTestApp(fake, {
      now: () => NOW,
      // Holidays read afresh: a test below adds one while the app runs (the default reuses the table 60 s).
      env: {
        SLIMS_DATABASE_URL: slims.relayUrl,
        LINK_MAX_ATTEMPTS_PER_HOUR: "3",
        SLIMS_HOLIDAY_CACHE_MS: "0",
      },
      // A crash after the renewal was done, before the reply was committed: the job is retried.
      afterHandle: (m) => {
        if (m.text?.startsWith("/perpanjang ya") && !faultedOnce) {
          faultedOnce = true;
          throw new Error("injected crash after renewal");
        }
      },
    }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await slims?.cleanup();
    await closeSql();
  });

  const chat = chats + 9500;
  let seen = 0;
  /** Send and wait for the bot's next `count` messages to this chat. */
  async function say(text: string, count = 1): Promise<SentMessage[]> {
    fake.sendText(chat, text, { first_name: "Siti" });
    return next(count);
  }
  async function next(count = 1): Promise<SentMessage[]> {
    const all = await fake.waitForSent(seen + count, { chatId: String(chat) });
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  }
  const buttonsOf = (m: SentMessage) => JSON.stringify(m.replyMarkup ?? {});

  it("asks an unlinked patron to link before showing member data", async () => {
    const [reply] = await say("/pinjaman");
    expect(reply!.text).to.contain("/tautkan");
  });

  it("links with the patron's own contact and OPAC password; passwords are deleted and never logged", async () => {
    const [ask] = await say("/tautkan");
    expect(ask!.replyMarkup).to.deep.include({ one_time_keyboard: true });
    expect(buttonsOf(ask!)).to.contain('"request_contact":true');

    fake.sendMessage(chat, {
      contact: { phone_number: "+6281200000002", first_name: "Budi", user_id: 4242 },
    });
    const [notOwn] = await next();
    expect(notOwn!.text).to.contain("bukan nomor Anda sendiri");

    fake.sendMessage(chat, {
      contact: { phone_number: "+62 812-3456-7890", first_name: "Siti", user_id: chat },
    });
    const [askPassword] = await next();
    expect(askPassword!.text).to.contain("kata sandi OPAC");

    const wrong = fake.sendText(chat, "salah-sekali");
    const [wrongReply] = await next();
    expect(wrongReply!.text).to.contain("Sisa percobaan: 2");
    await eventually(
      async () => fake.deleted.some((d) => d.messageId === wrong.message!.message_id),
      "the wrong password deleted from the chat",
    );

    const right = fake.sendText(chat, PASSWORD);
    const [linked] = await next();
    expect(linked!.text).to.contain("Siti Aminah").and.to.contain(siti);
    await eventually(
      async () => fake.deleted.some((d) => d.messageId === right.message!.message_id),
      "the password deleted from the chat",
    );

    const leaked = await sql(
      `SELECT id FROM message WHERE text LIKE '%' || $1 || '%' OR meta::text LIKE '%' || $1 || '%'
          OR text LIKE '%salah-sekali%' OR meta::text LIKE '%salah-sekali%'`,
      [PASSWORD],
    );
    expect(leaked).to.have.length(0);
    const redacted = await sql(
      `SELECT m.id FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.chat_id = $1 AND m.text = $2`,
      [String(chat), REDACTED_TEXT],
    );
    expect(redacted).to.have.length(2);
    const [patron] = await sql<{ member_id: string; verified_method: string }>(
      `SELECT p.member_id, ci.verified_method FROM patron p JOIN channel_identity ci ON ci.patron_id = p.id
       WHERE ci.channel = 'telegram' AND ci.external_user_id = $1`,
      [String(chat)],
    );
    expect(patron).to.deep.equal({ member_id: siti, verified_method: "telegram_contact+password" });
    const audit = await sql<{ action: string }>(
      `SELECT action FROM audit_event WHERE actor_id = $1 ORDER BY id`,
      [`telegram:${chat}`],
    );
    expect(audit.map((a) => a.action)).to.deep.equal(["link_failed", "link_failed", "link"]);
  });

  it("lists the member's own loans with due dates, and never another member's", async () => {
    const [reply] = await say("pinjaman saya");
    expect(reply!.text).to.contain("Metodologi Penelitian").and.to.contain("3 Des 2025 (2 hari lagi)");
    expect(reply!.text).to.contain("Statistika Dasar").and.to.contain("TERLAMBAT 5 hari");
    expect(reply!.text).to.contain("Hukum Tata Negara");
    expect(reply!.text).to.not.contain("Budi");
  });

  it("shows the stored balance and a labelled estimate for overdue loans", async () => {
    await slims.fine(siti, 3000, 1000);
    await slims.fine(budi, 99000);
    const [reply] = await say("berapa denda saya?");
    expect(reply!.text).to.contain("Denda yang belum dibayar: Rp2.000");
    expect(reply!.text).to.contain("Perkiraan denda keterlambatan").and.to.contain("Rp5.000");
    expect(reply!.text).to.not.contain("99.000");
  });

  it("renews with buttons; SLiMS shows the renewal exactly once although the job was retried", async () => {
    const [list] = await say("/perpanjang");
    expect(list!.text).to.contain("Hukum Tata Negara: tidak dapat diperpanjang, sedang dipesan");
    expect(buttonsOf(list!)).to.contain(`/perpanjang pilih ${loans.due}`);
    expect(buttonsOf(list!)).to.not.contain(`pilih ${loans.reserved}`);

    fake.pressButton(chat, `/perpanjang pilih ${loans.due}`);
    const [confirm] = await next();
    expect(confirm!.text).to.contain('Perpanjang "Metodologi Penelitian"');
    fake.pressButton(chat, `/perpanjang ya ${loans.due}`);
    const [done] = await next();
    expect(faultedOnce, "the injected crash happened").to.equal(true);
    expect(done!.text).to.contain("Berhasil diperpanjang").and.to.contain("8 Des 2025");

    const row = await slims.loanRow(loans.due!);
    expect([row.renewed, row.due_date, row.return_date, row.is_return]).to.deep.equal([
      1,
      "2025-12-08",
      "2025-12-01",
      0,
    ]);
    const logs = await slims.logsOf(siti);
    // SLiMS 8's system_log has no sub_module / action (docs/slims.md §7).
    expect(logs.map((l) => [l.log_location, l.sub_module, l.action])).to.deep.equal([
      version === "9" ? ["circulation", "Loan", "Extended"] : ["circulation", undefined, undefined],
    ]);
    const [reply] = await sql<{ meta: Record<string, unknown> }>(
      `SELECT m.meta FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.chat_id = $1 AND m.direction = 'out' AND m.handled_by = 'renew' ORDER BY m.id DESC LIMIT 1`,
      [String(chat)],
    );
    expect(reply!.meta).to.deep.include({
      loanId: loans.due,
      oldDueDate: "2025-12-03",
      newDueDate: "2025-12-08",
    });
  });

  it("renews an overdue loan by typed choice and writes the fine SLiMS would write", async () => {
    const [list] = await say("perpanjang buku");
    expect(list!.text).to.contain("1. Statistika Dasar");
    expect(list!.text).to.contain(
      "Metodologi Penelitian: tidak dapat diperpanjang, sudah diperpanjang hari ini",
    );
    const [confirm] = await say("1");
    expect(confirm!.text).to.contain("denda Rp5.000 akan dicatat");
    const [done] = await say("ya");
    expect(done!.text).to.contain("Denda keterlambatan Rp5.000 telah dicatat");
    const fines = await slims.finesOf(siti);
    expect(fines.map((f) => [f.fines_date, f.debet, f.credit])).to.deep.include(["2025-12-01", 5000, 0]);
    expect(fines).to.have.length(2);
  });

  it("unlinks on /lepas, after which member data is hidden again", async () => {
    const [bye] = await say("/lepas");
    expect(bye!.text).to.contain("dilepas");
    const [reply] = await say("/pinjaman");
    expect(reply!.text).to.contain("/tautkan");
  });

  it("links by member ID when the phone matches no one; locks out after too many wrong passwords", async () => {
    const other = chats + 9600;
    const send = async (text: string) => {
      const before = fake.sentTo(other).length;
      fake.sendText(other, text, { first_name: "Tamu" });
      const all = await fake.waitForSent(before + 1, { chatId: String(other) });
      return all
        .slice(before)
        .map((m) => m.text)
        .join("\n");
    };
    await send("/tautkan");
    fake.sendMessage(other, {
      contact: { phone_number: "+628999999999", first_name: "Tamu", user_id: other },
    });
    expect((await fake.waitForSent(2, { chatId: String(other) }))[1]!.text).to.contain("belum terdaftar");
    expect(await send(budi)).to.contain("kata sandi OPAC");
    expect(await send("tebak-1")).to.contain("Sisa percobaan: 2");
    expect(await send("tebak-2")).to.contain("Sisa percobaan: 1");
    expect(await send("tebak-3")).to.contain("Terlalu banyak percobaan");
    // Even the right password is refused while locked out.
    await send("/tautkan");
    expect(await send(budi)).to.contain("Terlalu banyak percobaan");
    const [patron] = await sql<{ member_id: string | null }>(
      `SELECT p.member_id FROM patron p JOIN channel_identity ci ON ci.patron_id = p.id WHERE ci.external_user_id = $1`,
      [String(other)],
    );
    expect(patron!.member_id).to.equal(null);
  });

  it("offers a librarian to a member who has no OPAC password", async () => {
    const third = chats + 9700;
    fake.sendText(third, "/link", { language_code: "en" });
    await fake.waitForSent(1, { chatId: String(third) });
    fake.sendText(third, tanpaSandi, { language_code: "en" });
    const [, reply] = await fake.waitForSent(2, { chatId: String(third) });
    expect(reply!.text).to.contain("no OPAC password").and.to.contain("/librarian");
  });

  it("on a SLiMS holiday, a patron asking for a librarian is told when the library answers again", async () => {
    await slims.holiday("mon", "2025-12-01", "Libur kampus");
    const holidayChat = chats + 9800;
    fake.sendText(holidayChat, "/pustakawan");
    const [reply] = await fake.waitForSent(1, { chatId: String(holidayChat) });
    expect(reply!.text)
      .to.contain("di luar jam layanan pustakawan")
      .and.to.contain("besok mulai pukul 08:00");
  });
}
