/**
 * The web chat channel end to end over the real wire (socket.io-client as the widget, every role
 * running on the real PostgreSQL and Redis): the script and the handshake refuse foreign origins;
 * sessions come from the server; a patron gets the automated answers, buttons, a librarian, and
 * a masked password; a widget that was away reads what it missed from the log; limits refuse
 * without losing anything. One running app for the file; each `it` has its own session.
 */
import { gunzipSync } from "node:zlib";
import { expect } from "chai";
import type { App } from "../../main";
import { DEMO_PASSWORD } from "../../shared/library/demo-seed";
import { DemoLibrary } from "../../shared/library/demo";
import { hoursTexts, libraryTexts, texts } from "../../shared/texts";
import { REDACTED_TEXT } from "../../shared/secret-box";
import { buildWidgetScript } from "../../web/webchat/script";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";
import { addStaff, clientKey, connect, login, nextEvent, request } from "../helpers/console";
import { connectWidget, newClientId, type WidgetClient } from "../helpers/widget";

// Monday 1 December 2025, 09:00 in Jakarta: the library is open.
const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");
const ALLOWED = "https://perpustakaan.example.ac.id";
const EVIL = "https://evil.example";
const PER_SESSION = 6;

const sessionOf = (token: string) => token.split(".")[0]!;

function webchatLog(sessionId: string) {
  return sql<{ direction: string; kind: string; text: string | null; status: string; redacted: boolean }>(
    `SELECT m.direction, m.kind, m.text, m.status, m.meta ? 'redacted' AS redacted
     FROM message m JOIN conversation c ON c.id = m.conversation_id
     WHERE c.channel = 'webchat' AND c.chat_id = $1 ORDER BY c.id, m.seq`,
    [sessionId],
  );
}

