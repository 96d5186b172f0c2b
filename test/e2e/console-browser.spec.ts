/**
 * The librarian console in a real browser: Debian's chromium driven by playwright-core. A patron
 * on the fake Telegram asks for a librarian; the librarian signs in, sees the waiting
 * conversation, claims it and the two chat both ways; a patron message carrying HTML is shown as
 * text. The page's ES modules all load; search finds a conversation and opens it. A screenshot is
 * saved in test-artifacts/.
 */
import { mkdir } from "node:fs/promises";
import { request } from "node:http";
import { expect } from "chai";
import { chromium, type Browser, type Page, type Response } from "playwright-core";
import type { App } from "../../main";
import { findChromium } from "../helpers/chromium";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, sql, startTestApp } from "../helpers/app";
import { PASSWORD } from "../helpers/console";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");
const HOSTILE = `<img src=x onerror="window.__pwned=1;alert(1)">tolong`;

/** The page itself, its scripts (main.js and every module it imports) and its styles must load. */
function recordFailedLoads(page: Page, failed: string[]): void {
  page.on("response", (res: Response) => {
    const kind = res.request().resourceType();
    if (["document", "script", "stylesheet"].includes(kind) && res.status() >= 400)
      failed.push(`${res.status()} ${res.url()}`);
  });
  page.on("requestfailed", (req) => failed.push(`${req.failure()?.errorText} ${req.url()}`));
}

/** GET with the path sent exactly as written (no URL normalisation of "..", unlike fetch). */
function rawGet(base: string, path: string): Promise<{ status: number; type: string | undefined }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, method: "GET" }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"] }));
    })
      .on("error", reject)
      .end();
  });
}

