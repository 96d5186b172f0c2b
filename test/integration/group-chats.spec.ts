/**
 * Member data and membership actions only in a private chat, decided per sender (issue 8 item 1).
 * A linked member and another person share a Telegram group with the bot: whoever types a
 * membership command there gets "write to me privately" and nothing else happens; what may be
 * answered in a group (service hours, language) acts for the sender, never for the group's
 * first writer.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { FakeTelegram, type SentMessage } from "../helpers/fake-telegram";
import { SlimsFixture, CHAT_MEMBER_TYPE, phpBcrypt } from "../helpers/slims-fixture";
import { closeSql, sql, startTestApp } from "../helpers/app";

const NOW = new Date("2025-12-01T02:00:00Z");
const PASSWORD = "rahasia-123";
const SITI = 71011; // her user id = her private chat id
const OTHER = 71012;
const GROUP = -1007101;

describe("group chats: member data only in a private chat, per sender", function () {
  this.timeout(60_000);
  let fake: FakeTelegram;
  let slims: SlimsFixture;
  let app: App;
  let siti: string;

  before(async () => {
    fake = await FakeTelegram.start();
    slims = await SlimsFixture.create("InnoDB");
    const type = await slims.memberType(CHAT_MEMBER_TYPE);
    const hash = await phpBcrypt(PASSWORD);
    siti = await slims.member({
      name: "Siti Aminah",
      memberTypeId: type,
      phone: "081234567890",
      mpasswd: hash,
    });
    await slims.loan({
      memberId: siti,
      title: "Metodologi Penelitian",
      loanDate: "2025-11-26",
      dueDate: "2025-12-03",
    });
    ({ app } = await startTestApp(fake, { now: () => NOW, env: { SLIMS_DATABASE_URL: slims.relayUrl } }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await slims?.cleanup();
    await closeSql();
  });

  /** `user` writes `text` in the group; resolves with the bot's next message to the group. */
  async function inGroup(user: number, text: string, type = "supergroup"): Promise<SentMessage> {
    const before = fake.sentTo(GROUP).length;
    fake.sendMessage(
      GROUP,
      { text, chat: { id: GROUP, type, title: "Kelas 3A" } },
      { id: user, first_name: `U${user}` },
    );
    const all = await fake.waitForSent(before + 1, { chatId: String(GROUP) });
    return all[before]!;
  }
  async function privately(text: string): Promise<SentMessage> {
    const before = fake.sentTo(SITI).length;
    fake.sendText(SITI, text, { first_name: "Siti" });
    return (await fake.waitForSent(before + 1, { chatId: String(SITI) }))[before]!;
  }
  const memberOf = async (user: number) =>
    (
      await sql<{ member_id: string | null; language: string | null }>(
        `SELECT p.member_id, p.language FROM patron p JOIN channel_identity ci ON ci.patron_id = p.id
         WHERE ci.channel = 'telegram' AND ci.external_user_id = $1`,
        [String(user)],
      )
    )[0];

  it("Siti links in her private chat, then writes first in the group", async () => {
    await privately("/tautkan");
    fake.sendMessage(SITI, {
      contact: { phone_number: "+6281234567890", first_name: "Siti", user_id: SITI },
    });
    await fake.waitForSent(2, { chatId: String(SITI) });
    expect((await privately(PASSWORD)).text).to.contain("Siti Aminah");
    expect((await memberOf(SITI))!.member_id).to.equal(siti);
    // Siti is the group conversation's first writer (its patron): the old code used her identity.
    expect((await inGroup(SITI, "/jam")).text).to.match(/buka|jam/i);
  });

  it("shows nobody's loans in a group: not to another member, not to the linked member", async () => {
    for (const [user, text] of [
      [OTHER, "/pinjaman@pustaka_bot"],
      [OTHER, "/denda"],
      [OTHER, "/perpanjang"],
      [SITI, "/pinjaman"],
      [OTHER, "pinjaman saya"],
    ] as const) {
      const reply = await inGroup(user, text);
      expect(reply.text, `${user}: ${text}`).to.contain("chat pribadi");
      expect(reply.text).to.not.contain("Metodologi");
      expect(JSON.stringify(reply.replyMarkup ?? {})).to.not.contain("perpanjang");
    }
    const rows = await sql<{ handled_by: string }>(
      `SELECT m.handled_by FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.chat_id = $1 AND m.direction = 'in' AND m.handled_by IS NOT NULL ORDER BY m.seq`,
      [String(GROUP)],
    );
    expect(rows.map((r) => r.handled_by)).to.deep.equal(["hours", ...Array(5).fill("private_only")]);
  });

  it("/lepas in a group unlinks nobody, and /tautkan there starts no linking (nor in a basic group or channel)", async () => {
    expect((await inGroup(OTHER, "/lepas")).text).to.contain("chat pribadi");
    expect((await inGroup(SITI, "/lepas")).text).to.contain("chat pribadi");
    expect((await inGroup(OTHER, "/tautkan", "group")).text).to.contain("chat pribadi");
    expect((await inGroup(OTHER, "/pinjaman", "channel")).text).to.contain("chat pribadi");
    expect((await memberOf(SITI))!.member_id).to.equal(siti);
    const [group] = await sql<{ dialog: Record<string, unknown> }>(
      `SELECT dialog FROM conversation WHERE chat_id = $1 AND state <> 'closed'`,
      [String(GROUP)],
    );
    expect(group!.dialog).to.deep.equal({});
    expect((await privately("/pinjaman")).text).to.contain("Metodologi");
  });

  it("what a group may ask acts for the sender: another member's /bahasa en leaves Siti's language", async () => {
    expect((await inGroup(OTHER, "/bahasa en")).text).to.match(/English/);
    expect((await memberOf(OTHER))!.language).to.equal("en");
    expect((await memberOf(SITI))!.language).to.equal(null);
  });
});
