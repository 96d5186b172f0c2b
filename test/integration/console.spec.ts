/**
 * The librarian console over real Socket.IO (socket.io-client), with the whole pipeline running:
 * a patron on the fake Telegram asks for a librarian, librarians sign in over HTTP, claim, reply,
 * and the replies reach the patron's chat; every message is in PostgreSQL with its author.
 * One file for the console's whole surface over Socket.IO, sharing one running pipeline (starting
 * it per file would cost more than the tests); each `it` uses its own patron chat.
 */
import { expect } from "chai";
import type { App } from "../../main";
import type { ConversationDetail, ConversationSummary, MessageRow } from "../../web/console/events";
import { DemoLibrary } from "../../shared/library/demo";
import type { Staff } from "../../web/console/staff";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, sql, startTestApp } from "../helpers/app";
import {
  addStaff,
  clientKey,
  connect,
  login,
  nextEvent,
  PASSWORD,
  request,
  type ConsoleClient,
} from "../helpers/console";

// Monday 1 December 2025, 09:00 in Jakarta: the library is open.
const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");

describe("librarian console: Socket.IO, handoff, replies to the patron's channel", function () {
  let fake: FakeTelegram;
  let app: App;
  let url: string;
  let siti: Staff;
  let budi: Staff;
  let auditor: Staff;
  let admin: Staff;
  const sockets: ConsoleClient[] = [];
  let chat = 471_000;

  const open = async (staff: Staff) => {
    const { cookie } = await login(url, staff.username);
    const socket = await connect(url, { cookie });
    sockets.push(socket);
    return socket;
  };

  /** A patron asks for a librarian; resolves with the waiting conversation as librarians see it. */
  const patronAsks = async (watcher: ConsoleClient, text = "/pustakawan") => {
    const id = ++chat;
    const waiting = nextEvent(
      watcher,
      "conversation:changed",
      (c) => c.state === "waiting" && c.patronName.includes(`Patron ${id}`),
    );
    fake.sendText(id, text, { first_name: "Patron", last_name: String(id) });
    return { chatId: id, conversation: await waiting };
  };

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, {
      now: () => MONDAY_MORNING,
      env: { STAFF_LOGIN_MAX_PER_15MIN: "4" },
      library: new DemoLibrary({ timeZone: "Asia/Jakarta" }),
      consoleSessionCheckMs: 200,
    }));
    url = app.web!.url;
    siti = await addStaff(app, "librarian", "Siti Aminah");
    budi = await addStaff(app, "librarian", "Budi Santoso");
    auditor = await addStaff(app, "auditor");
    admin = await addStaff(app, "admin");
  });

  after(async () => {
    for (const s of sockets) s.close();
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("refuses a socket without a session, or with a forged one", async () => {
    let error = await connect(url).then(
      () => null,
      (err: Error) => err,
    );
    expect(error?.message).to.equal("unauthorized");
    error = await connect(url, { cookie: "pustaka_session=forged" }).then(
      () => null,
      (err: Error) => err,
    );
    expect(error?.message).to.equal("unauthorized");
  });

  it("refuses a Socket.IO handshake from a foreign origin, even with a valid session cookie", async () => {
    const { cookie } = await login(url, siti.username);
    for (const transports of [["websocket"], ["polling"]]) {
      const error = await connect(url, { cookie, origin: "https://evil.example", transports }).then(
        (s) => {
          s.close();
          return null;
        },
        (err: Error) => err,
      );
      expect(error, transports[0]).to.be.instanceOf(Error);
    }
    const ok = await connect(url, { cookie, origin: url });
    ok.close();
  });

  it("login: wrong password refused, rate limited per username, session cookie httpOnly + SameSite", async () => {
    const attempt = (username: string, password: string, origin = url) =>
      fetch(`${url}/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify({ username, password }),
      });
    expect((await attempt(budi.username, PASSWORD, "https://evil.example")).status).to.equal(403);
    const ok = await attempt(budi.username, PASSWORD);
    expect(ok.status).to.equal(200);
    expect(ok.headers.get("set-cookie"))
      .to.match(/HttpOnly/i)
      .and.to.match(/SameSite=Strict/i);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt("nobody-here", "wrong password!")).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 429]);
    const [failed] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'staff.login_failed' AND detail->>'username' = 'nobody-here'`,
    );
    expect(failed!.n).to.equal(4);
  });

  it("security headers on the page; CSRF token required on state-changing requests; logout ends the socket", async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-security-policy")).to.contain("script-src 'self'");
    expect(page.headers.get("x-frame-options")).to.equal("SAMEORIGIN");
    const { cookie, csrfToken } = await login(url, siti.username);
    const socket = await connect(url, { cookie });
    const post = (headers: Record<string, string>) =>
      fetch(`${url}/api/logout`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url, cookie, ...headers },
        body: "{}",
      });
    expect((await post({})).status).to.equal(403);
    expect((await post({ "x-csrf-token": "wrong" })).status).to.equal(403);
    const disconnected = new Promise((resolve) => socket.once("disconnect", resolve));
    expect((await post({ "x-csrf-token": csrfToken })).status).to.equal(200);
    await disconnected;
    const after = await fetch(`${url}/api/session`, { headers: { cookie } });
    expect(after.status).to.equal(401);
  });

  it("a patron asks for a librarian: waiting, told their place in the queue; two claim at once and exactly one wins; replies reach Telegram", async () => {
    const a = await open(siti);
    const b = await open(budi);
    const { chatId, conversation } = await patronAsks(a);
    const [queued] = await fake.waitForSent(1, { chatId: String(chatId) });
    // Other tests of this run may have left patrons waiting in the same database.
    const [ahead] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM conversation WHERE state = 'waiting' AND id <= $1`,
      [conversation.id],
    );
    expect(queued!.text)
      .to.contain(`Posisi Anda dalam antrean: ${ahead!.n}.`)
      .and.to.contain("2 pustakawan sedang daring");

    const [ra, rb] = await Promise.all([
      request(a, "conversation:claim", conversation.id),
      request(b, "conversation:claim", conversation.id),
    ]);
    expect([ra.ok, rb.ok].filter(Boolean)).to.have.length(1);
    expect([ra, rb].find((r) => !r.ok)).to.deep.equal({ ok: false, error: "taken" });
    const [winner, loser, winnerStaff] = ra.ok ? [a, b, siti] : [b, a, budi];
    const [joined] = (await fake.waitForSent(2, { chatId: String(chatId) })).slice(1);
    expect(joined!.text).to.equal(`Anda sekarang terhubung dengan pustakawan ${winnerStaff.displayName}.`);

    const detail = await request<ConversationDetail>(winner, "conversation:open", conversation.id);
    if (!detail.ok) throw new Error("open failed");
    expect(detail.conversation.state).to.equal("assigned");
    expect(detail.messages.map((m) => [m.author, m.text?.slice(0, 20)])).to.deep.include([
      "patron",
      "/pustakawan",
    ]);

    const sent = nextEvent(winner, "message:status", (u) => u.status === "sent");
    const reply = await request<{ messageId: string }>(winner, "message:send", {
      conversationId: conversation.id,
      text: "Halo, saya Siti. Ada yang bisa dibantu?",
      clientKey: clientKey(),
    });
    expect(reply.ok).to.equal(true);
    const [delivered] = (await fake.waitForSent(3, { chatId: String(chatId) })).slice(2);
    expect(delivered!.text).to.equal("Halo, saya Siti. Ada yang bisa dibantu?");
    expect((await sent).messageId).to.equal(reply.ok && reply.messageId);

    // The one who lost the race cannot answer in this conversation.
    const refused = await request(loser, "message:send", {
      conversationId: conversation.id,
      text: "me too",
      clientKey: clientKey(),
    });
    expect(refused).to.deep.equal({ ok: false, error: "not_assigned" });

    // The patron's next message reaches the librarian; the bot stays silent.
    const incoming = nextEvent(winner, "message:new", (m) => m.author === "patron");
    fake.sendText(chatId, "Buku saya jatuh tempo kapan?", {
      first_name: "Patron",
      last_name: String(chatId),
    });
    const message = (await incoming) as MessageRow;
    expect(message.text).to.equal("Buku saya jatuh tempo kapan?");
    const rows = await eventually(async () => {
      const r = await chatLog(chatId);
      return r.find((m) => m.text === "Buku saya jatuh tempo kapan?")?.status === "handled" && r;
    }, "the patron's message handled by the console");
    expect(rows.at(-1)!.handled_by).to.equal("console");
    expect(fake.sentTo(chatId)).to.have.length(3);

    const [librarianRow] = await sql<{ author: string; author_staff_id: number; status: string }>(
      `SELECT author, author_staff_id, status FROM message WHERE id = $1`,
      [reply.ok && reply.messageId],
    );
    expect(librarianRow).to.deep.equal({
      author: "librarian",
      author_staff_id: winnerStaff.id,
      status: "sent",
    });
  });

  it("auditors read transcripts but cannot claim, reply, note or close", async () => {
    const librarian = await open(siti);
    const audit = await open(auditor);
    const { conversation } = await patronAsks(librarian);
    expect(await request(audit, "conversation:claim", conversation.id)).to.deep.equal({
      ok: false,
      error: "forbidden",
    });
    expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
    const detail = await request<ConversationDetail>(audit, "conversation:open", conversation.id);
    expect(detail.ok).to.equal(true);
    for (const [event, arg] of [
      ["message:send", { conversationId: conversation.id, text: "hi", clientKey: clientKey() }],
      ["note:add", { conversationId: conversation.id, text: "note" }],
      ["conversation:close", { conversationId: conversation.id }],
      ["conversation:transfer", { conversationId: conversation.id, toStaffId: auditor.id }],
    ] as const) {
      expect(await request(audit, event, arg), event).to.deep.equal({ ok: false, error: "forbidden" });
    }
    const [notes] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM staff_note WHERE conversation_id = $1`,
      [conversation.id],
    );
    expect(notes!.n).to.equal(0);
  });

  it("a failed send shows its reason and really resends on retry", async () => {
    const librarian = await open(budi);
    const { chatId, conversation } = await patronAsks(librarian);
    expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
    await fake.waitForSent(2, { chatId: String(chatId) });
    fake.failNext("sendMessage", { status: 400, description: "Bad Request: message is too weird" });
    const failed = nextEvent(librarian, "message:status", (u) => u.status === "failed");
    const reply = await request<{ messageId: string }>(librarian, "message:send", {
      conversationId: conversation.id,
      text: "Coba kirim",
      clientKey: clientKey(),
    });
    if (!reply.ok) throw new Error("send refused");
    const status = await failed;
    expect(status.messageId).to.equal(reply.messageId);
    expect(status.error).to.contain("too weird");
    const sent = nextEvent(
      librarian,
      "message:status",
      (u) => u.status === "sent" && u.messageId === reply.messageId,
    );
    expect(await request(librarian, "message:retry", reply.messageId)).to.deep.equal({ ok: true });
    await sent;
    const texts = (await fake.waitForSent(3, { chatId: String(chatId) })).map((m) => m.text);
    expect(texts.filter((t) => t === "Coba kirim")).to.have.length(1);
  });

  it("notes, canned replies, transfer, search, and close with an outcome", async () => {
    const a = await open(siti);
    const b = await open(budi);
    const { chatId, conversation } = await patronAsks(a, "saya mau bicara dengan pustakawan");
    expect((await request(a, "conversation:claim", conversation.id)).ok).to.equal(true);
    await request(a, "conversation:open", conversation.id);

    const note = nextEvent(a, "note:new");
    expect(
      await request(a, "note:add", { conversationId: conversation.id, text: "Patron asks about a thesis" }),
    ).to.deep.equal({
      ok: true,
    });
    expect((await note).text).to.equal("Patron asks about a thesis");

    // Canned replies are managed by admins over HTTP (CSRF-protected); everyone lists them.
    const adminLogin = await login(url, admin.username);
    const created = await fetch(`${url}/api/canned`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: url,
        cookie: adminLogin.cookie,
        "x-csrf-token": adminLogin.csrfToken,
      },
      body: JSON.stringify({ title: "Salam", text: "Selamat pagi, ada yang bisa kami bantu?" }),
    });
    expect(created.status).to.equal(201);
    const { cookie: sitiCookie, csrfToken: sitiCsrf } = await login(url, siti.username);
    const forbidden = await fetch(`${url}/api/canned`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: url,
        cookie: sitiCookie,
        "x-csrf-token": sitiCsrf,
      },
      body: JSON.stringify({ title: "x", text: "y" }),
    });
    expect(forbidden.status).to.equal(403);
    const canned = await request<{ replies: Array<{ title: string }> }>(a, "canned:list");
    expect(canned.ok && canned.replies.map((r) => r.title)).to.include("Salam");

    // Transfer to Budi: he is told, and now he may reply.
    const toBudi = nextEvent(
      b,
      "conversation:changed",
      (c) => c.id === conversation.id && c.assignedStaffId === budi.id,
    );
    expect(
      await request(a, "conversation:transfer", { conversationId: conversation.id, toStaffId: budi.id }),
    ).to.deep.equal({
      ok: true,
    });
    await toBudi;
    const byBudi = await request(b, "message:send", {
      conversationId: conversation.id,
      text: "Saya Budi, melanjutkan.",
      clientKey: clientKey(),
    });
    expect(byBudi.ok).to.equal(true);
    expect(
      (
        await request(a, "message:send", {
          conversationId: conversation.id,
          text: "x",
          clientKey: clientKey(),
        })
      ).ok,
    ).to.equal(false);

    const found = await request<{ conversations: ConversationSummary[] }>(b, "search", { text: "thesis" });
    expect(found.ok && found.conversations.map((c) => c.id)).to.not.include(conversation.id); // notes are not searched
    const byText = await request<{ conversations: ConversationSummary[] }>(b, "search", {
      text: "melanjutkan",
    });
    expect(byText.ok && byText.conversations.map((c) => c.id)).to.include(conversation.id);

    expect(
      await request(b, "conversation:close", { conversationId: conversation.id, outcome: "answered" }),
    ).to.deep.equal({
      ok: true,
    });
    const replies = await fake.waitForSent(4, { chatId: String(chatId) });
    expect(replies.at(-1)!.text).to.contain("Pustakawan telah menutup chat ini");
    const [row] = await sql<{ state: string; outcome: string; assigned_staff_id: number }>(
      `SELECT state, outcome, assigned_staff_id FROM conversation WHERE id = $1`,
      [conversation.id],
    );
    expect(row).to.deep.equal({ state: "closed", outcome: "answered", assigned_staff_id: budi.id });

    // Every message of it, with who wrote it.
    const log = await sql<{ author: string; username: string | null }>(
      `SELECT m.author, s.username FROM message m LEFT JOIN staff_user s ON s.id = m.author_staff_id
       WHERE m.conversation_id = $1 ORDER BY m.seq`,
      [conversation.id],
    );
    expect(log.map((r) => [r.author, r.username])).to.deep.equal([
      ["patron", null],
      ["bot", null],
      ["system", siti.username],
      ["librarian", budi.username],
      ["system", budi.username],
    ]);
    expect(log.filter((r) => r.author === "librarian").map((r) => r.username)).to.deep.equal([budi.username]);
    const [audits] = await sql<{ actions: string[] }>(
      `SELECT array_agg(action ORDER BY id) AS actions FROM audit_event WHERE subject = $1`,
      [`conversation:${conversation.id}`],
    );
    // The patron's handoff is audited by the relay (relay/handoff.ts), the rest by the console.
    expect(audits!.actions).to.deep.equal([
      "conversation.handoff",
      "conversation.claim",
      "conversation.transfer",
      "conversation.close",
    ]);
  });
  it("patron panel: a librarian verifies the patron as a library member (audited) and sees their loans", async () => {
    const librarian = await open(siti);
    const audit = await open(auditor);
    const { conversation } = await patronAsks(librarian);
    expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
    const before = await request<ConversationDetail>(librarian, "conversation:open", conversation.id);
    if (!before.ok) throw new Error("open failed");
    expect(before.patron).to.deep.include({ memberId: null, verified: false, loans: null });

    const verify = (socket: ConsoleClient, memberId: string) =>
      request(socket, "patron:verify", { conversationId: conversation.id, memberId });
    expect(await verify(audit, "2021110001")).to.deep.equal({ ok: false, error: "forbidden" });
    // Only the librarian who has the conversation vouches for the patron.
    const colleague = await open(budi);
    expect(await verify(colleague, "2021110001")).to.deep.equal({ ok: false, error: "forbidden" });
    expect(await verify(librarian, "0000000000")).to.deep.equal({ ok: false, error: "not_found" });
    expect(await verify(librarian, "2021110001")).to.deep.equal({ ok: true });

    const after = await request<ConversationDetail>(librarian, "conversation:open", conversation.id);
    if (!after.ok) throw new Error("open failed");
    expect(after.patron).to.deep.include({ memberId: "2021110001", verified: true });
    expect(after.patron.loans!.map((l) => l.itemCode)).to.have.members(["B0001-1", "B0002-1"]);
    expect(after.conversation.memberId).to.equal("2021110001");
    const [event] = await sql<{ actor_id: string; detail: { memberId: string } }>(
      `SELECT actor_id, detail FROM audit_event WHERE action = 'patron.verify' AND subject = $1`,
      [`patron:${conversation.patronId}`],
    );
    expect(event).to.deep.equal({
      actor_id: String(siti.id),
      detail: { memberId: "2021110001", conversationId: conversation.id },
    });
  });
  it("admins manage staff over HTTP (CSRF-protected); a disabled account is signed out at once", async () => {
    const adminLogin = await login(url, admin.username);
    const call = (path: string, body: unknown, who = adminLogin) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: url,
          cookie: who.cookie,
          "x-csrf-token": who.csrfToken,
        },
        body: JSON.stringify(body),
      });
    const created = await call("/api/staff", {
      username: "wulan",
      displayName: "Wulan",
      role: "librarian",
      password: "kata sandi wulan",
    });
    expect(created.status).to.equal(201);
    expect(
      (
        await call("/api/staff", {
          username: "wulan",
          displayName: "W",
          role: "librarian",
          password: "x".repeat(12),
        })
      ).status,
    ).to.equal(409);
    expect(
      (await call("/api/staff", { username: "w2", displayName: "W", role: "librarian", password: "short" }))
        .status,
    ).to.equal(400);
    const wulanLogin = await login(url, "wulan", "kata sandi wulan");
    expect(
      (
        await call(
          "/api/staff",
          { username: "x9", displayName: "X", role: "admin", password: "y".repeat(12) },
          wulanLogin,
        )
      ).status,
    ).to.equal(403);
    const list = await fetch(`${url}/api/staff`, { headers: { cookie: adminLogin.cookie } });
    expect(
      ((await list.json()) as { staff: Array<{ username: string }> }).staff.map((x) => x.username),
    ).to.include("wulan");

    const socket = await connect(url, { cookie: wulanLogin.cookie });
    const gone = new Promise((resolve) => socket.once("disconnect", resolve));
    expect((await call("/api/staff/active", { username: "wulan", active: false })).status).to.equal(200);
    await gone;
    expect((await fetch(`${url}/api/session`, { headers: { cookie: wulanLogin.cookie } })).status).to.equal(
      401,
    );
    const refused = await connect(url, { cookie: wulanLogin.cookie }).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(refused).to.equal("unauthorized");
  });

  it("search by member ID and by date", async () => {
    const librarian = await open(budi);
    const { conversation } = await patronAsks(librarian);
    expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
    expect(
      await request(librarian, "patron:verify", { conversationId: conversation.id, memberId: "2020120002" }),
    ).to.deep.equal({ ok: true });
    const byMember = await request<{ conversations: ConversationSummary[] }>(librarian, "search", {
      memberId: "2020120002",
    });
    expect(byMember.ok && byMember.conversations.map((c) => c.id)).to.deep.equal([conversation.id]);
    const today = new Date().toISOString().slice(0, 10);
    const byDate = await request<{ conversations: ConversationSummary[] }>(librarian, "search", {
      from: today,
      to: today,
    });
    expect(byDate.ok && byDate.conversations.map((c) => c.id)).to.include(conversation.id);
    const before = await request<{ conversations: ConversationSummary[] }>(librarian, "search", {
      to: "2020-01-01",
    });
    expect(before.ok && before.conversations).to.deep.equal([]);
  });
  it("malformed requests are refused as invalid, and a request without an acknowledgement does no harm", async () => {
    const librarian = await open(siti);
    expect(await request(librarian, "conversation:claim", "1; DROP TABLE message")).to.deep.equal({
      ok: false,
      error: "invalid",
    });
    expect(await request(librarian, "conversation:open", { id: 1 })).to.deep.equal({
      ok: false,
      error: "invalid",
    });
    expect(await request(librarian, "message:retry", "x")).to.deep.equal({ ok: false, error: "invalid" });
    expect(
      await request(librarian, "message:send", { conversationId: 1, text: "hi", clientKey: "short" }),
    ).to.deep.equal({ ok: false, error: "invalid" });
    (librarian.emit as (...args: unknown[]) => void)("conversation:claim", 2_000_000_000);
    // Still connected and answering.
    expect((await request(librarian, "queue:list")).ok).to.equal(true);
  });

  it("drops a live socket whose session ended elsewhere (the CLI disables the account), even if it sends nothing", async () => {
    const temp = await addStaff(app, "librarian", "Sementara");
    const socket = await open(temp);
    const gone = new Promise<string>((resolve) => socket.on("disconnect", (reason) => resolve(reason)));
    // What `npm run staff -- disable` does, from another process: the database only.
    await app.console!.staff.setActive(temp.username, false);
    expect(await gone).to.equal("io server disconnect");
  });

  it("asking for a librarian in the middle of the password step ends it: later messages are not redacted", async () => {
    const id = ++chat;
    fake.sendText(id, "/tautkan");
    await fake.waitForSent(1, { chatId: String(id) });
    fake.sendMessage(id, { contact: { phone_number: "+62 812-3456-7801", first_name: "P", user_id: id } });
    await fake.waitForSent(2, { chatId: String(id) });
    fake.sendText(id, "/pustakawan");
    await fake.waitForSent(3, { chatId: String(id) });
    fake.sendText(id, "halo, saya lupa kata sandi");
    const rows = await eventually(async () => {
      const r = (await chatLog(id)).filter((x) => x.direction === "in");
      return r.length === 4 && r[3]!.status === "handled" && r;
    }, "the fourth message handled");
    expect(rows[3]!.text).to.equal("halo, saya lupa kata sandi");
    const [conv] = await sql<{ dialog: Record<string, unknown> }>(
      `SELECT dialog FROM conversation WHERE chat_id = $1 AND state <> 'closed'`,
      [String(id)],
    );
    // No step is left (what the waiting patron was last told may be: relay/handoff.ts `waitAck`).
    expect(conv!.dialog).to.not.have.any.keys("step", "secret", "memberId");
  });

  it("/selesai with the bot says where the patron is, and does not count as not understood", async () => {
    const id = ++chat;
    fake.sendText(id, "/selesai");
    fake.sendText(id, "/selesai");
    const replies = await fake.waitForSent(2, { chatId: String(id) });
    for (const r of replies) expect(r.text).to.contain("asisten otomatis");
    const [conv] = await sql<{ state: string }>(`SELECT state FROM conversation WHERE chat_id = $1`, [
      String(id),
    ]);
    expect(conv!.state).to.equal("bot");
  });

  it("a reply resent with the same key (its answer was lost) reaches the patron once", async () => {
    const librarian = await open(siti);
    const { chatId, conversation } = await patronAsks(librarian);
    expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
    const key = clientKey();
    const payload = { conversationId: conversation.id, text: "Satu kali saja", clientKey: key };
    const results = await Promise.all(
      [1, 2, 3].map(() => request<{ messageId: string }>(librarian, "message:send", payload)),
    );
    expect(results.map((r) => r.ok)).to.deep.equal([true, true, true]);
    await eventually(
      async () => fake.sentTo(chatId).some((m) => m.text === "Satu kali saja"),
      "the reply delivered",
    );
    fake.sendText(chatId, "terima kasih");
    await eventually(
      async () =>
        (await chatLog(chatId)).some(
          (r) => r.direction === "in" && r.text === "terima kasih" && r.status === "handled",
        ),
      "the next patron message handled",
    );
    expect(fake.sentTo(chatId).filter((m) => m.text === "Satu kali saja")).to.have.length(1);
    expect((await chatLog(chatId)).filter((r) => r.text === "Satu kali saja")).to.have.length(1);
  });
});
