/**
 * The Announcements tab in a real browser (Debian's chromium, playwright-core): an admin writes a
 * notice and sends it to 20 opted-in members on the fake Telegram (and any other tests left), sent in
 * about 4 s, and watches
 * the counts move to the final "done · 20 sent"; a librarian sees the list but no form.
 */
import { expect } from "chai";
import { Pool } from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import type { App } from "../../main";
import { findChromium } from "../helpers/chromium";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, sql, startTestApp } from "../helpers/app";
import { PASSWORD } from "../helpers/console";
import { testDatabaseUrl } from "../support/services";

const CHATS = 20;
const FIRST_CHAT = 960_000;

describe("console in Chromium: the Announcements tab", function () {
  this.timeout(90_000);
  let fake: FakeTelegram;
  let app: App;
  let browser: Browser;
  const pageErrors: string[] = [];
  let recipients = 0;

  before(async () => {
    fake = await FakeTelegram.start();
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
    await pool.query(
      `WITH p AS (
         INSERT INTO patron (display_name, member_id)
         SELECT 'Anggota ' || g, 'WEB' || g FROM generate_series(0, $1 - 1) g RETURNING id, member_id
       ), i AS (
         INSERT INTO channel_identity (channel, external_user_id, patron_id, verified_at, verified_method)
         SELECT 'telegram', ($2 + substr(member_id, 4)::int)::text, id, now(), 'member_id+password' FROM p
         RETURNING patron_id
       )
       INSERT INTO reminder_preference (patron_id, enabled) SELECT patron_id, true FROM i`,
      [CHATS, FIRST_CHAT],
    );
    await pool.end();
    // Every opted-in member on Telegram gets it: these 20, and any that other tests left in this
    // run's database. The rate makes the sending last about 4 s however many there are.
    [{ n: recipients }] = (await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM patron p JOIN reminder_preference rp ON rp.patron_id = p.id AND rp.enabled
       JOIN channel_identity ci ON ci.patron_id = p.id AND ci.verified_at IS NOT NULL AND ci.channel = 'telegram'
       WHERE p.member_id IS NOT NULL`,
    )) as [{ n: number }];
    const rate = Math.max(5, Math.ceil(recipients / 4));
    ({ app } = await startTestApp(fake, { env: { TELEGRAM_MAX_PER_SECOND: String(rate) } }));
    for (const [username, role] of [
      ["ani", "admin"],
      ["rudi", "librarian"],
    ] as const)
      await app.console!.staff.add({ username, displayName: username, role, password: PASSWORD });
    browser = await chromium.launch({
      executablePath: findChromium(),
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  async function signIn(username: string): Promise<Page> {
    const page = await (await browser.newContext({ locale: "id-ID" })).newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("dialog", (d) => void d.accept()); // "send to everybody?" — yes
    await page.goto(app.web!.url);
    await page.fill("#login-username", username);
    await page.fill("#login-password", PASSWORD);
    await page.click("#login-form button[type=submit]");
    await page.locator("#app-view").waitFor();
    await page.click('nav#tabs button[data-tab="announcements"]');
    await page.locator("#tab-announcements").waitFor();
    return page;
  }

  it("an admin sends one and watches its counts to the end; a librarian sees it without the form", async () => {
    const admin = await signIn("ani");
    await admin.locator("#announcement-form").waitFor();
    await admin.locator('#announcement-channels input[value="telegram"]').waitFor();
    await admin.fill("#announcement-id", "Perpustakaan tutup Jumat, 26 Desember 2025.");
    await admin.fill("#announcement-en", "The library is closed on Friday, 26 December 2025.");
    await admin.click("#announcement-form button[type=submit]");
    const item = admin.locator("#announcement-list li").first();
    // Counts while it goes out (5 a second: about 4 s), then the final ones.
    await item.filter({ hasText: "mengirim…" }).waitFor();
    await item
      .filter({ hasText: `selesai · ${recipients} penerima · 0 antre · ${recipients} terkirim · 0 gagal` })
      .waitFor({
        timeout: 30_000,
      });
    const mine = fake.sent.filter(
      (m) => Number(m.chatId) >= FIRST_CHAT && Number(m.chatId) < FIRST_CHAT + CHATS,
    );
    expect(mine.filter((m) => m.text.includes("26 Desember 2025"))).to.have.length(CHATS);

    const librarian = await signIn("rudi");
    await librarian.locator("#announcement-list li", { hasText: "26 Desember 2025" }).waitFor();
    expect(await librarian.locator("#announcement-form").isHidden()).to.equal(true);
    expect(pageErrors).to.deep.equal([]);
  });
});