describe("console in Chromium (playwright-core)", function () {
  this.timeout(90_000);
  let fake: FakeTelegram;
  let app: App;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const failedLoads: string[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, { now: () => MONDAY_MORNING }));
    await app.console!.staff.add({
      username: "rina",
      displayName: "Rina Pustakawan",
      role: "librarian",
      password: PASSWORD,
    });
    browser = await chromium.launch({
      executablePath: findChromium(),
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    // A phone-sized screen: librarians answer from home too.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "id-ID" });
    page = await context.newPage();
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (err) => pageErrors.push(err.message));
    recordFailedLoads(page, failedLoads);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("log in, see the waiting conversation, claim, reply, see the patron's answer; HTML stays text", async () => {
    const url = app.web!.url;
    await page.goto(url);
    await page.locator("#login-form").waitFor();
    await page.fill("#login-username", "rina");
    await page.fill("#login-password", PASSWORD);
    await page.click("#login-form button[type=submit]");
    await page.locator("#app-view").waitFor();
    await page.locator("#me").filter({ hasText: "Rina Pustakawan" }).waitFor();

    fake.sendText(461_001, "/pustakawan", { first_name: "Ayu" });
    const item = page.locator("#queue-list button", { hasText: "Ayu" });
    await item.waitFor();
    await item.click();
    await page.locator("#claim").click();
    await page.locator("#reply-form").waitFor({ state: "visible" });
    await page.fill("#reply-text", "Halo Ayu, saya Rina. Ada yang bisa dibantu?");
    await page.click("#send");
    const sent = await fake.waitForSent(3, { chatId: "461001" });
    expect(sent[1]!.text).to.contain("Rina Pustakawan");
    expect(sent[2]!.text).to.equal("Halo Ayu, saya Rina. Ada yang bisa dibantu?");
    await page.locator("#messages li.librarian .msg-status.sent").waitFor();

    fake.sendText(461_001, "Buku saya sudah lewat tempo, bisa diperpanjang?", { first_name: "Ayu" });
    await page.locator("#messages li.patron", { hasText: "Buku saya sudah lewat tempo" }).waitFor();

    fake.sendText(461_001, HOSTILE, { first_name: "Ayu" });
    const hostile = page.locator("#messages li.patron .msg-text", { hasText: "onerror" });
    await hostile.waitFor();
    expect(await hostile.textContent()).to.equal(HOSTILE);
    expect(await page.locator("#messages img").count()).to.equal(0);
    expect(await page.evaluate("typeof window.__pwned")).to.equal("undefined");
    expect(dialogs).to.deep.equal([]);
    expect(pageErrors).to.deep.equal([]);
    expect(failedLoads).to.deep.equal([]);

    await mkdir("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/console-phone.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    // A second patron: the queue shows them, the librarian claims; while the first conversation
    // is open, the second one's new message shows as unread in "my conversations".
    fake.sendText(461_002, "talk to a human", { first_name: "Gilang", language_code: "en" });
    const second = page.locator("#queue-list button", { hasText: "Gilang" });
    await second.waitFor();
    await second.click();
    await page.locator("#claim").click();
    await page.locator("#reply-form").waitFor({ state: "visible" });
    await page.locator("#mine-list button", { hasText: "Ayu" }).click();
    await page.locator("#messages li.patron", { hasText: "tolong" }).waitFor();
    fake.sendText(461_002, "Hello? Anyone there?", { first_name: "Gilang", language_code: "en" });
    await page
      .locator("#mine-list button", { hasText: "Gilang" })
      .locator(".badge.unread", { hasText: "1" })
      .waitFor();

    // English UI.
    await page.selectOption("#lang", "en");
    await page.locator("#top h1", { hasText: "Librarian console" }).waitFor();
    expect(await page.locator("#send").textContent()).to.equal("Send");

    await page.screenshot({ path: "test-artifacts/console-desktop.png" });

    const rows = await sql<{ author: string; username: string | null; text: string }>(
      `SELECT m.author, s.username, m.text FROM message m
       JOIN conversation c ON c.id = m.conversation_id LEFT JOIN staff_user s ON s.id = m.author_staff_id
       WHERE c.chat_id = '461001' ORDER BY m.seq`,
    );
    expect(rows.map((r) => [r.author, r.username])).to.deep.equal([
      ["patron", null],
      ["bot", null],
      ["system", "rina"],
      ["librarian", "rina"],
      ["patron", null],
      ["patron", null],
    ]);
    expect(rows[5]!.text).to.equal(HOSTILE);
  });
  it("an admin adds a librarian and a canned reply on the admin page; the new password works", async () => {
    await app.console!.staff.add({
      username: "kepala-e2e",
      displayName: "Kepala",
      role: "admin",
      password: PASSWORD,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    const admin = await context.newPage();
    admin.on("pageerror", (err) => pageErrors.push(err.message));
    await admin.goto(app.web!.url);
    await admin.fill("#login-username", "kepala-e2e");
    await admin.fill("#login-password", PASSWORD);
    await admin.click("#login-form button[type=submit]");
    await admin.locator('[data-tab="admin"]').click();
    await admin.locator("#staff-table td", { hasText: "kepala-e2e" }).waitFor();
    await admin.fill("#staff-username", "tono");
    await admin.fill("#staff-name", "Tono <b>Librarian</b>");
    await admin.selectOption("#staff-role", "librarian");
    await admin.fill("#staff-password", "tono password 1");
    await admin.click("#staff-form button[type=submit]");
    await admin.locator("#staff-table td", { hasText: "tono" }).first().waitFor();
    expect(await admin.locator("#staff-table b").count()).to.equal(0);
    await admin.fill("#canned-title", "Jam buka");
    await admin.fill("#canned-text", "Kami buka Senin–Kamis 08:00–16:00.");
    await admin.click("#canned-form button[type=submit]");
    await admin.locator("#canned-list li", { hasText: "Jam buka" }).waitFor();
    await admin.screenshot({ path: "test-artifacts/console-admin.png" });
    await context.close();

    const [tono] = await sql<{ role: string; display_name: string }>(
      `SELECT role, display_name FROM staff_user WHERE username = 'tono'`,
    );
    expect(tono).to.deep.equal({ role: "librarian", display_name: "Tono <b>Librarian</b>" });
    expect(await app.console!.staff.verify("tono", "tono password 1")).to.not.equal(null);
    expect(pageErrors).to.deep.equal([]);
  });

  it("search finds a conversation by message text and opens it; no match says so", async () => {
    fake.sendText(461_003, "/pustakawan", { first_name: "Sari" });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-US" });
    const librarian = await context.newPage();
    librarian.on("pageerror", (err) => pageErrors.push(err.message));
    recordFailedLoads(librarian, failedLoads);
    await librarian.goto(app.web!.url);
    await librarian.fill("#login-username", "rina");
    await librarian.fill("#login-password", PASSWORD);
    await librarian.click("#login-form button[type=submit]");
    await librarian.locator("#queue-list button", { hasText: "Sari" }).click();
    fake.sendText(461_003, "Ada buku tentang kopi Gayo?", { first_name: "Sari" });
    // Shown in the open conversation, so it is recorded and searchable.
    await librarian.locator("#messages li.patron", { hasText: "kopi Gayo" }).waitFor();
    await librarian.click("#back");

    await librarian.locator('[data-tab="search"]').click();
    await librarian.locator("#tab-search").waitFor();
    expect(await librarian.locator("#tab-queue").isHidden()).to.equal(true);
    await librarian.fill("#search-text", "KOPI gayo");
    await librarian.click("#search-form button[type=submit]");
    const found = librarian.locator("#search-results button", { hasText: "Sari" });
    await found.waitFor();
    expect(await librarian.locator("#search-results li").count()).to.equal(1);
    await found.click();
    await librarian.locator("#conv-title", { hasText: "Sari" }).waitFor();
    await librarian.locator("#messages li.patron", { hasText: "kopi Gayo" }).waitFor();
    await librarian.click("#back");

    await librarian.fill("#search-text", "no conversation says this");
    await librarian.click("#search-form button[type=submit]");
    await librarian.locator("#search-results li", { hasText: "No results" }).waitFor();
    await context.close();
    expect(pageErrors).to.deep.equal([]);
    expect(failedLoads).to.deep.equal([]);
  });

  it("a patron's photo shows as a preview; the librarian attaches a PDF with the labelled file input", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "id-ID" });
    const librarian = await context.newPage();
    librarian.on("pageerror", (err) => pageErrors.push(err.message));
    recordFailedLoads(librarian, failedLoads);
    await librarian.goto(app.web!.url);
    await librarian.fill("#login-username", "rina");
    await librarian.fill("#login-password", PASSWORD);
    await librarian.click("#login-form button[type=submit]");
    fake.sendText(461_004, "/pustakawan", { first_name: "Dewi" });
    await librarian.locator("#queue-list button", { hasText: "Dewi" }).click();
    await librarian.locator("#claim").click();
    await librarian.locator("#reply-form").waitFor({ state: "visible" });

    // A 1×1 PNG from the patron: a link and a preview that really loads (the session cookie goes along).
    const photo = Buffer.from(
      "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a5b8e7c30000000049454e44ae426082",
      "hex",
    );
    fake.sendPhoto(461_004, photo, { caption: "sampul" }, { first_name: "Dewi" });
    const preview = librarian.locator("#messages li.patron .msg-file img");
    await preview.waitFor();
    await librarian.waitForFunction(
      "document.querySelector('#messages li.patron .msg-file img')?.naturalWidth === 1",
    );

    // The file input has its label, and is reached by keyboard like the rest of the form.
    expect(await librarian.locator('label[for="reply-file"]').textContent()).to.contain("Lampirkan berkas");
    await librarian.focus("#send");
    await librarian.keyboard.press("Tab");
    expect(await librarian.evaluate("document.activeElement && document.activeElement.id")).to.equal(
      "reply-file",
    );
    const pdf = Buffer.from("%PDF-1.4\n% e2e attachment\n%%EOF\n");
    await librarian
      .locator("#reply-file")
      .setInputFiles({ name: "panduan.pdf", mimeType: "application/pdf", buffer: pdf });
    await librarian.locator("#reply-file-clear").waitFor({ state: "visible" });
    await librarian.fill("#reply-text", "Ini panduannya.");
    await librarian.click("#send");
    const sent = await fake.waitFor(() => fake.sentTo(461_004).find((m) => m.method === "sendDocument"), {
      what: "the PDF sent to the patron",
    });
    expect(sent.text).to.equal("Ini panduannya.");
    expect(Buffer.compare(sent.file!.bytes, pdf)).to.equal(0);
    await librarian.locator("#messages li.librarian .msg-file a", { hasText: "panduan.pdf" }).waitFor();
    await librarian.locator("#reply-file-clear").waitFor({ state: "hidden" });

    // HTML renamed .pdf: refused, with the server's reason on the page.
    await librarian.locator("#reply-file").setInputFiles({
      name: "laporan.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("<html>not a pdf</html>"),
    });
    await librarian.click("#send");
    await librarian.locator("#conv-error", { hasText: "only PDF, PNG, JPEG or WebP" }).waitFor();
    await context.close();
    expect(pageErrors).to.deep.equal([]);
    expect(failedLoads).to.deep.equal([]);
  });

  it("serves the page's modules from /js/ and no other file", async () => {
    const url = app.web!.url;
    expect(await rawGet(url, "/js/views/search.js")).to.deep.equal({
      status: 200,
      type: "text/javascript; charset=utf-8",
    });
    for (const path of [
      "/console.js",
      "/js/missing.js",
      "/js/main.ts",
      "/js/../index.html",
      "/js/../../server.ts",
      "/js/%2e%2e/tsconfig.json",
      "/js/views/../main.js",
      "/tsconfig.json",
    ])
      expect((await rawGet(url, path)).status, path).to.equal(404);
  });
});
