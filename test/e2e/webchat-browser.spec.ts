/**
 * The web chat widget in a real browser: Debian's chromium driven by playwright-core, the app
 * with no messaging account at all (no Telegram token). A patron opens /demo with the keyboard
 * only, asks "jam buka", gets the hours, asks for a librarian; a librarian on socket.io-client
 * claims and replies, and the reply — HTML in it shown as text — appears in the widget, then sends
 * a PDF, which appears as a labelled download link that works; a reload keeps the session and its
 * history (the link too). The page runs under the project's CSP with no violation.
 * A library page on an allowed origin embeds the widget and chats; a page on any other origin
 * cannot even load the script. A screenshot is saved in test-artifacts/.
 */
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { App } from "../../main";
import { hoursTexts } from "../../shared/texts";
import { widgetTexts } from "../../shared/texts/widget";
import { findChromium } from "../helpers/chromium";
import { closeSql, startTestApp } from "../helpers/app";
import {
  addStaff,
  clientKey,
  connect,
  login,
  nextEvent,
  request,
  type ConsoleClient,
} from "../helpers/console";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");
const HOSTILE = `<img src=x onerror="window.__pwned=1">Silakan datang`;

/** A library's own site on another origin: one page that embeds the widget from `appUrl`. */
async function libraryPage(appUrl: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html lang="en"><head><title>Library</title></head><body><h1>Library</h1>` +
        `<script src="${appUrl()}/webchat/widget.js" crossorigin="anonymous" async></script></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("web chat widget in Chromium (playwright-core)", function () {
  this.timeout(90_000);
  let app: App;
  let browser: Browser;
  let context: BrowserContext;
  let librarian: ConsoleClient;
  let staffSession: { cookie: string; csrfToken: string };
  let allowedSite: { server: Server; origin: string };
  let foreignSite: { server: Server; origin: string };
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  const watch = (page: Page) => {
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) cspViolations.push(msg.text());
    });
  };
  const widget = (page: Page) => ({
    launcher: page.locator("#pustaka-webchat .launcher"),
    input: page.locator("#pustaka-webchat textarea"),
    library: (text: string) => page.locator("#pustaka-webchat li.msg.library .text", { hasText: text }),
    patron: (text: string) => page.locator("#pustaka-webchat li.msg.patron .text", { hasText: text }),
  });

  before(async () => {
    let appUrl = "";
    allowedSite = await libraryPage(() => appUrl);
    foreignSite = await libraryPage(() => appUrl);
    // No fake Telegram and no token: the web chat is the only channel.
    ({ app } = await startTestApp(undefined, {
      now: () => MONDAY_MORNING,
      env: { WEBCHAT_ENABLED: "true", WEBCHAT_ALLOWED_ORIGINS: allowedSite.origin },
    }));
    appUrl = app.web!.url;
    const staff = await addStaff(app, "librarian", "Rina Pustakawan");
    staffSession = await login(appUrl, staff.username);
    librarian = await connect(appUrl, { cookie: staffSession.cookie });
    browser = await chromium.launch({
      executablePath: findChromium(),
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
    });
    context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: "id-ID" });
  });

  after(async () => {
    librarian?.close();
    await browser?.close();
    await app?.close();
    allowedSite?.server.close();
    foreignSite?.server.close();
    await closeSql();
  });

  it("/demo: keyboard only, 'jam buka' answered, a librarian's reply appears as text; a reload keeps it", async () => {
    const page = await context.newPage();
    watch(page);
    await page.goto(`${app.web!.url}/demo`);
    const w = widget(page);
    await w.launcher.waitFor();
    expect(await w.launcher.getAttribute("aria-label")).to.equal(widgetTexts.id.open);
    // Keyboard only: Tab reaches the bubble (after the page's own scrollable code sample).
    const launcherFocused = () =>
      w.launcher.evaluate(
        (b) => b === (b.getRootNode() as unknown as { activeElement: unknown }).activeElement,
      );
    for (let tabs = 0; tabs < 5 && !(await launcherFocused()); tabs++) await page.keyboard.press("Tab");
    expect(await launcherFocused()).to.equal(true);
    await page.keyboard.press("Enter");
    expect(await w.launcher.getAttribute("aria-expanded")).to.equal("true");
    await page.keyboard.type("jam buka");
    await page.keyboard.press("Enter");
    await w.patron("jam buka").waitFor();
    await w.library(hoursTexts.title("id", "Perpustakaan")).waitFor();

    const waiting = nextEvent(librarian, "conversation:changed", (c) => c.state === "waiting");
    await w.input.fill("pustakawan");
    await w.input.press("Enter");
    const conversation = await waiting;
    expect(conversation.channel).to.equal("webchat");
    expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
    await w.library("Rina Pustakawan").waitFor();
    const sent = await request(librarian, "message:send", {
      conversationId: conversation.id,
      text: HOSTILE,
      clientKey: clientKey(),
    });
    expect(sent.ok).to.equal(true);
    const reply = w.library("Silakan datang");
    await reply.waitFor();
    expect(await reply.textContent()).to.equal(HOSTILE);
    expect(await page.locator("#pustaka-webchat img").count()).to.equal(0);
    expect(await page.evaluate("typeof window.__pwned")).to.equal("undefined");
    // The widget sets no global of its own (the Socket.IO client stays inside its script).
    expect(await page.evaluate("typeof window.io")).to.equal("undefined");

    // A librarian's PDF: a download link named by the file (as text), with an accessible label.
    const pdf = Buffer.from("%PDF-1.4\n% browser\n%%EOF\n");
    const uploaded = await fetch(`${app.web!.url}/api/media`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        origin: app.web!.url,
        cookie: staffSession.cookie,
        "x-csrf-token": staffSession.csrfToken,
        "x-file-name": "Panduan.pdf",
      },
      body: pdf,
    });
    const { media } = (await uploaded.json()) as { media: { id: string } };
    await request(librarian, "conversation:open", conversation.id);
    const withFile = await request(librarian, "message:send", {
      conversationId: conversation.id,
      text: "Ini panduannya.",
      clientKey: clientKey(),
      mediaId: media.id,
    });
    expect(withFile.ok).to.equal(true);
    const link = page.locator("#pustaka-webchat a.file");
    await link.waitFor();
    expect(await link.getAttribute("aria-label")).to.equal(
      `${widgetTexts.id.download}: Panduan.pdf (${pdf.length} B)`,
    );
    expect(await link.getAttribute("download")).to.equal("Panduan.pdf");
    expect(await link.locator(".name").textContent()).to.equal("Panduan.pdf");
    const href = (await link.getAttribute("href"))!;
    expect(href.startsWith(`${app.web!.url}/webchat/media/${media.id}?t=`)).to.equal(true);
    const download = await fetch(href);
    expect(download.status).to.equal(200);
    expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), pdf)).to.equal(0);

    await mkdir("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/webchat-demo.png" });

    // A reload: the same session (from localStorage) and its history from the log.
    await page.reload();
    const again = widget(page);
    await again.launcher.click();
    await again.library("Silakan datang").waitFor();
    await again.patron("jam buka").waitFor();
    expect(await again.library(hoursTexts.title("id", "Perpustakaan")).count()).to.equal(1);
    expect(await page.locator("#pustaka-webchat a.file").getAttribute("href")).to.equal(href);
    expect(pageErrors).to.deep.equal([]);
    expect(cspViolations).to.deep.equal([]);
    await page.close();
  });

  it("a library page on an allowed origin embeds the widget and chats; another origin cannot load it", async () => {
    const allowed = await context.newPage();
    watch(allowed);
    await allowed.goto(allowedSite.origin);
    const w = widget(allowed);
    await w.launcher.click();
    // The page says lang="en": the widget and the bot follow it.
    expect(await w.launcher.getAttribute("aria-label")).to.equal(widgetTexts.en.open);
    await w.input.fill("opening hours");
    await w.input.press("Enter");
    await w.library(hoursTexts.title("en", "Perpustakaan")).waitFor();
    await allowed.close();

    const foreign = await context.newPage();
    const outcome = new Promise<string>((resolve) => {
      foreign.on("response", (res) => {
        if (res.url().endsWith("/webchat/widget.js")) resolve(`status ${res.status()}`);
      });
      foreign.on("requestfailed", (req) => {
        if (req.url().endsWith("/webchat/widget.js")) resolve(`failed ${req.failure()?.errorText}`);
      });
    });
    await foreign.goto(foreignSite.origin);
    // Refused (403, so no CORS header either): the browser does not run the script.
    expect(await outcome).to.match(/^(status 403|failed )/);
    expect(await foreign.locator("#pustaka-webchat").count()).to.equal(0);
    await foreign.close();
    expect(pageErrors).to.deep.equal([]);
  });
});
