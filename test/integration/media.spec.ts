/**
 * Media (issue 10) through the real stack: a patron's file on the fake Telegram is fetched at
 * intake (getFile + the download path), stored in PostgreSQL, named by its message row and shown
 * to librarians (GET /api/media/:id); a file over MEDIA_MAX_BYTES is never downloaded and is
 * logged as metadata with the reason; a librarian's upload (POST /api/media) goes out through the
 * outbound queue as sendDocument (PDF) or sendPhoto (image) with the same bytes, its SHA-256 in
 * the log row; a file that is not what its name says is refused.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import type { App } from "../../main";
import type { ConversationDetail, ConversationSummary, MessageRow } from "../../web/console/events";
import type { Staff } from "../../web/console/staff";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, sql, startTestApp } from "../helpers/app";
import {
  addStaff,
  clientKey,
  connect,
  login,
  nextEvent,
  request,
  type ConsoleClient,
} from "../helpers/console";

// Monday 1 December 2025, 09:00 in Jakarta: the library is open.
const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");
const MAX_BYTES = 4096;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A small real PNG (1×1), padded with a chunk so its bytes are distinct per test. */
function png(tag: string): Buffer {
  const base = Buffer.from(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
      "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5b8e7c30000000049454e44ae426082",
    "hex",
  );
  return Buffer.concat([base, Buffer.from(tag)]);
}
const pdf = (tag: string) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);

