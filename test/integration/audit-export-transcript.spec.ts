/**
 * A month as a printable transcript (issue 13): a scripted January in a database of its own —
 * three conversations on two channels, with a renewal, a handoff, a librarian's reply, a note,
 * Indonesian text and emoji, and records just outside the month on both ends — exported from the
 * CLI as PDF and HTML. Every message appears, in order per conversation (by seq, also when two
 * racing writes have their times the other way round), with its author; the month's ends are
 * whole days in Asia/Jakarta; the manifest verifies the file, names nothing in a PDF with one
 * byte changed but fails it, and lists the same row hashes as the JSON Lines export.
 *
 * The rows are inserted directly (a past month cannot be written through the service), so they
 * live in a throwaway database: in the shared one they would be tampering to audit:verify.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { expect } from "chai";
import { Pool } from "pg";
import { PDFParse } from "pdf-parse";
import { createDataSource } from "../../ormconfig";
import { dbFromPool } from "../../shared/db";
import { silentLogger } from "../../shared/logger";
import { runMigrations } from "../../shared/migrate";
import { runExportCli } from "../../web/export/cli";
import { manifestKey } from "../../web/export/manifest";
import { ExportRecordsChangedError, servedManifest } from "../../web/export/row-hashes";
import { runExport } from "../../web/export/run";
import { databaseUrlFor, testPgAdminUrl } from "../support/services";

const SECRET = randomBytes(32).toString("base64");
const KEY = manifestKey(Buffer.from(SECRET, "base64"));
const LIBRARY = "Perpustakaan Kota Contoh";
const LIBRARIAN = "Siti Aminah";
const LIBRARIAN_TEXT = 'Sama-sama, Kak 😊 Bisa diambil Senin pukul 08.00; "Ruang Baca", lantai 2.';
const PATRON_TEXT = "Baik, terima kasih banyak 👍 — bukunya sudah bisa diambil hari Senin?";
const NOTE_TEXT = "Patron sudah diverifikasi, perpanjangan berhasil.";
const MARKUP_TEXT = '<b>tebal</b> & "kutip" <script>alert(1)</script>';

const unescape = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!,
  );

/** The HTML print view → its sections, each with its heading and rows [class, time, author, text]. */
function sections(html: string) {
  return [...html.matchAll(/<section><h2>(.*?)<\/h2>([\s\S]*?)<\/section>/g)].map(([, heading, body]) => ({
    heading: unescape(heading!),
    rows: [
      ...body!.matchAll(
        /<tr class="(\w+)"><td>\d*<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td class="text">([\s\S]*?)<\/td><\/tr>/g,
      ),
    ].map(([, type, at, author, text]) => ({
      type: type!,
      at: at!,
      author: unescape(author!),
      text: unescape(text!),
    })),
  }));
}

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, " ");
  } finally {
    await parser.destroy();
  }
}

/** The text up to its first character outside Latin-1 (the PDF prints emoji as [U+…]). */
const probe = (text: string) =>
  text
    .split(/[\u0100-\u{10FFFF}]/u)[0]!
    .replace(/\s+/g, " ")
    .slice(0, 25)
    .trim();

function collect() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

