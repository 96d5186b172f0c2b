/**
 * Files on WhatsApp (issue 10) through the real pipeline: a fake whatsapp-web.js client whose
 * media messages carry downloadMedia() → the adapter → ingress (stored in PostgreSQL) → relay →
 * egress. A patron's photo is kept byte for byte; a file over MEDIA_MAX_BYTES is never
 * downloaded; a download that keeps failing does not hold up the chat; a librarian's PDF from the
 * console goes out as MessageMedia (a document) with the same bytes, an image as a picture, the
 * reply row logging the attachment's SHA-256.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import type { App } from "../../main";
import { whatsappChannel } from "../../bot/channels/whatsapp";
import type { ConversationSummary } from "../../web/console/events";
import { FakeWhatsApp } from "../helpers/fake-whatsapp";
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

// Monday 1 December 2025, 09:00 in Jakarta: the library is open.
const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");
const MAX_BYTES = 4096;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const jpeg = (tag: string) => Buffer.concat([Buffer.from("ffd8ffe000104a464946", "hex"), Buffer.from(tag)]);
const png = (tag: string) =>
  Buffer.concat([
    Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5b8e7c30000000049454e44ae426082",
      "hex",
    ),
    Buffer.from(tag),
  ]);
const pdf = (tag: string) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);

type MediaMeta = Record<string, unknown> & { id?: string; notStored?: string };

/** The inbound rows of a chat with their meta.media, once there are `n`. */
async function inbound(chatId: string, n: number) {
  return eventually(async () => {
    const rows = await sql<{ kind: string; text: string | null; status: string; media: MediaMeta | null }>(
      `SELECT m.kind, m.text, m.status, m.meta->'media' AS media
       FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.channel = 'whatsapp' AND c.chat_id = $1 AND m.direction = 'in' ORDER BY m.seq`,
      [chatId],
    );
    return rows.length >= n && rows;
  }, `${n} inbound rows of ${chatId}`);
}