describe("media: patrons' files stored and shown, librarians' attachments sent", function () {
  let fake: FakeTelegram;
  let app: App;
  let url: string;
  let siti: Staff;
  let sitiSession: { cookie: string; csrfToken: string };
  let console_: ConsoleClient;
  let chat = 581_000;

  /** A patron who asked for a librarian, claimed by Siti: the conversation and its chat id. */
  const assignedChat = async () => {
    const chatId = ++chat;
    const waiting = nextEvent(
      console_,
      "conversation:changed",
      (c) => c.state === "waiting" && c.patronName.includes(`Patron ${chatId}`),
    );
    fake.sendText(chatId, "/pustakawan", { first_name: "Patron", last_name: String(chatId) });
    const conversation: ConversationSummary = await waiting;
    expect((await request(console_, "conversation:claim", conversation.id)).ok).to.equal(true);
    await fake.waitForSent(2, { chatId }); // "you are queued", "you are connected to Siti"
    return { chatId, conversation };
  };

  const upload = (
    bytes: Buffer,
    fileName: string,
    session = sitiSession,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${url}/api/media`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        origin: url,
        cookie: session.cookie,
        "x-csrf-token": session.csrfToken,
        "x-file-name": encodeURIComponent(fileName),
        ...headers,
      },
      body: bytes,
    });

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, {
      now: () => MONDAY_MORNING,
      env: { MEDIA_MAX_BYTES: String(MAX_BYTES) },
    }));
    url = app.web!.url;
    siti = await addStaff(app, "librarian", "Siti Aminah");
    sitiSession = await login(url, siti.username);
    console_ = await connect(url, { cookie: sitiSession.cookie });
  });

  after(async () => {
    console_?.close();
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("a photo to the bot: stored (bytes and SHA-256 equal Telegram's file), the patron told it reads only text", async () => {
    const chatId = ++chat;
    const bytes = png(`bot-${chatId}`);
    const { file } = fake.sendPhoto(chatId, bytes);
    const [answer] = await fake.waitForSent(1, { chatId });
    expect(answer!.text).to.contain("Saya hanya dapat membaca pesan teks");
    const [row] = (await chatLog(chatId)).filter((m) => m.direction === "in");
    expect(row!.kind).to.equal("photo");
    const [{ meta }] = (await sql<{ meta: { media: Record<string, unknown>; fileId: string } }>(
      `SELECT meta FROM message WHERE id = $1`,
      [row!.id],
    )) as [{ meta: { media: Record<string, unknown>; fileId: string } }];
    expect(meta.fileId).to.equal(file.fileId); // the largest size, not the thumbnail
    expect(meta.media).to.include({ sha256: sha256(bytes), size: bytes.length, mimeType: "image/jpeg" });
    const [stored] = await sql<{ bytes: Buffer; sha256: string; storage: string }>(
      `SELECT bytes, sha256, storage FROM media WHERE id = $1`,
      [meta.media.id],
    );
    expect(stored!.storage).to.equal("db");
    expect(Buffer.compare(stored!.bytes, bytes)).to.equal(0);
    expect(stored!.sha256).to.equal(sha256(bytes));
  });

  it("a photo in a librarian's conversation: shown in the console, downloadable with a staff session only", async () => {
    const { chatId, conversation } = await assignedChat();
    const opened = await request<ConversationDetail>(console_, "conversation:open", conversation.id);
    expect(opened.ok).to.equal(true);
    const bytes = png(`console-${chatId}`);
    const arrived = nextEvent(
      console_,
      "message:new",
      (m) => m.conversationId === conversation.id && m.kind === "photo",
    );
    fake.sendPhoto(chatId, bytes, { caption: "sampul bukunya" });
    const message: MessageRow = await arrived;
    expect(message.text).to.equal("sampul bukunya");
    expect(message.media).to.include({ sha256: sha256(bytes), size: bytes.length, notStored: null });
    expect(fake.sentTo(chatId)).to.have.length(2); // the bot says nothing while a librarian has the chat

    const res = await fetch(`${url}/api/media/${message.media!.id}`, {
      headers: { cookie: sitiSession.cookie },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("image/png"); // what the bytes are, not Telegram's "jpeg"
    expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(res.headers.get("content-disposition")).to.match(/^inline;/);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), bytes)).to.equal(0);

    expect((await fetch(`${url}/api/media/${message.media!.id}`)).status).to.equal(401);
    const forged = await fetch(`${url}/api/media/${message.media!.id}`, {
      headers: { cookie: "pustaka_session=forged" },
    });
    expect(forged.status).to.equal(401);
    expect(
      (await fetch(`${url}/api/media/99999999`, { headers: { cookie: sitiSession.cookie } })).status,
    ).to.equal(404);
  });

  it("a patron's HTML or SVG 'document' is only ever a download, never shown inline", async () => {
    const chatId = ++chat;
    const html = Buffer.from(`<html><script>alert(${chatId})</script></html>`);
    fake.sendDocument(chatId, html, { fileName: "buku.html", mimeType: "text/html" });
    await fake.waitForSent(1, { chatId });
    const [row] = (await chatLog(chatId)).filter((m) => m.direction === "in");
    const [stored] = await sql<{ id: string }>(
      `SELECT meta->'media'->>'id' AS id FROM message WHERE id = $1`,
      [row!.id],
    );
    const id = stored!.id;
    const res = await fetch(`${url}/api/media/${id}`, { headers: { cookie: sitiSession.cookie } });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-disposition")).to.match(/^attachment; filename="buku.html"/);
    expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(res.headers.get("content-security-policy")).to.contain("sandbox");
  });

  it("a voice note: stored like a photo, the patron told it reads only text", async () => {
    const chatId = ++chat;
    const ogg = Buffer.from(`OggS voice ${chatId}`);
    fake.sendDocument(chatId, ogg, { field: "voice", mimeType: "audio/ogg" });
    const [answer] = await fake.waitForSent(1, { chatId });
    expect(answer!.text).to.contain("pesan suara Anda sudah kami terima");
    const [row] = (await chatLog(chatId)).filter((m) => m.direction === "in");
    expect(row!.kind).to.equal("voice");
    const [stored] = await sql<{ bytes: Buffer; mime_type: string }>(
      `SELECT m.bytes, m.mime_type FROM media m JOIN message g ON g.meta->'media'->>'id' = m.id::text WHERE g.id = $1`,
      [row!.id],
    );
    expect(stored!.mime_type).to.equal("audio/ogg");
    expect(Buffer.compare(stored!.bytes, ogg)).to.equal(0);
  });

  it("a document over MEDIA_MAX_BYTES: never downloaded, logged as metadata with the reason, answered", async () => {
    const chatId = ++chat;
    const big = Buffer.alloc(MAX_BYTES + 1, 0x41);
    const { file } = fake.sendDocument(chatId, big, { fileName: "skripsi.pdf", mimeType: "application/pdf" });
    const [answer] = await fake.waitForSent(1, { chatId });
    expect(answer!.text).to.contain("dokumen Anda sudah kami terima");
    const [row] = (await chatLog(chatId)).filter((m) => m.direction === "in");
    expect(row!.kind).to.equal("document");
    const [{ meta }] = (await sql<{ meta: { media: Record<string, unknown>; fileId: string } }>(
      `SELECT meta FROM message WHERE id = $1`,
      [row!.id],
    )) as [{ meta: { media: Record<string, unknown>; fileId: string } }];
    expect(meta.fileId).to.equal(file.fileId);
    expect(meta.media).to.deep.equal({
      mimeType: "application/pdf",
      fileName: "skripsi.pdf",
      size: MAX_BYTES + 1,
      notStored: `larger than MEDIA_MAX_BYTES (${MAX_BYTES} bytes): ${MAX_BYTES + 1} bytes; only its description is kept`,
    });
    expect(fake.files.downloads.get(file.filePath) ?? 0).to.equal(0);
    expect(fake.calls.some((c) => c.method === "getFile" && c.body.file_id === file.fileId)).to.equal(false);
  });

  it("a librarian attaches a PDF: the patron gets sendDocument with the same bytes; the log row has its SHA-256", async () => {
    const { chatId, conversation } = await assignedChat();
    const bytes = pdf(`reply-${chatId}`);
    const res = await upload(bytes, "Panduan perpanjangan.pdf");
    expect(res.status).to.equal(201);
    const { media } = (await res.json()) as { media: { id: string; sha256: string; fileName: string } };
    expect(media.sha256).to.equal(sha256(bytes));
    const sent = await request<{ messageId: string }>(console_, "message:send", {
      conversationId: conversation.id,
      text: "Ini panduannya.",
      clientKey: clientKey(),
      mediaId: media.id,
    });
    expect(sent.ok).to.equal(true);
    const [delivered] = (await fake.waitForSent(3, { chatId })).slice(2);
    expect(delivered!.method).to.equal("sendDocument");
    expect(delivered!.text).to.equal("Ini panduannya.");
    expect(delivered!.file!.fileName).to.equal("Panduan perpanjangan.pdf");
    expect(Buffer.compare(delivered!.file!.bytes, bytes)).to.equal(0);
    const row = await eventually(async () => {
      const [r] = await sql<{ status: string; kind: string; meta: { attachment: Record<string, unknown> } }>(
        `SELECT status, kind, meta FROM message WHERE id = $1`,
        [sent.ok ? sent.messageId : ""],
      );
      return r?.status === "sent" ? r : null;
    }, "the reply marked sent");
    expect(row.kind).to.equal("document");
    expect(row.meta.attachment).to.include({
      mediaId: media.id,
      sha256: sha256(bytes),
      mimeType: "application/pdf",
    });
  });

  it("a librarian attaches an image: sendPhoto; a file without text is a reply too", async () => {
    const { chatId, conversation } = await assignedChat();
    const bytes = png(`reply-${chatId}`);
    const res = await upload(bytes, "denah");
    expect(res.status).to.equal(201);
    const { media } = (await res.json()) as { media: { id: string; fileName: string; mimeType: string } };
    expect(media).to.include({ fileName: "denah.png", mimeType: "image/png" });
    const sent = await request(console_, "message:send", {
      conversationId: conversation.id,
      text: "",
      clientKey: clientKey(),
      mediaId: media.id,
    });
    expect(sent.ok).to.equal(true);
    const [delivered] = (await fake.waitForSent(3, { chatId })).slice(2);
    expect(delivered!.method).to.equal("sendPhoto");
    expect(delivered!.text).to.equal("");
    expect(Buffer.compare(delivered!.file!.bytes, bytes)).to.equal(0);
  });

  it("refuses an upload that is not a PDF or image by content, too large, without CSRF or session", async () => {
    const html = Buffer.from("<html><body>not a pdf</body></html>");
    const renamed = await upload(html, "laporan.pdf");
    expect(renamed.status).to.equal(415);
    expect(((await renamed.json()) as { error: string }).error).to.contain("only PDF, PNG, JPEG or WebP");
    const svg = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), "a.png");
    expect(svg.status).to.equal(415);
    expect((await upload(Buffer.alloc(MAX_BYTES + 1, 0x25), "big.pdf")).status).to.equal(413);
    expect((await upload(pdf("csrf"), "a.pdf", sitiSession, { "x-csrf-token": "wrong" })).status).to.equal(
      403,
    );
    expect(
      (await upload(pdf("origin"), "a.pdf", sitiSession, { origin: "https://evil.example" })).status,
    ).to.equal(403);
    expect((await upload(pdf("anon"), "a.pdf", { cookie: "", csrfToken: "" })).status).to.equal(401);
    const auditor = await addStaff(app, "auditor");
    expect((await upload(pdf("auditor"), "a.pdf", await login(url, auditor.username))).status).to.equal(403);
    expect(
      (await upload(pdf("type"), "a.pdf", sitiSession, { "content-type": "text/plain" })).status,
    ).to.equal(415);
  });

  it("refuses to send a file someone else uploaded, or a patron's file, by its id", async () => {
    const { conversation } = await assignedChat();
    const budi = await addStaff(app, "librarian", "Budi Santoso");
    const budiSession = await login(url, budi.username);
    const res = await upload(pdf(`budi-${conversation.id}`), "x.pdf", budiSession);
    const { media } = (await res.json()) as { media: { id: string } };
    const [patronFile] = await sql<{ id: string }>(
      `SELECT id FROM media WHERE uploaded_by_staff_id IS NULL ORDER BY id LIMIT 1`,
    );
    for (const mediaId of [media.id, patronFile!.id]) {
      const refused = await request(console_, "message:send", {
        conversationId: conversation.id,
        text: "lihat ini",
        clientKey: clientKey(),
        mediaId,
      });
      expect(refused, mediaId).to.deep.equal({ ok: false, error: "invalid" });
    }
  });

  it("the media table is append-only", async () => {
    const [row] = await sql<{ id: string }>(`SELECT id FROM media ORDER BY id LIMIT 1`);
    for (const statement of [
      `UPDATE media SET file_name = 'x' WHERE id = $1`,
      `DELETE FROM media WHERE id = $1`,
    ]) {
      const err = await sql(statement, [row!.id]).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message, statement).to.contain("append-only");
    }
  });
});