describe("auditors' export: a month as a printable transcript (HTML, PDF) with its manifest", function () {
  this.timeout(120_000);
  const database = `export_month_${process.pid}_${randomBytes(3).toString("hex")}`;
  let pool: Pool;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const channelOf = new Map<number, string>();
  const seqOf = new Map<number, number>();
  let staffId: number;
  const conv: { renewal: number; hours: number; search: number } = { renewal: 0, hours: 0, search: 0 };

  const q = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
    (await pool.query<R>(text, values)).rows;
  const patron = async (name: string, memberId: string | null) =>
    (
      await q<{ id: number }>(`INSERT INTO patron (display_name, member_id) VALUES ($1, $2) RETURNING id`, [
        name,
        memberId,
      ])
    )[0]!.id;
  const conversation = async (channel: string, patronId: number) => {
    const [row] = await q<{ id: number }>(
      `INSERT INTO conversation (channel, chat_id, patron_id, state) VALUES ($1, $2, $3, 'closed') RETURNING id`,
      [channel, `month-${randomBytes(4).toString("hex")}`, patronId],
    );
    channelOf.set(row!.id, channel);
    seqOf.set(row!.id, 0);
    return row!.id;
  };
  /** a message at a Jakarta wall-clock time; `seq` given only to script a race */
  const message = async (
    conversationId: number,
    local: string,
    author: "patron" | "bot" | "librarian",
    text: string,
    handledBy: string | null = null,
    seq?: number,
  ) => {
    const n = seq ?? seqOf.get(conversationId)! + 1;
    seqOf.set(conversationId, Math.max(n, seqOf.get(conversationId)!));
    await q(
      `INSERT INTO message (conversation_id, seq, direction, author, author_staff_id, kind, text, channel, channel_key,
                            status, handled_by, created_at)
       VALUES ($1, $2, $3, $4, $5, 'text', $6, $7, $8, $9, $10, $11)`,
      [
        conversationId,
        n,
        author === "patron" ? "in" : "out",
        author,
        author === "librarian" ? staffId : null,
        text,
        channelOf.get(conversationId),
        `month-${conversationId}-${n}`,
        author === "patron" ? "handled" : "sent",
        handledBy,
        `${local}+07:00`,
      ],
    );
  };
  const event = (conversationId: number, local: string, kind: string, actor: string, action: string) =>
    q(
      `INSERT INTO audit_event (at, actor_kind, actor_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5, '{}')`,
      [`${local}+07:00`, kind, actor, action, `conversation:${conversationId}`],
    );

  before(async () => {
    const admin = new Pool({ connectionString: testPgAdminUrl(), max: 1 });
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const url = databaseUrlFor(testPgAdminUrl(), database);
    const dataSource = createDataSource(url);
    await dataSource.initialize();
    await runMigrations(dataSource, silentLogger);
    await dataSource.destroy();
    pool = new Pool({ connectionString: url, max: 3 });
    dir = await mkdtemp(join(tmpdir(), "export-month-"));
    env = {
      DATABASE_URL: url,
      SECRET_BOX_KEY: SECRET,
      LIBRARY_TIMEZONE: "Asia/Jakarta",
      LIBRARY_NAME: LIBRARY,
    };
    staffId = (
      await q<{ id: number }>(
        `INSERT INTO staff_user (username, display_name, role, password_hash) VALUES ('siti', $1, 'librarian', 'x') RETURNING id`,
        [LIBRARIAN],
      )
    )[0]!.id;

    // 1. Telegram: a renewal by the bot, a handoff, a librarian's reply and note, the patron's thanks.
    conv.renewal = await conversation("telegram", await patron("Budi Santoso", "2021110001"));
    const c = conv.renewal;
    await message(c, "2026-01-05T09:00:00", "patron", "/perpanjang");
    await message(
      c,
      "2026-01-05T09:00:01",
      "bot",
      "Berhasil diperpanjang: Laskar Pelangi, sampai 19-01-2026.",
      "renew",
    );
    await event(c, "2026-01-05T09:00:02", "system", "renew", "renewal");
    await message(c, "2026-01-05T09:01:00", "patron", "/pustakawan");
    await event(c, "2026-01-05T09:01:01", "patron", "telegram", "conversation.handoff");
    await message(c, "2026-01-05T09:01:02", "bot", "Baik, kami sambungkan dengan pustakawan.", "handoff");
    await event(c, "2026-01-05T09:05:00", "staff", String(staffId), "conversation.claim");
    await message(c, "2026-01-05T09:06:00", "librarian", LIBRARIAN_TEXT);
    await q(`INSERT INTO staff_note (conversation_id, staff_id, text, created_at) VALUES ($1, $2, $3, $4)`, [
      c,
      staffId,
      NOTE_TEXT,
      "2026-01-05T09:07:00+07:00",
    ]);
    await message(c, "2026-01-05T09:08:00", "patron", PATRON_TEXT);
    await event(c, "2026-01-05T09:10:00", "staff", String(staffId), "conversation.close");

    // 2. Web chat, no member ID: the month's first moment, and a race (seq 3 written after seq 4's time).
    conv.hours = await conversation("webchat", await patron("Rina", null));
    await message(conv.hours, "2025-12-31T23:59:59", "patron", "sebelum bulan ini: 23.59.59 WIB tanggal 31");
    await message(conv.hours, "2026-01-01T00:00:00", "patron", "Jam buka hari Sabtu? (00.00 WIB tanggal 1)");
    await message(conv.hours, "2026-01-01T00:00:01.300", "bot", "Sabtu buka pukul 08.00–14.00.", "hours", 3);
    await message(conv.hours, "2026-01-01T00:00:01.100", "patron", MARKUP_TEXT, null, 4);

    // 3. Telegram again: the month's last minute, and the next month's first moment.
    conv.search = await conversation("telegram", await patron("Andi", "2021110003"));
    await message(conv.search, "2026-01-31T23:59:00", "patron", "Apakah buku ini tersedia? 📚 (23.59 WIB)");
    await message(conv.search, "2026-01-31T23:59:30", "bot", "Tersedia 2 eksemplar di rak 500.", "search");
    await message(conv.search, "2026-02-01T00:00:00", "patron", "sesudah bulan ini: 00.00 WIB tanggal 1");
  });

  after(async () => {
    await pool?.end();
    const admin = new Pool({ connectionString: testPgAdminUrl(), max: 1 });
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** January's messages as the database orders them: conversation, then seq. */
  const january = () =>
    q<{ conversation_id: number; author: string; text: string; handled_by: string | null; name: string }>(
      `SELECT m.conversation_id, m.author, m.text, m.handled_by, p.display_name AS name
       FROM message m JOIN conversation c ON c.id = m.conversation_id JOIN patron p ON p.id = c.patron_id
       WHERE m.created_at >= '2026-01-01T00:00:00+07:00' AND m.created_at < '2026-02-01T00:00:00+07:00'
       ORDER BY m.conversation_id, m.seq`,
    );
  const label = (m: { author: string; handled_by: string | null; name: string }) =>
    m.author === "patron"
      ? `patron ${m.name}`
      : m.author === "bot"
        ? `bot (${m.handled_by})`
        : `librarian ${LIBRARIAN}`;

  const cli = async (args: string[]) => {
    const errors: string[] = [];
    const code = await runExportCli(args, { env, stdout: process.stdout, err: (l) => errors.push(l) });
    return { code, errors };
  };
  const month = ["--from", "2026-01-01", "--to", "2026-01-31"];

  it("HTML: the head, one section per conversation, every message in order with its author, escaped, the count at the end", async () => {
    const out = collect();
    const errors: string[] = [];
    // to standard output (no --out), the manifest to --manifest
    const code = await runExportCli(
      [...month, "--format", "html", "--manifest", join(dir, "jan.html.manifest.json")],
      {
        env,
        stdout: out.stream,
        err: (l) => errors.push(l),
      },
    );
    expect(code, errors.join("\n")).to.equal(0);
    const html = out.bytes().toString("utf8");
    const manifest = JSON.parse(await readFile(join(dir, "jan.html.manifest.json"), "utf8")) as {
      rows: number;
      sha256: string;
      rowHashes: string[];
      format: string;
    };
    expect(manifest.format).to.equal("html");
    expect(manifest.sha256).to.equal(createHash("sha256").update(out.bytes()).digest("hex"));
    // the head
    const [, exportId] = /ID ekspor \/ export id: ([0-9a-f-]{36})/.exec(html) ?? [];
    expect(exportId, "export id on the head").to.be.a("string");
    expect(html)
      .to.contain(`Perpustakaan / library: ${LIBRARY}`)
      .and.contain("Periode / period: 2026-01-01 s.d. / to 2026-01-31, hari penuh / whole days, Asia/Jakarta")
      .and.contain("Filter: tidak ada / none")
      .and.contain("oleh / by cli:");
    expect(
      html
        .trimEnd()
        .endsWith(`<p class="count">Jumlah catatan / records: ${manifest.rows}</p>\n</body></html>`),
    ).to.equal(true);
    // patron text is never markup
    expect(html).to.not.contain("<b>tebal").and.not.contain("<script>");
    expect(html).to.contain("&lt;b&gt;tebal&lt;/b&gt; &amp; &quot;kutip&quot;");
    expect(html).to.contain("👍").and.contain("😊");

    const found = sections(html);
    expect(found.map((s) => s.heading)).to.deep.equal([
      `Percakapan / conversation #${conv.renewal} · kanal / channel: telegram · pemustaka / patron: Budi Santoso · anggota / member: 2021110001`,
      `Percakapan / conversation #${conv.hours} · kanal / channel: webchat · pemustaka / patron: Rina`,
      `Percakapan / conversation #${conv.search} · kanal / channel: telegram · pemustaka / patron: Andi · anggota / member: 2021110003`,
    ]);
    const expected = await january();
    for (const [i, id] of [conv.renewal, conv.hours, conv.search].entries()) {
      const printed = found[i]!.rows.filter((r) => r.type === "message").map((r) => [r.author, r.text]);
      const logged = expected.filter((m) => m.conversation_id === id).map((m) => [label(m), m.text]);
      expect(printed, `conversation #${id}`).to.deep.equal(logged);
    }
    // the race: seq 3 (written 00:00:01.300) before seq 4 (00:00:01.100)
    expect(found[1]!.rows.map((r) => r.text)).to.deep.equal([
      "Jam buka hari Sabtu? (00.00 WIB tanggal 1)",
      "Sabtu buka pukul 08.00–14.00.",
      MARKUP_TEXT,
    ]);
    // notes and events where they happened, times on the library's clock
    expect(found[0]!.rows.map((r) => [r.type, r.author])).to.deep.equal([
      ["message", "patron Budi Santoso"],
      ["message", "bot (renew)"],
      ["event", "event renewal (system renew)"],
      ["message", "patron Budi Santoso"],
      ["event", "event conversation.handoff (patron telegram)"],
      ["message", "bot (handoff)"],
      ["event", `event conversation.claim (staff ${LIBRARIAN})`],
      ["message", `librarian ${LIBRARIAN}`],
      ["note", `note by librarian ${LIBRARIAN}`],
      ["message", "patron Budi Santoso"],
      ["event", `event conversation.close (staff ${LIBRARIAN})`],
    ]);
    expect(found[0]!.rows[0]!.at).to.equal("2026-01-05 09:00:00");
    expect(found.flatMap((s) => s.rows).length).to.equal(manifest.rows);
    expect(manifest.rowHashes).to.have.length(manifest.rows);
  });

  it("the month's ends are whole days in Asia/Jakarta (00:00 and 23:59 WIB in, a second outside out)", async () => {
    const out = collect();
    await runExport(
      { pool, db: dbFromPool(pool), manifestKey: KEY },
      {
        filters: { from: "2026-01-01", to: "2026-01-31" },
        format: "html",
        timeZone: "Asia/Jakarta",
        fileName: "jan.html",
        actor: { kind: "system", id: "test", label: "test" },
      },
      out.stream,
    );
    const texts = sections(out.bytes().toString("utf8")).flatMap((s) => s.rows.map((r) => r.text));
    expect(texts).to.include("Jam buka hari Sabtu? (00.00 WIB tanggal 1)");
    expect(texts).to.include("Apakah buku ini tersedia? 📚 (23.59 WIB)");
    expect(texts.join("\n")).to.not.contain("sebelum bulan ini").and.not.contain("sesudah bulan ini");
    // and the next month starts exactly where January stopped
    const feb = collect();
    await runExport(
      { pool, db: dbFromPool(pool), manifestKey: KEY },
      {
        filters: { from: "2026-02-01", to: "2026-02-28" },
        format: "html",
        timeZone: "Asia/Jakarta",
        fileName: "feb.html",
        actor: { kind: "system", id: "test", label: "test" },
      },
      feb.stream,
    );
    expect(sections(feb.bytes().toString("utf8")).flatMap((s) => s.rows.map((r) => r.text))).to.deep.equal([
      "sesudah bulan ini: 00.00 WIB tanggal 1",
    ]);
  });

  it("the filters hold for the transcript: channel, member ID", async () => {
    const run = async (filters: Record<string, string>) => {
      const out = collect();
      await runExport(
        { pool, db: dbFromPool(pool), manifestKey: KEY },
        {
          filters: { from: "2026-01-01", to: "2026-01-31", ...filters },
          format: "html",
          timeZone: "Asia/Jakarta",
          fileName: "f.html",
          actor: { kind: "system", id: "test", label: "test" },
        },
        out.stream,
      );
      const html = out.bytes().toString("utf8");
      return { html, ids: sections(html).map((s) => Number(/#(\d+)/.exec(s.heading)![1])) };
    };
    const telegram = await run({ channel: "telegram" });
    expect(telegram.ids).to.deep.equal([conv.renewal, conv.search]);
    expect(telegram.html).to.contain("Filter: kanal / channel: telegram");
    expect((await run({ memberId: "2021110003" })).ids).to.deep.equal([conv.search]);
  });

  it("PDF from the CLI: every message in order with authors, emoji as code points; verify passes, one changed byte fails; an audit event", async () => {
    const file = join(dir, "jan.pdf");
    const made = await cli([...month, "--format", "pdf", "--out", file]);
    expect(made.code, made.errors.join("\n")).to.equal(0);
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 5).toString()).to.equal("%PDF-");
    const text = await pdfText(bytes);
    const manifest = JSON.parse(await readFile(`${file}.manifest.json`, "utf8")) as {
      rows: number;
      rowHashes: string[];
      sha256: string;
    };
    expect(text)
      .to.contain(LIBRARY)
      .and.contain("Periode / period: 2026-01-01 s.d. / to 2026-01-31")
      .and.contain(`Jumlah catatan / records: ${manifest.rows}`)
      .and.contain("[U+1F44D]")
      .and.contain("[U+1F4DA]")
      .and.contain("bot (renew)")
      .and.contain(`note by librarian ${LIBRARIAN}`);
    expect(text).to.not.contain("sebelum bulan ini").and.not.contain("sesudah bulan ini");
    // sections in order, and in each its messages (text and author) in order
    let at = -1;
    const expected = await january();
    for (const id of [conv.renewal, conv.hours, conv.search]) {
      const heading = text.indexOf(`Percakapan / conversation #${id}`, at + 1);
      expect(heading, `conversation #${id} after position ${at}`).to.be.greaterThan(at);
      at = heading;
      for (const m of expected.filter((e) => e.conversation_id === id)) {
        const author = text.indexOf(label(m), at + 1);
        expect(author, `${label(m)} after position ${at}`).to.be.greaterThan(at);
        const said = text.indexOf(probe(m.text), author);
        expect(said, `"${probe(m.text)}" after its author at ${author}`).to.be.greaterThan(author);
        at = said;
      }
    }

    const verify = await cli(["verify", file, `${file}.manifest.json`]);
    expect(verify.code, verify.errors.join("\n")).to.equal(0);
    // one byte changed, in the middle of the file
    const changed = Buffer.from(bytes);
    const middle = Math.floor(changed.length / 2);
    changed[middle] = changed[middle]! ^ 0x01;
    await writeFile(file, changed);
    const failed = await cli(["verify", file, `${file}.manifest.json`]);
    expect(failed.code).to.equal(1);
    expect(failed.errors).to.deep.equal([
      "FAILED: file sha256 differs from the manifest: the pdf transcript was changed (checked whole: no row can be named)",
    ]);

    // the row hashes are the records', as JSON Lines of the same filters gives them
    const jsonl = join(dir, "jan.jsonl");
    expect((await cli([...month, "--format", "jsonl", "--out", jsonl])).code).to.equal(0);
    const rows = (JSON.parse(await readFile(`${jsonl}.manifest.json`, "utf8")) as { rowHashes: string[] })
      .rowHashes;
    expect(manifest.rowHashes).to.deep.equal(rows);

    // every export is an audit event: who, filters, rows, the file's sha256
    const [audit] = await q<{ actor_id: string; detail: Record<string, unknown> }>(
      `SELECT actor_id, detail FROM audit_event WHERE action = 'export' AND detail->>'format' = 'pdf' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit!.actor_id).to.match(/^cli:/);
    expect(audit!.detail).to.deep.include({
      rows: manifest.rows,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      filters: { from: "2026-01-01", to: "2026-01-31" },
    });
  });

  it("the HTTP manifest's row hashes are recomputed from the same rows, and refused (EXPORT_RECORDS_CHANGED) when those changed", async () => {
    const manifestOut = collect();
    const done = await runExport(
      { pool, db: dbFromPool(pool), manifestKey: KEY },
      {
        filters: { from: "2026-01-01", to: "2026-01-31", conversation: conv.search },
        format: "csv",
        timeZone: "Asia/Jakarta",
        fileName: "search.csv",
        actor: { kind: "system", id: "test", label: "test" },
      },
      collect().stream,
      manifestOut.stream,
    );
    const readAll = async (stream: AsyncIterable<unknown>) => {
      let text = "";
      for await (const chunk of stream) text += String(chunk);
      return text;
    };
    // what HTTP serves is what the CLI writes: same header, signature and row hashes
    const served = await readAll(await servedManifest(pool, done.header, KEY));
    expect(JSON.parse(served)).to.deep.equal(JSON.parse(manifestOut.bytes().toString("utf8")));
    // a row slipped into the period (back-dated) changes the records: refused, not served with wrong hashes
    await message(conv.search, "2026-01-20T10:00:00", "patron", "disisipkan ke masa lalu");
    const refused = await servedManifest(pool, done.header, KEY).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(ExportRecordsChangedError);
    expect((refused as ExportRecordsChangedError).code).to.equal("EXPORT_RECORDS_CHANGED");
  });
});