describe("WhatsApp files: downloaded at intake, librarians' attachments sent as MessageMedia", function () {
  let phone: FakeWhatsApp;
  let app: App;
  let url: string;
  let session: { cookie: string; csrfToken: string };
  let librarian: ConsoleClient;
  let n = 0;
  const nextChat = () => `62813777${String(++n).padStart(4, "0")}@c.us`;

  before(async () => {
    phone = new FakeWhatsApp();
    ({ app } = await startTestApp(undefined, {
      now: () => MONDAY_MORNING,
      env: { WHATSAPP_ENABLED: "true", WHATSAPP_MAX_PER_MINUTE: "600", MEDIA_MAX_BYTES: String(MAX_BYTES) },
      channels: [
        whatsappChannel({
          createClient: phone.createClient,
          options: { terminal: null, mediaFetch: { retryMs: 5, timeoutMs: 2000 } },
        }),
      ],
    }));
    url = app.web!.url;
    await phone.connect(1);
    const staff = await addStaff(app, "librarian", "Siti Aminah");
    session = await login(url, staff.username);
    librarian = await connect(url, { cookie: session.cookie });
  });

  after(async () => {
    librarian?.close();
    await app?.close();
    await closeSql();
  });

  it("a patron's photo: stored (bytes and SHA-256 equal the file), the patron told the bot reads only text", async () => {
    const chat = nextChat();
    const bytes = jpeg(`photo-${chat}`);
    const { file } = phone.sendFile(chat, "image", { bytes, mimetype: "image/jpeg" }, "sampul buku");
    const [answer] = await phone.waitForSent(chat, 1);
    expect(answer!.text).to.contain("Saya hanya dapat membaca pesan teks");
    const [row] = await inbound(chat, 1);
    expect(row).to.deep.include({ kind: "photo", text: "sampul buku" });
    expect(row!.media).to.include({ sha256: sha256(bytes), size: bytes.length, mimeType: "image/jpeg" });
    const [stored] = await sql<{ bytes: Buffer; sha256: string }>(
      `SELECT bytes, sha256 FROM media WHERE id = $1`,
      [row!.media!.id],
    );
    expect(Buffer.compare(stored!.bytes, bytes)).to.equal(0);
    expect(stored!.sha256).to.equal(sha256(bytes));
    expect(file.downloads).to.equal(1);
  });

  it("a voice note and a document keep their type and name", async () => {
    const chat = nextChat();
    const ogg = Buffer.from(`OggS voice ${chat}`);
    const doc = pdf(`doc-${chat}`);
    phone.sendFile(chat, "ptt", { bytes: ogg, mimetype: "audio/ogg; codecs=opus" });
    phone.sendFile(chat, "document", { bytes: doc, mimetype: "application/pdf", filename: "KRS.pdf" });
    const [voice, document] = await inbound(chat, 2);
    expect(voice).to.deep.include({ kind: "voice" });
    expect(voice!.media).to.include({ sha256: sha256(ogg), mimeType: "audio/ogg" });
    expect(document).to.deep.include({ kind: "document" });
    expect(document!.media).to.include({ sha256: sha256(doc), fileName: "KRS.pdf" });
  });

  it("a file WhatsApp says is over MEDIA_MAX_BYTES is never downloaded: logged as metadata with the reason", async () => {
    const chat = nextChat();
    const big = Buffer.alloc(MAX_BYTES + 1, 0x41);
    const { file } = phone.sendFile(chat, "document", {
      bytes: big,
      mimetype: "application/pdf",
      filename: "skripsi.pdf",
    });
    const [answer] = await phone.waitForSent(chat, 1);
    expect(answer!.text).to.contain("dokumen Anda sudah kami terima");
    const [row] = await inbound(chat, 1);
    expect(row!.media).to.deep.equal({
      mimeType: "application/pdf",
      fileName: "skripsi.pdf",
      size: MAX_BYTES + 1,
      notStored: `larger than MEDIA_MAX_BYTES (${MAX_BYTES} bytes): ${MAX_BYTES + 1} bytes; only its description is kept`,
    });
    expect(file.downloads).to.equal(0);
    expect(await sql(`SELECT 1 FROM media WHERE sha256 = $1`, [sha256(big)])).to.have.length(0);
  });

  it("a file whose size WhatsApp did not give is checked after decoding: over the cap, not kept", async () => {
    const chat = nextChat();
    const big = Buffer.alloc(MAX_BYTES + 10, 0x42);
    const { file } = phone.sendFile(chat, "video", { bytes: big, mimetype: "video/mp4", declaredSize: null });
    const [row] = await inbound(chat, 1);
    expect(file.downloads).to.equal(1);
    expect(row!.media).to.include({ size: MAX_BYTES + 10 });
    expect(row!.media!.notStored).to.contain("larger than MEDIA_MAX_BYTES");
    expect(await sql(`SELECT 1 FROM media WHERE sha256 = $1`, [sha256(big)])).to.have.length(0);
  });

  it("a download that fails is tried again; one that keeps failing is logged with the reason and holds nothing up", async () => {
    const chat = nextChat();
    const flaky = jpeg(`flaky-${chat}`);
    const once = phone.sendFile(chat, "image", { bytes: flaky, mimetype: "image/jpeg", failTimes: 1 });
    const never = phone.sendFile(chat, "image", {
      bytes: jpeg(`never-${chat}`),
      mimetype: "image/jpeg",
      failTimes: 99,
    });
    phone.say(chat, "/jam");
    const [first, second, text] = await inbound(chat, 3);
    expect(once.file.downloads).to.equal(2);
    expect(first!.media).to.include({ sha256: sha256(flaky) });
    expect(never.file.downloads).to.equal(3);
    expect(second!.media!.notStored).to.match(/^the download failed 3 times: .*media fetch 500/);
    expect(text).to.deep.include({ kind: "text", text: "/jam" });
    const replies = await phone.waitForSent(chat, 3);
    expect(replies[2]!.text).to.contain("Senin");
  });

  /** A patron asks for a librarian, who claims the chat; resolves once "you are connected" is sent. */
  async function assigned(chat: string): Promise<ConversationSummary> {
    const waiting = nextEvent(
      librarian,
      "conversation:changed",
      (c) => c.state === "waiting" && c.channel === "whatsapp",
    );
    phone.say(chat, "/pustakawan");
    const conversation = await waiting;
    expect((await request(librarian, "conversation:claim", conversation.id)).ok).to.equal(true);
    await phone.waitForSent(chat, 2);
    await request(librarian, "conversation:open", conversation.id);
    return conversation;
  }

  async function attach(bytes: Buffer, fileName: string) {
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
    return ((await res.json()) as { media: { id: string; sha256: string } }).media;
  }

  it("a librarian's PDF goes out as MessageMedia (a document) with the same bytes; the row logs its SHA-256", async () => {
    const chat = nextChat();
    const conversation = await assigned(chat);
    const bytes = pdf(`reply-${chat}`);
    const media = await attach(bytes, "Panduan perpanjangan.pdf");
    const sent = await request<{ messageId: string }>(librarian, "message:send", {
      conversationId: conversation.id,
      text: "Ini panduannya.",
      clientKey: clientKey(),
      mediaId: media.id,
    });
    expect(sent.ok).to.equal(true);
    const [delivered] = (await phone.waitForSent(chat, 3)).slice(2);
    expect(delivered!.media).to.include({
      mimetype: "application/pdf",
      filename: "Panduan perpanjangan.pdf",
    });
    expect(Buffer.compare(Buffer.from(delivered!.media!.data, "base64"), bytes)).to.equal(0);
    expect(delivered!.options).to.deep.equal({ caption: "Ini panduannya.", sendMediaAsDocument: true });
    const row = await eventually(async () => {
      const [r] = await sql<{
        status: string;
        kind: string;
        channel_message_id: string;
        meta: { attachment: object };
      }>(`SELECT status, kind, channel_message_id, meta FROM message WHERE id = $1`, [
        sent.ok ? sent.messageId : "",
      ]);
      return r?.status === "sent" && r;
    }, "the reply marked sent");
    expect(row.kind).to.equal("document");
    expect(row.channel_message_id).to.equal(delivered!.id);
    expect(row.meta.attachment).to.include({ mediaId: media.id, sha256: sha256(bytes) });
  });

  it("a librarian's image goes out as a picture (not a document), without a caption when there is no text", async () => {
    const chat = nextChat();
    const conversation = await assigned(chat);
    const bytes = png(`reply-${chat}`);
    const media = await attach(bytes, "denah.png");
    const sent = await request(librarian, "message:send", {
      conversationId: conversation.id,
      text: "",
      clientKey: clientKey(),
      mediaId: media.id,
    });
    expect(sent.ok).to.equal(true);
    const [delivered] = (await phone.waitForSent(chat, 3)).slice(2);
    expect(delivered!.media!.mimetype).to.equal("image/png");
    expect(Buffer.compare(Buffer.from(delivered!.media!.data, "base64"), bytes)).to.equal(0);
    expect(delivered!.options).to.deep.equal({ sendMediaAsDocument: false });
  });
});
