/**
 * The service calendar tab in a real browser (Debian's chromium, playwright-core): an admin edits
 * the weekly hours (a typo first: the server's problem is shown by its field), adds a named
 * holiday whose name carries HTML (shown as text, never run), and the patron's `/jam` follows; a
 * librarian sees the calendar without the editing controls. A screenshot is saved in
 * test-artifacts/.
 */
import { mkdir } from "node:fs/promises";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import type { App } from "../../main";
import { findChromium } from "../helpers/chromium";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, startTestApp } from "../helpers/app";
import { PASSWORD } from "../helpers/console";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z"); // 09:00 WIB
const HOSTILE = `<img src=x onerror="window.__pwned=1">Libur`;

describe("service calendar tab in Chromium", function () {
  this.timeout(90_000);
  let fake: FakeTelegram;
  let app: App;
  let browser: Browser;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, {
      now: () => MONDAY_MORNING,
      env: { SERVICE_CALENDAR_CACHE_MS: "0", LIBRARY_HOURS: "mon-thu 08:00-16:00; fri 08:00-16:30" },
    }));
    for (const [username, role] of [
      ["kalender-admin", "admin"],
      ["kalender-pustakawan", "librarian"],
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
    await app?.dataSource.query(`DELETE FROM service_exception`);
    await app?.dataSource.query(`DELETE FROM service_week`);
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  async function signIn(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "id-ID" });
    const page = await context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(app.web!.url);
    await page.fill("#login-username", username);
    await page.fill("#login-password", PASSWORD);
    await page.click("#login-form button[type=submit]");
    await page.locator("#app-view").waitFor();
    await page.click('nav#tabs button[data-tab="calendar"]');
    await page.locator("#calendar-view input[data-day=mon]").waitFor();
    return page;
  }

  async function jam(chatId: number): Promise<string> {
    fake.sendText(chatId, "/jam");
    const [reply] = await fake.waitForSent(1, { chatId: String(chatId) });
    return reply!.text ?? "";
  }

  it("an admin edits the weekly hours and adds a named holiday; /jam follows; the name stays text", async () => {
    const page = await signIn("kalender-admin");
    expect(await page.inputValue("#calendar-view input[data-day=mon]")).to.equal("08:00-16:00");
    await page.locator("#calendar-view", { hasText: "Dari LIBRARY_HOURS" }).waitFor();

    await page.fill("#calendar-view input[data-day=mon]", "10:00-25:00");
    await page.click("#calendar-view button:has-text('Simpan jam mingguan')");
    await page.locator("#calendar-problems li.error", { hasText: "Senin: jam tidak valid" }).waitFor();

    await page.fill("#calendar-view input[data-day=mon]", "10:00-12:00, 13:00-15:00");
    await page.click("#calendar-view button:has-text('Simpan jam mingguan')");
    await page.locator("#calendar-view", { hasText: "Disimpan di konsol" }).waitFor();
    expect(await jam(715_001)).to.contain("Senin: 10:00–12:00, 13:00–15:00");

    await page.fill('#calendar-view input[type="date"] >> nth=0', "2025-12-01");
    await page.fill("#calendar-view input[placeholder='Nama (Bahasa Indonesia)']", HOSTILE);
    await page.click("#calendar-view button:has-text('Tambah pengecualian')");
    const item = page.locator("#calendar-view li", { hasText: "2025-12-01" });
    await item.waitFor();
    expect(await item.textContent()).to.contain(HOSTILE);
    expect(await page.evaluate("typeof window.__pwned")).to.equal("undefined");
    expect(await jam(715_002)).to.contain("hari ini libur: <img src=x");
    await mkdir("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/calendar-phone.png", fullPage: true });

    await item.locator("button", { hasText: "Hapus" }).click();
    await page.locator("#calendar-view", { hasText: "Belum ada pengecualian" }).waitFor();
    expect(pageErrors).to.deep.equal([]);
    expect(dialogs).to.deep.equal([]);
  });

  it("a librarian reads the calendar, without editing controls", async () => {
    const page = await signIn("kalender-pustakawan");
    await page.locator("#calendar-view", { hasText: "Hanya admin yang dapat mengubah kalender" }).waitFor();
    expect(await page.locator("#calendar-view input[data-day=mon]").getAttribute("readonly")).to.not.equal(
      null,
    );
    expect(await page.locator("#calendar-view button").count()).to.equal(0);
  });
});
