/**
 * The console's FAQ tab in a real browser (Debian's chromium, playwright-core): a librarian sees
 * the seeded entries, makes an entry from an unanswered question (the editor prefilled), saves
 * and publishes it, and the answer — HTML included — shows as text; an auditor gets no editor.
 * A screenshot is saved in test-artifacts/.
 */
import { mkdir } from "node:fs/promises";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import type { App } from "../../main";
import { findChromium } from "../helpers/chromium";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, sql, startTestApp } from "../helpers/app";
import { addStaff, PASSWORD } from "../helpers/console";

const HOSTILE = `<img src=x onerror="window.__pwned=1">Kantin buka 07.00–15.00.`;

describe("console FAQ tab in Chromium", function () {
  this.timeout(90_000);
  let fake: FakeTelegram;
  let app: App;
  let browser: Browser;
  const pageErrors: string[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake));
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

  async function signIn(role: "librarian" | "auditor"): Promise<Page> {
    const staff = await addStaff(app, role);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(app.web!.url);
    await page.fill("#login-username", staff.username);
    await page.fill("#login-password", PASSWORD);
    await page.click("#login-form button[type=submit]");
    await page.locator("#app-view").waitFor();
    await page.click('nav#tabs button[data-tab="faq"]');
    await page.locator("#faq-list li").first().waitFor();
    return page;
  }

  it("a librarian makes an entry from an unanswered question; its answer shows as text", async () => {
    const before = fake.sentTo(493_701).length;
    fake.sendText(493_701, "harga tiket konser minggu depan");
    await fake.waitForSent(before + 1, { chatId: "493701" });
    const page = await signIn("librarian");
    expect(await page.locator("#faq-list li", { hasText: "e-journal" }).count()).to.equal(1);
    const group = page.locator("#faq-unanswered li", { hasText: "tiket konser" });
    await group.waitFor();
    await group.locator("button").click();
    expect(await page.inputValue("#faq-questions-id")).to.contain("harga tiket konser minggu depan");

    await page.fill("#faq-slug", "kantin");
    await page.fill("#faq-answer-id", HOSTILE);
    await page.fill("#faq-questions-en", "Is there a canteen nearby?");
    await page.fill("#faq-answer-en", "The canteen opens 07:00–15:00.");
    await page.fill("#faq-keywords", "kantin, canteen");
    await page.click("#faq-editor button[type=submit]");
    await page.locator("#faq-history li").first().waitFor();
    expect(await page.locator("#faq-history li div").nth(1).textContent()).to.equal(HOSTILE);
    expect(await page.locator("#tab-faq img").count()).to.equal(0);
    await page.click("#faq-publish");
    await page
      .locator("#faq-list li", { hasText: "kantin" })
      .filter({ hasText: /terbit|published/ })
      .waitFor();
    const rows = await sql<{ status: string }>(`SELECT status FROM faq_entry WHERE slug = 'kantin'`);
    expect(rows).to.deep.equal([{ status: "published" }]);
    expect(await page.evaluate("typeof window.__pwned")).to.equal("undefined");
    await mkdir("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/console-faq.png", fullPage: true });
  });

  it("an auditor reads the entries and gets no editor", async () => {
    const page = await signIn("auditor");
    expect(await page.locator("#faq-editor").isHidden()).to.equal(true);
    expect(await page.locator("#faq-unanswered button").first().isHidden()).to.equal(true);
    expect(pageErrors).to.deep.equal([]);
  });
});
