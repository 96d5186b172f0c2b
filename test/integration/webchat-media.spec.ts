/**
 * A librarian's file in the web chat widget, over the real wire (socket.io-client as the widget,
 * every role on the real PostgreSQL and Redis): the widget's message event carries the file's
 * name, type, size and a link; the link gives the same bytes to that session only (a wrong,
 * borrowed or missing token is 403), served as a download unless it really is an image; the
 * widget's history after a reconnect lists the file with a link that works too.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import type { App } from "../../main";
import type { ConversationSummary } from "../../web/console/events";
import type { WidgetEntry } from "../../shared/webchat";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";
import {
  addStaff,
  clientKey,
  connect,
  login,
  nextEvent,
  request,
  type ConsoleClient,
} from "../helpers/console";
import { connectWidget, type WidgetClient } from "../helpers/widget";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const pdf = (tag: string) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);
const png = (tag: string) =>
  Buffer.concat([
    Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5b8e7c30000000049454e44ae426082",
      "hex",
    ),
    Buffer.from(tag),
  ]);

describe("web chat widget: a librarian's file as a download link for that session only", function () {
  let app: App;
  let url: string;
  let session: { cookie: string; csrfToken: string };
  let librarian: ConsoleClient;
  const widgets: WidgetClient[] = [];

  before(async () => {
    ({ app } = await startTestApp(undefined, {
      now: () => MONDAY_MORNING,
      env: { WEBCHAT_ENABLED: "true" },
    }));
    url = app.web!.url;
    const staff = await addStaff(app, "librarian", "Rina Pustakawan");
    session = await login(url, staff.username);
    librarian = await connect(url, { cookie: session.cookie });
  });

  after(async () => {
    for (const w of widgets) w.close();
    librarian?.close();
    await app?.close();
    await closeSql();
  });

  /** A widget patron asks for a librarian, who claims the chat: the widget and the conversation. */
  async function assignedWidget(): Promise<{ widget: WidgetClient; conversation: ConversationSummary }> {
    const widget = await connectWidget(url);
    widgets.push(widget);
    const waiting = nextEvent(librarian, "conversation:changed", (c) => c.state === "waiting");
    await widget.send("pustakawan");
    const conversation = await waiting;
    expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
    await widget.replies(2);
    await request(librarian, "conversation:open", conversation.id);
    return { widget, conversation };
  }

  /** Uploads a file and sends it in a reply; resolves with the widget's entry for it. */
  async function sendFile(
    widget: WidgetClient,
    conversation: ConversationSummary,
    bytes: Buffer,
    fileName: string,
    text: string,
  ): Promise<{ entry: WidgetEntry; mediaId: string; messageId: string }> {
    const res = await fetch(`${url}/api/media`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        origin: url,
        cookie: session.cookie,
        "x-csrf-token": session.csrfToken,
        "x-file-name": encodeURIComponent(fileName),
      },
      body: bytes,
    });
    expect(res.status).to.equal(201);
    const { media } = (await res.json()) as { media: { id: string } };
    const sent = await request<{ messageId: string }>(librarian, "message:send", {
      conversationId: conversation.id,
      text,
      clientKey: clientKey(),
      mediaId: media.id,
    });
    expect(sent.ok).to.equal(true);
    const entry = await eventually(
      async () => widget.entries.find((e) => e.file && e.file.url.includes(`/${media.id}?`)),
      "the file in the widget",
    );
    return { entry, mediaId: media.id, messageId: sent.ok ? sent.messageId : "" };
  }

  it("pushes the file's name, type, size and link; the link gives the same bytes, as a download", async () => {
    const { widget, conversation } = await assignedWidget();
    const bytes = pdf(`widget-${conversation.id}`);
    const { entry, messageId } = await sendFile(
      widget,
      conversation,
      bytes,
      "Panduan <img src=x onerror=alert(1)>.pdf",
      "Ini panduannya.",
    );
    expect(entry.text).to.equal("Ini panduannya.");
    expect(entry.key).to.equal(`o:${messageId}`);
    expect(entry.file).to.deep.include({
      fileName: "Panduan <img src=x onerror=alert(1)>.pdf",
      mimeType: "application/pdf",
      size: bytes.length,
    });
    expect(entry.file!.url).to.match(/^\/webchat\/media\/\d+\?t=[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}$/);

    const res = await fetch(`${url}${entry.file!.url}`);
    expect(res.status).to.equal(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(sha256(body)).to.equal(sha256(bytes));
    expect(res.headers.get("content-type")).to.equal("application/pdf");
    expect(res.headers.get("content-disposition")).to.match(
      /^attachment; filename="Panduan <img src=x onerror=alert\(1\)>.pdf"/,
    );
    expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(res.headers.get("content-security-policy")).to.contain("sandbox");
    expect(res.headers.get("referrer-policy")).to.equal("no-referrer");

    // The reply row is logged like any librarian's file, with its hash.
    const [row] = await sql<{ kind: string; meta: { attachment: Record<string, unknown> } }>(
      `SELECT kind, meta FROM message WHERE id = $1`,
      [messageId],
    );
    expect(row!.kind).to.equal("document");
    expect(row!.meta.attachment).to.include({ sha256: sha256(bytes) });
  });

  it("refuses (403) another session's token, an altered one, a session token, and no token at all", async () => {
    const a = await assignedWidget();
    const mine = await sendFile(a.widget, a.conversation, pdf(`a-${a.conversation.id}`), "a.pdf", "untuk A");
    const b = await assignedWidget();
    const theirs = await sendFile(
      b.widget,
      b.conversation,
      pdf(`b-${b.conversation.id}`),
      "b.pdf",
      "untuk B",
    );
    const tokenOf = (u: string) => new URL(u, url).searchParams.get("t")!;
    const path = `${url}/webchat/media/${mine.mediaId}`;
    // The link as made works; everything else is refused.
    expect((await fetch(`${url}${mine.entry.file!.url}`)).status).to.equal(200);
    const [sessionA, macA] = tokenOf(mine.entry.file!.url).split(".") as [string, string];
    const [sessionB, macB] = tokenOf(theirs.entry.file!.url).split(".") as [string, string];
    const refused = [
      `${path}`, // no token
      `${path}?t=`,
      `${path}?t=${sessionB}.${macB}`, // B's own valid token, for B's file, on A's file
      `${path}?t=${sessionB}.${macA}`, // A's MAC claimed by B
      `${path}?t=${sessionA}.${macA.startsWith("A") ? "B" : "A"}${macA.slice(1)}`, // altered
      `${path}?t=${encodeURIComponent(a.widget.token)}`, // A's session token is no file token
      `${url}/webchat/media/${theirs.mediaId}?t=${sessionA}.${macA}`, // A's token on B's file
    ];
    for (const target of refused) {
      const res = await fetch(target);
      expect(res.status, target).to.equal(403);
      expect(res.headers.get("content-disposition"), target).to.equal(null);
    }
  });

  it("an image is shown inline; after a reconnect the history lists the file with a working link", async () => {
    const { widget, conversation } = await assignedWidget();
    const bytes = png(`img-${conversation.id}`);
    const { entry } = await sendFile(widget, conversation, bytes, "denah.png", "");
    const res = await fetch(`${url}${entry.file!.url}`);
    expect(res.headers.get("content-type")).to.equal("image/png");
    expect(res.headers.get("content-disposition")).to.match(/^inline;/);
    widget.close();

    const back = await connectWidget(url, { token: widget.token });
    widgets.push(back);
    const history = await back.history();
    const listed = history.find((e) => e.key === entry.key);
    expect(listed, "the file reply in the history").to.not.equal(undefined);
    expect(listed!.file).to.deep.equal(entry.file);
    const again = await fetch(`${url}${listed!.file!.url}`);
    expect(again.status).to.equal(200);
    expect(sha256(Buffer.from(await again.arrayBuffer()))).to.equal(sha256(bytes));
    // The patron's and the library's text messages are still there, in order.
    expect(history[0]).to.deep.include({ from: "patron", text: "pustakawan" });
  });
});