describe("web chat widget: origins, sessions, answers, handoff, history, limits", function () {
  let app: App;
  let url: string;
  const widgets: WidgetClient[] = [];
  const open = async (options: Parameters<typeof connectWidget>[1] = {}) => {
    const widget = await connectWidget(url, options);
    widgets.push(widget);
    return widget;
  };

  before(async () => {
    ({ app } = await startTestApp(undefined, {
      now: () => MONDAY_MORNING,
      library: new DemoLibrary({ timeZone: "Asia/Jakarta" }),
      env: {
        WEBCHAT_ENABLED: "true",
        WEBCHAT_ALLOWED_ORIGINS: `${ALLOWED}/`,
        WEBCHAT_MAX_PER_MINUTE: String(PER_SESSION),
        WEBCHAT_MAX_PER_MINUTE_PER_ADDRESS: "1000",
      },
    }));
    url = app.web!.url;
  });

  after(async () => {
    for (const w of widgets) w.close();
    await app?.close();
    await closeSql();
  });

  it("serves the one script to our own and allowed pages (CORS for those), 403 to any other", async () => {
    const own = await fetch(`${url}/webchat/widget.js`, { headers: { referer: `${url}/demo` } });
    expect(own.status).to.equal(200);
    expect(own.headers.get("content-type")).to.equal("text/javascript; charset=utf-8");
    const body = await own.text();
    expect(body).to.contain("pustaka-webchat");
    expect(body).to.not.contain("sourceMappingURL");

    const allowed = await fetch(`${url}/webchat/widget.js`, { headers: { origin: ALLOWED } });
    expect(allowed.status).to.equal(200);
    expect(allowed.headers.get("access-control-allow-origin")).to.equal(ALLOWED);
    expect(allowed.headers.get("cross-origin-resource-policy")).to.equal("cross-origin");

    const foreign: Array<Record<string, string>> = [
      { origin: EVIL },
      { referer: `${EVIL}/page.html` },
      { origin: "null" },
    ];
    for (const headers of foreign) {
      const refused = await fetch(`${url}/webchat/widget.js`, { headers });
      expect(refused.status, JSON.stringify(headers)).to.equal(403);
      expect(refused.headers.get("access-control-allow-origin")).to.equal(null);
    }
  });

  it("is small: the gzipped script is under 30 kB, and unzips to the plain one", async () => {
    const res = await fetch(`${url}/webchat/widget.js`, { headers: { "accept-encoding": "gzip" } });
    expect(res.status).to.equal(200);
    // fetch unzips; the bytes on the wire are what the server holds.
    const { gzip, js } = buildWidgetScript();
    expect(gzip.length).to.be.below(30 * 1024);
    expect(gunzipSync(gzip).equals(js)).to.equal(true);
    expect(await res.text()).to.equal(js.toString("utf8"));
  });

  it("refuses a handshake from a foreign origin (websocket and polling); ours and allowed ones connect", async () => {
    for (const transports of [["websocket"], ["polling"]]) {
      const error = await connectWidget(url, { origin: EVIL, transports }).then(
        (w) => {
          w.close();
          return null;
        },
        (err: Error) => err,
      );
      expect(error, transports[0]).to.be.instanceOf(Error);
    }
    for (const origin of [ALLOWED, url]) (await open({ origin, transports: ["polling"] })).close();
  });

  it("issues a session, keeps it for its token, and replaces a token it did not issue", async () => {
    const first = await open();
    expect(first.token).to.match(/^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}$/);
    first.close();
    const again = await open({ token: first.token });
    expect(again.token).to.equal(first.token);
    const [id, mac] = first.token.split(".") as [string, string];
    const forgedMac = `${id}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
    for (const token of [forgedMac, `${"a".repeat(24)}.${mac}`, "whatever"]) {
      const fresh = await open({ token });
      expect(fresh.token).to.not.equal(first.token);
      expect(sessionOf(fresh.token)).to.not.equal(id);
    }
  });

  it('answers "jam buka" with the hours, logged like Telegram under the session id', async () => {
    const widget = await open();
    expect(await widget.send("jam buka")).to.deep.equal({ ok: true });
    // Acknowledged only once recorded: the row is there the moment the widget hears "ok".
    const recorded = (await webchatLog(sessionOf(widget.token))).filter((r) => r.direction === "in");
    expect(recorded.map((r) => r.text)).to.deep.equal(["jam buka"]);
    const [reply] = await widget.replies(1);
    expect(reply!.text).to.contain(hoursTexts.title("id", "Perpustakaan"));
    expect(reply!.key).to.match(/^o:\d+$/);
    const rows = await eventually(async () => {
      const r = await webchatLog(sessionOf(widget.token));
      return r.length === 2 && r[1]!.status === "sent" && r;
    }, "both rows, the reply sent");
    expect(rows.map((r) => [r.direction, r.kind, r.text?.slice(0, 8)])).to.deep.equal([
      ["in", "text", "jam buka"],
      ["out", "text", reply!.text.slice(0, 8)],
    ]);
    const [conv] = await sql<{ chat_type: string; sender: string }>(
      `SELECT m.meta->'chat'->>'type' AS chat_type, m.meta->>'senderId' AS sender
       FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.channel = 'webchat' AND c.chat_id = $1 AND m.direction = 'in'`,
      [sessionOf(widget.token)],
    );
    expect(conv).to.deep.equal({ chat_type: "private", sender: sessionOf(widget.token) });
  });

  it("a resent message (same client id) is recorded and answered once", async () => {
    const widget = await open();
    const clientId = newClientId();
    expect(await widget.send("/jam", "text", clientId)).to.deep.equal({ ok: true });
    expect(await widget.send("/jam", "text", clientId)).to.deep.equal({ ok: true });
    await widget.replies(1);
    const rows = await eventually(async () => {
      const r = await webchatLog(sessionOf(widget.token));
      return r.some((row) => row.direction === "out" && row.status === "sent") && r;
    }, "the reply sent");
    expect(rows.filter((r) => r.direction === "in")).to.have.length(1);
    expect(rows.filter((r) => r.direction === "out")).to.have.length(1);
  });

  it("shows real buttons; pressing one sends its data as a callback", async () => {
    const widget = await open();
    await widget.send("/bahasa");
    const [offer] = await widget.replies(1);
    expect(offer!.text).to.equal(texts.chooseLanguage("id"));
    const english = offer!.buttons!.flat().find((b) => b.text === "English")!;
    expect(await widget.send(english.data, "callback")).to.deep.equal({ ok: true });
    const [, set] = await widget.replies(2);
    expect(set!.text).to.equal(texts.languageSet("en"));
  });

  it("a widget that was away reads what it missed from the log, keyed as the live pushes were", async () => {
    const widget = await open();
    await widget.send("halo");
    const [live] = await widget.replies(1);
    // Gone as soon as the message is recorded: its reply is sent while no widget listens.
    await widget.send("/jam");
    widget.close();
    await eventually(async () => {
      const rows = await webchatLog(sessionOf(widget.token));
      return rows.length === 4 && rows[3]!.status === "sent";
    }, "the second reply sent");
    const back = await open({ token: widget.token });
    const history = await back.history();
    expect(history.map((e) => e.from)).to.deep.equal(["patron", "library", "patron", "library"]);
    expect(history[0]!.text).to.equal("halo");
    expect(history[1]).to.deep.include({ key: live!.key, text: live!.text });
    expect(history[3]!.text).to.contain(hoursTexts.title("id", "Perpustakaan"));
    // The patron's own messages are keyed by the widget's ids, so its local copies merge.
    expect(history[0]!.key).to.match(/^c:[A-Za-z0-9_-]{8,40}$/);
  });

  it("links a member: the typed password is masked in the widget and redacted in the log", async () => {
    const widget = await open();
    await widget.send("/tautkan");
    const [ask] = await widget.replies(1);
    expect(ask!.text).to.equal(libraryTexts.askMemberIdOnly("id")); // no "share my number" button here
    await widget.send("2021110001");
    const [, askPassword] = await widget.replies(2);
    expect(askPassword!.text).to.equal(libraryTexts.askPassword("id"));
    const passwordId = newClientId();
    await widget.send(DEMO_PASSWORD, "text", passwordId);
    const [, , linked] = await widget.replies(3);
    expect(linked!.text).to.contain("2021110001");
    await eventually(async () => widget.masked.includes(`c:${passwordId}`), "the password masked");
    const rows = await webchatLog(sessionOf(widget.token));
    const password = rows.filter((r) => r.direction === "in")[2]!;
    expect(password).to.deep.include({ text: REDACTED_TEXT, redacted: true });
    expect(rows.some((r) => r.text === DEMO_PASSWORD)).to.equal(false);
    const history = await widget.history();
    expect(history.find((e) => e.key === `c:${passwordId}`)).to.deep.include({ masked: true, text: "" });
  });

  it("hands over to a librarian, whose reply reaches the widget", async () => {
    const staff = await addStaff(app, "librarian", "Rina Pustakawan");
    const { cookie } = await login(url, staff.username);
    const librarian = await connect(url, { cookie });
    try {
      const widget = await open();
      const waiting = nextEvent(librarian, "conversation:changed", (c) => c.state === "waiting");
      await widget.send("pustakawan");
      const conversation = await waiting;
      expect(conversation.channel).to.equal("webchat");
      expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
      const sent = await request(librarian, "message:send", {
        conversationId: conversation.id,
        text: "Halo, saya Rina. Ada yang bisa dibantu?",
        clientKey: clientKey(),
      });
      expect(sent.ok).to.equal(true);
      const replies = await eventually(async () => {
        const r = widget.entries.filter((e) => e.from === "library");
        return r.some((e) => e.text === "Halo, saya Rina. Ada yang bisa dibantu?") && r;
      }, "the librarian's reply in the widget");
      expect(replies.some((e) => e.text.includes("Rina Pustakawan"))).to.equal(true);
    } finally {
      librarian.close();
    }
  });

  it("refuses bad input with a code, and messages over the session's limit without recording them", async () => {
    const widget = await open();
    expect(await widget.send("")).to.deep.equal({ ok: false, error: "invalid" });
    expect(await widget.send("x".repeat(4001))).to.deep.equal({ ok: false, error: "too_long" });
    expect(
      await widget.socket
        .timeout(5000)
        .emitWithAck("message", { clientId: "short", kind: "text", text: "hi" }),
    ).to.deep.equal({ ok: false, error: "invalid" });
    for (let i = 0; i < PER_SESSION; i++) expect((await widget.send(`pesan ${i}`)).ok).to.equal(true);
    const refused = await widget.send("satu lagi");
    expect(refused.ok).to.equal(false);
    expect(refused.error).to.equal("rate_limited");
    expect(refused.retryAfterMs).to.be.above(0);
    const rows = await webchatLog(sessionOf(widget.token));
    expect(rows.filter((r) => r.direction === "in").map((r) => r.text)).to.not.include("satu lagi");
    // Another session is not limited by this one.
    expect((await (await open()).send("halo")).ok).to.equal(true);
  });
});

describe("web chat with the roles in separate apps (web | bot + relay), as the Procfile runs them", function () {
  let web: App;
  let worker: App;

  before(async () => {
    const env = { WEBCHAT_ENABLED: "true" };
    const started = await startTestApp(undefined, { roles: ["web"], env, now: () => MONDAY_MORNING });
    web = started.app;
    ({ app: worker } = await startTestApp(undefined, {
      roles: ["bot", "relay"],
      env,
      prefix: started.prefix,
      now: () => MONDAY_MORNING,
    }));
  });

  after(async () => {
    await worker?.close();
    await web?.close();
    await closeSql();
  });

  it("the web role records, the relay answers, the bot's reply reaches the widget through Redis", async () => {
    const widget = await connectWidget(web.web!.url);
    try {
      expect(await widget.send("jam buka")).to.deep.equal({ ok: true });
      const [reply] = await widget.replies(1);
      expect(reply!.text).to.contain(hoursTexts.title("id", "Perpustakaan"));
      expect(worker.web).to.equal(undefined);
    } finally {
      widget.close();
    }
  });
});
