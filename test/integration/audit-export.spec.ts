/**
 * The auditors' export (issue 13): a scripted conversation — the bot links and renews on the demo
 * library, the patron asks for a librarian, a librarian claims, answers, notes and closes — appears
 * in CSV (BOM, columns, Indonesian text and emoji intact), JSON Lines and the printable transcript
 * (HTML and PDF, read back with a PDF parser) with every message, in order, with its author;
 * librarians get 403; the date filter's ends are whole days in Asia/Jakarta; a modified file fails
 * its manifest check. Memory: 200k generated rows export with a flat heap (figures printed).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect } from "chai";
import { Pool } from "pg";
import { PDFParse } from "pdf-parse";
import type { App } from "../../main";
import { DemoLibrary } from "../../shared/library/demo";
import { dbFromPool } from "../../shared/db";
import { BOM, CSV_COLUMNS } from "../../web/export/formats";
import { manifestKey, verifyExport } from "../../web/export/manifest";
import { runExportCli } from "../../web/export/cli";
import { runExport } from "../../web/export/run";
import { memoryChannel, type MemoryChannel } from "../helpers/memory-channel";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";
import { addStaff, clientKey, connect, login, request, type ConsoleClient } from "../helpers/console";
import { databaseUrlFor, testDatabaseUrl, testPgAdminUrl } from "../support/services";
import { createDataSource } from "../../ormconfig";
import { runMigrations } from "../../shared/migrate";
import { silentLogger } from "../../shared/logger";

const jakarta = (local: string) => new Date(`${local}+07:00`);
const SECRET = randomBytes(32).toString("base64");
const KEY = manifestKey(Buffer.from(SECRET, "base64"));
const TODAY = new Date().toISOString().slice(0, 10);
const dayAfter = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const FROM = dayAfter(TODAY, -1);
const TO = dayAfter(TODAY, 1);

/** A CSV document → rows of cells (quotes, doubled quotes, CR LF, newlines in fields). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endCell();
    else if (c === "\r" && text[i + 1] === "\n") {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

describe("auditors' export: CSV, JSON Lines, transcript, manifest", function () {
  this.timeout(120_000);
  let app: App;
  let memory: MemoryChannel;
  let url: string;
  let dir: string;
  let pool: Pool;
  let conversationId: number;
  const chat = `export-${randomBytes(3).toString("hex")}`;
  const PATRON_TEXT = "Baik, terima kasih banyak 👍 — bukunya sudah bisa diambil hari Senin?";
  const LIBRARIAN_TEXT = 'Sama-sama, Kak 😊 Bisa diambil Senin pukul 08.00; "Ruang Baca", lantai 2.';
  const NOTE_TEXT = "Patron sudah diverifikasi, perpanjangan berhasil.";
  let librarianName: string;
  let auditor: { cookie: string };
  let librarianSession: { cookie: string };

  const get = (path: string, cookie: string) => fetch(`${url}${path}`, { headers: { cookie } });

  async function ask(text: string): Promise<void> {
    const before = memory.sent.filter((m) => m.chatId === chat).length;
    await memory.say(chat, text);
    await memory.waitForSent(chat, before + 1);
  }

  before(async () => {
    const registered = memoryChannel();
    ({ app } = await startTestApp(undefined, {
      roles: ["web", "bot", "relay"],
      channels: [registered.descriptor],
      env: { MEMORY_CHANNEL: "on", SECRET_BOX_KEY: SECRET },
      library: new DemoLibrary({ timeZone: "Asia/Jakarta", seedDate: "2025-12-01" }),
      now: () => jakarta("2025-12-02T10:10:00"),
    }));
    memory = registered.channel();
    url = app.web!.url;
    dir = await mkdtemp(join(tmpdir(), "export-spec-"));
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 3 });

    // The bot: link, then renew the first loan.
    await ask("/tautkan");
    await ask("2021110001");
    await ask("demo1234");
    await ask("/perpanjang");
    await ask("1");
    await ask("ya");
    // The handoff, a librarian claims, answers, notes; the patron thanks; closed.
    await ask("/pustakawan");
    const [conversation] = await sql<{ id: number }>(
      `SELECT id FROM conversation WHERE channel = 'webchat' AND chat_id = $1 ORDER BY id DESC LIMIT 1`,
      [chat],
    );
    conversationId = conversation!.id;
    const librarian = await addStaff(app, "librarian", "Siti Aminah");
    librarianName = librarian.displayName;
    const auditorStaff = await addStaff(app, "auditor", "Audi Tor");
    librarianSession = await login(url, librarian.username);
    auditor = await login(url, auditorStaff.username);
    const socket: ConsoleClient = await connect(url, { cookie: librarianSession.cookie, origin: url });
    try {
      expect((await request(socket, "conversation:claim", conversationId)).ok).to.equal(true);
      expect(
        (
          await request(socket, "message:send", {
            conversationId,
            text: LIBRARIAN_TEXT,
            clientKey: clientKey(),
          })
        ).ok,
      ).to.equal(true);
      await memory
        .waitForSent(chat, memory.sent.filter((m) => m.chatId === chat).length + 1)
        .catch(() => undefined);
      await memory.say(chat, PATRON_TEXT);
      await eventually(
        async () =>
          (
            await sql(
              `SELECT 1 FROM message WHERE conversation_id = $1 AND text = $2 AND status = 'handled'`,
              [conversationId, PATRON_TEXT],
            )
          ).length > 0,
        "the patron's thanks handled",
      );
      expect((await request(socket, "note:add", { conversationId, text: NOTE_TEXT })).ok).to.equal(true);
      expect(
        (await request(socket, "conversation:close", { conversationId, outcome: "answered" })).ok,
      ).to.equal(true);
    } finally {
      socket.close();
    }
    await eventually(
      async () =>
        (
          await sql(
            `SELECT 1 FROM message WHERE conversation_id = $1 AND direction = 'out' AND status = 'queued'`,
            [conversationId],
          )
        ).length === 0,
      "every reply sent",
    );
  });

  after(async () => {
    await app?.close();
    await pool?.end();
    await closeSql();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** What the database holds for the conversation, in order: [author, text] of each message. */
  const logged = async () =>
    sql<{ id: string; author: string; text: string | null; handled_by: string | null }>(
      `SELECT id::text, author, text, handled_by FROM message WHERE conversation_id = $1 ORDER BY seq`,
      [conversationId],
    );

  it("CSV over HTTP: BOM, the columns, every message in order with its author, events and the note, text and emoji intact", async () => {
    const res = await get(
      `/api/export?from=${FROM}&to=${TO}&format=csv&conversation=${conversationId}`,
      auditor.cookie,
    );
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.contain("text/csv");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8");
    expect(text.startsWith(BOM)).to.equal(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).to.deep.equal([...CSV_COLUMNS]);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const messages = rows.filter((r) => r[col("type")] === "message");
    const expected = await logged();
    expect(messages.map((r) => r[col("id")])).to.deep.equal(expected.map((m) => m.id));
    expect(messages.map((r) => r[col("author")])).to.deep.equal(expected.map((m) => m.author));
    expect(messages.map((r) => r[col("text")])).to.deep.equal(expected.map((m) => m.text ?? ""));
    // authors: the bot with the answer that produced it, the librarian by name
    const byText = (t: string) => messages.find((r) => r[col("text")] === t)!;
    expect(byText(LIBRARIAN_TEXT)[col("author_name")]).to.equal(librarianName);
    expect(byText(PATRON_TEXT)[col("author")]).to.equal("patron");
    const renewed = messages.find(
      (r) => r[col("author")] === "bot" && r[col("text")]!.includes("Berhasil diperpanjang"),
    );
    expect(renewed?.[col("author_name")]).to.equal("renew");
    // the password never leaves the log
    expect(text).to.not.contain("demo1234");
    // times: UTC and the library's wall clock
    const first = messages[0]!;
    const wib = new Date(Date.parse(first[col("at_utc")]!) + 7 * 3600_000)
      .toISOString()
      .slice(0, 19)
      .replace("T", " ");
    expect(first[col("at_local")]).to.equal(wib);
    // the note and the events: handoff, claim, close, link, renewal
    expect(rows.find((r) => r[col("type")] === "note")?.[col("text")]).to.equal(NOTE_TEXT);
    const actions = rows.filter((r) => r[col("type")] === "event").map((r) => r[col("action")]);
    for (const a of ["link", "renewal", "conversation.handoff", "conversation.claim", "conversation.close"])
      expect(actions, a).to.include(a);
    // the export is itself an audit event with the file's hash
    const exportId = res.headers.get("x-export-id")!;
    const [event] = await eventually(async () => {
      const found = await sql<{ actor_id: string; detail: { rows: number; sha256: string } }>(
        `SELECT actor_id, detail FROM audit_event WHERE action = 'export' AND subject = $1`,
        [`export:${exportId}`],
      );
      return found.length > 0 && found;
    }, "the export's audit event");
    expect(event!.detail.rows).to.equal(rows.length);
    expect(event!.detail.sha256).to.equal(createHash("sha256").update(bytes).digest("hex"));
    // …whose manifest has a hash per row, verifies this file, and names the row of an edited one
    const manifest = await get(`/api/export/${exportId}/manifest`, auditor.cookie);
    expect(manifest.status).to.equal(200);
    const manifestBytes = Buffer.from(await manifest.arrayBuffer());
    const served = JSON.parse(manifestBytes.toString("utf8")) as { rows: number; rowHashes: string[] };
    expect(served.rowHashes).to.have.length(rows.length);
    expect(served.rows).to.equal(rows.length);
    const file = join(dir, "http.csv");
    await writeFile(file, bytes);
    await writeFile(`${file}.manifest.json`, manifestBytes);
    const errors: string[] = [];
    const io = {
      env: { SECRET_BOX_KEY: SECRET },
      stdout: process.stdout,
      err: (l: string) => errors.push(l),
    };
    expect(await runExportCli(["verify", file, `${file}.manifest.json`], io), errors.join("\n")).to.equal(0);
    await writeFile(file, text.replace("Sama-sama", "Sama-sama juga"));
    expect(await runExportCli(["verify", file, `${file}.manifest.json`], io)).to.equal(1);
    const edited = rows.findIndex((r) => r[col("text")] === LIBRARIAN_TEXT) + 1;
    expect(errors).to.include(`FAILED: row ${edited} differs`);
  });

  it("a range as PDF and HTML over HTTP: the printable transcript of the same records, an audit event, a manifest that verifies it", async () => {
    const q = `from=${FROM}&to=${TO}&channel=webchat&conversation=${conversationId}`;
    const expected = (await logged()).filter((m) => m.text);
    const html = await get(`/api/export?${q}&format=html`, auditor.cookie);
    expect(html.status).to.equal(200);
    expect(html.headers.get("content-type")).to.equal("text/html; charset=utf-8");
    const page = await html.text();
    expect(page).to.contain(`Percakapan / conversation #${conversationId} · kanal / channel: webchat`);
    expect(page)
      .to.contain(`Periode / period: ${FROM} s.d. / to ${TO}`)
      .and.contain("kanal / channel: webchat");
    expect(page).to.contain("Sama-sama, Kak 😊").and.contain("&quot;Ruang Baca&quot;");
    let at = -1;
    for (const m of expected) {
      const escaped = m
        .text!.replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&#39;");
      const found = page.indexOf(escaped, at + 1);
      expect(found, `message ${m.id} in order`).to.be.greaterThan(at);
      at = found;
    }

    const pdf = await get(`/api/export?${q}&format=pdf`, auditor.cookie);
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get("content-type")).to.equal("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer());
    const parser = new PDFParse({ data: new Uint8Array(bytes) });
    const flat = (await parser.getText()).text.replace(/\s+/g, " ");
    await parser.destroy();
    expect(flat).to.contain(`librarian ${librarianName}`).and.contain("bot (renew)").and.contain("[U+1F44D]");
    const exportId = pdf.headers.get("x-export-id")!;
    const [event] = await eventually(async () => {
      const found = await sql<{ actor_id: string; detail: { rows: number; sha256: string; format: string } }>(
        `SELECT actor_id, detail FROM audit_event WHERE action = 'export' AND subject = $1`,
        [`export:${exportId}`],
      );
      return found.length > 0 && found;
    }, "the PDF export's audit event");
    expect(event!.detail.format).to.equal("pdf");
    expect(event!.detail.sha256).to.equal(createHash("sha256").update(bytes).digest("hex"));

    const manifest = await get(`/api/export/${exportId}/manifest`, auditor.cookie);
    expect(manifest.status).to.equal(200);
    const served = JSON.parse(Buffer.from(await manifest.arrayBuffer()).toString("utf8")) as {
      rows: number;
      rowHashes: string[];
    };
    expect(served.rowHashes).to.have.length(served.rows);
    expect(served.rows).to.equal(event!.detail.rows);
    const file = join(dir, "range.pdf");
    await writeFile(file, bytes);
    await writeFile(`${file}.manifest.json`, JSON.stringify(served));
    expect((await verifyExport(file, `${file}.manifest.json`, KEY)).ok).to.equal(true);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0x20; // one byte changed
    await writeFile(file, bytes);
    const failed = await verifyExport(file, `${file}.manifest.json`, KEY);
    expect(failed.problems).to.deep.equal([
      "file sha256 differs from the manifest: the pdf transcript was changed (checked whole: no row can be named)",
    ]);
  });

  it("a conversation's transcript has an export id and a manifest too (its own audit event is not in it)", async () => {
    const res = await get(`/api/export/transcript/${conversationId}?format=html`, auditor.cookie);
    expect(res.status).to.equal(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const exportId = res.headers.get("x-export-id")!;
    expect(exportId).to.match(/^[0-9a-f-]{36}$/);
    await eventually(
      async () =>
        (
          await sql(
            `SELECT 1 FROM audit_event WHERE action = 'export.transcript' AND detail->>'exportId' = $1`,
            [exportId],
          )
        ).length > 0,
      "the transcript's audit event",
    );
    const manifest = await get(`/api/export/${exportId}/manifest`, auditor.cookie);
    expect(manifest.status).to.equal(200);
    const file = join(dir, "conversation.html");
    await writeFile(file, bytes);
    await writeFile(`${file}.manifest.json`, Buffer.from(await manifest.arrayBuffer()));
    const result = await verifyExport(file, `${file}.manifest.json`, KEY);
    expect(result.problems).to.deep.equal([]);
  });

  it("librarians get 403, no session 401; bad filters 400 naming the field", async () => {
    const q = `/api/export?from=${FROM}&to=${TO}&format=csv`;
    expect((await get(q, librarianSession.cookie)).status).to.equal(403);
    expect((await fetch(`${url}${q}`)).status).to.equal(401);
    expect(
      (await get(`/api/export/transcript/${conversationId}?format=pdf`, librarianSession.cookie)).status,
    ).to.equal(403);
    for (const format of ["pdf", "html"])
      expect((await get(`${q.replace("csv", format)}`, librarianSession.cookie)).status, format).to.equal(
        403,
      );
    expect(
      (await get(`/api/export/${crypto.randomUUID()}/manifest`, librarianSession.cookie)).status,
    ).to.equal(403);
    const bad = await get(`/api/export?from=2026-13-01&to=${TO}`, auditor.cookie);
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { error: string }).error).to.match(/^from:/);
  });

  it("JSON Lines from the CLI; its manifest verifies, an edited row is named and fails (exit 1)", async () => {
    const out = join(dir, "cli.jsonl");
    const errors: string[] = [];
    const env = { DATABASE_URL: testDatabaseUrl(), SECRET_BOX_KEY: SECRET, LIBRARY_TIMEZONE: "Asia/Jakarta" };
    const io = { env, stdout: process.stdout, err: (l: string) => errors.push(l) };
    const code = await runExportCli(
      [
        "--from",
        FROM,
        "--to",
        TO,
        "--format",
        "jsonl",
        "--conversation",
        String(conversationId),
        "--out",
        out,
      ],
      io,
    );
    expect(code, errors.join("\n")).to.equal(0);
    const lines = (await readFile(out, "utf8"))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const messages = lines.filter((l) => l.type === "message");
    const expected = await logged();
    expect(messages.map((m) => [m.author, m.text ?? null])).to.deep.equal(
      expected.map((m) => [m.author, m.text]),
    );
    expect(messages.find((m) => m.text === PATRON_TEXT)).to.include({ author: "patron", channel: "webchat" });
    expect(await runExportCli(["verify", out, `${out}.manifest.json`], io)).to.equal(0);
    const original = await readFile(out, "utf8");
    await writeFile(out, original.replace("terima kasih banyak", "terima kasih"));
    expect(await runExportCli(["verify", out, `${out}.manifest.json`], io)).to.equal(1);
    const row = lines.findIndex((l) => l.text === PATRON_TEXT) + 1;
    expect(errors).to.include(`FAILED: row ${row} differs`);
    // a deleted row is caught too
    await writeFile(
      out,
      original
        .split("\n")
        .filter((_, i) => i !== 0)
        .join("\n"),
    );
    expect(await runExportCli(["verify", out, `${out}.manifest.json`], io)).to.equal(1);
    // the manifest itself edited (a row hash replaced to match an edit): the signature fails
    const m = JSON.parse(await readFile(`${out}.manifest.json`, "utf8")) as { rows: number };
    await writeFile(out, original);
    await writeFile(`${out}.manifest.json`, JSON.stringify({ ...m, rows: m.rows + 1 }));
    const before = errors.length;
    expect(await runExportCli(["verify", out, `${out}.manifest.json`], io)).to.equal(1);
    expect(errors.slice(before).join("\n")).to.contain("signature");
  });

  it("the printable transcript: HTML escaped, and a PDF whose text has every message in order with authors", async () => {
    const html = await get(`/api/export/transcript/${conversationId}?format=html`, auditor.cookie);
    expect(html.status).to.equal(200);
    const page = await html.text();
    expect(page).to.contain("Sama-sama, Kak 😊").and.contain("&quot;Ruang Baca&quot;");
    expect(page).to.contain(`librarian ${librarianName}`);

    const pdf = await get(`/api/export/transcript/${conversationId}?format=pdf`, auditor.cookie);
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get("content-type")).to.equal("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).to.equal("%PDF-");
    const parser = new PDFParse({ data: new Uint8Array(bytes) });
    const { text } = await parser.getText();
    await parser.destroy();
    const flat = text.replace(/\s+/g, " ");
    const expected = (await logged()).filter((m) => m.text);
    let at = -1;
    for (const m of expected) {
      // the text up to its first character outside Latin-1 (the PDF prints emoji as [U+…])
      const probe = m
        .text!.split(/[\u0100-\u{10FFFF}]/u)[0]!
        .replace(/\s+/g, " ")
        .slice(0, 25)
        .trim();
      const found = flat.indexOf(probe, at + 1);
      expect(found, `"${probe}" after position ${at}`).to.be.greaterThan(at);
      at = found;
    }
    expect(flat).to.contain(`librarian ${librarianName}`).and.contain("bot (renew)").and.contain("[U+1F44D]");
    const [event] = await sql<{ detail: { sha256: string } }>(
      `SELECT detail FROM audit_event WHERE action = 'export.transcript' AND detail->>'format' = 'pdf'
       AND subject = $1 ORDER BY id DESC LIMIT 1`,
      [`conversation:${conversationId}`],
    );
    expect(event!.detail.sha256).to.equal(createHash("sha256").update(bytes).digest("hex"));
  });

  describe("generated rows (in a database of their own, dropped after)", () => {
    // Rows inserted behind the service's back are exactly what the evidence chain reports as
    // tampering (docs/audit.md): they live in a throwaway database, never in the shared one.
    let throwaway: number;
    let pool: Pool;
    const database = `export_gen_${process.pid}_${randomBytes(3).toString("hex")}`;
    before(async () => {
      const admin = new Pool({ connectionString: testPgAdminUrl(), max: 1 });
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.end();
      const dataSource = createDataSource(databaseUrlFor(testPgAdminUrl(), database));
      await dataSource.initialize();
      await runMigrations(dataSource, silentLogger);
      await dataSource.destroy();
      pool = new Pool({ connectionString: databaseUrlFor(testPgAdminUrl(), database), max: 3 });
      const [patron] = (
        await pool.query<{ id: number }>(
          `INSERT INTO patron (display_name) VALUES ('Generated') RETURNING id`,
        )
      ).rows;
      const [conv] = (
        await pool.query<{ id: number }>(
          `INSERT INTO conversation (channel, chat_id, patron_id, state) VALUES ('webchat', $1, $2, 'closed') RETURNING id`,
          [`generated-${randomBytes(3).toString("hex")}`, patron!.id],
        )
      ).rows;
      throwaway = conv!.id;
    });
    after(async () => {
      await pool?.end();
      const admin = new Pool({ connectionString: testPgAdminUrl(), max: 1 });
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    });

    const insert = (seq: number, at: string, text: string) =>
      pool.query(
        `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status, created_at)
         VALUES ($1, $2, 'in', 'patron', 'text', $3, 'webchat', $4, 'handled', $5)`,
        [throwaway, seq, text, `gen-${throwaway}-${seq}`, at],
      );

    it("the date filter: whole days in Asia/Jakarta, both ends inclusive", async () => {
      await insert(1, "2025-12-31T23:59:59+07:00", "before the first day");
      await insert(2, "2026-01-01T00:00:00+07:00", "first moment of the month");
      await insert(3, "2026-01-31T23:59:00+07:00", "23:59 WIB on the 31st");
      await insert(4, "2026-02-01T00:00:00+07:00", "00:00 WIB on the 1st of the next month");
      const sink = collect();
      await runExport(
        { pool, db: dbFromPool(pool), manifestKey: KEY },
        {
          filters: { from: "2026-01-01", to: "2026-01-31", conversation: throwaway },
          format: "jsonl",
          timeZone: "Asia/Jakarta",
          fileName: "jan.jsonl",
          actor: { kind: "system", id: "test", label: "test" },
        },
        sink.stream,
      );
      const texts = sink
        .text()
        .trimEnd()
        .split("\n")
        .map((l) => (JSON.parse(l) as { text: string }).text);
      expect(texts).to.deep.equal(["first moment of the month", "23:59 WIB on the 31st"]);
    });

    it("memory: 200k generated rows export with a flat heap (figures printed, no timing)", async () => {
      await pool.query(
        `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status, created_at)
         SELECT $1::int, 100 + g, 'in', 'patron', 'text', 'Pesan nomor ' || g || ' — apakah buku ini tersedia? 📚',
                'webchat', 'gen-' || $1::int || '-' || (100 + g), 'handled', '2026-03-10T03:00:00Z'::timestamptz + g * interval '1 ms'
         FROM generate_series(1, 200000) AS g`,
        [throwaway],
      );
      // Retained memory, not garbage: collect before each sample.
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      gc();
      const base = process.memoryUsage();
      const samples: { rows: number; heap: number; rss: number }[] = [];
      let bytes = 0;
      let rows = 0;
      // A reader that takes its time (one tick per chunk): the export must wait for it.
      const sink = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (++rows % 20_000 === 0) {
            gc();
            const m = process.memoryUsage();
            samples.push({ rows, heap: m.heapUsed, rss: m.rss });
          }
          setImmediate(done);
        },
      });
      const done = await runExport(
        { pool, db: dbFromPool(pool), manifestKey: KEY },
        {
          filters: { from: "2026-03-10", to: "2026-03-10", conversation: throwaway },
          format: "csv",
          timeZone: "Asia/Jakarta",
          fileName: "generated.csv",
          actor: { kind: "system", id: "test", label: "test" },
        },
        sink,
      );
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      const peakHeap = Math.max(...samples.map((x) => x.heap));
      const peakRss = Math.max(...samples.map((x) => x.rss));
      console.log(
        `      export of ${done.header.rows} rows (${mb(bytes)} MB CSV), heap after GC every 20k rows: ` +
          samples.map((x) => mb(x.heap)).join(" ") +
          ` MB\n      heap ${mb(base.heapUsed)} → peak ${mb(peakHeap)} MB (+${mb(peakHeap - base.heapUsed)}),` +
          ` RSS ${mb(base.rss)} → peak ${mb(peakRss)} MB (+${mb(peakRss - base.rss)})`,
      );
      expect(done.header.rows).to.equal(200_000);
      // Holding the rows would retain far more than the 32 MB of CSV; flat is a few MB of buffers.
      expect(peakHeap - base.heapUsed, "retained heap growth").to.be.lessThan(16 * 1024 * 1024);
      // …and no upward trend: the last sample is not above the first by more than a batch's worth.
      expect(samples.at(-1)!.heap - samples[0]!.heap, "heap trend").to.be.lessThan(4 * 1024 * 1024);
    });

    it("memory: the same 200k rows as a range PDF transcript, heap grows only with pdfkit's page tree (figures printed, no timing)", async function () {
      this.timeout(600_000); // laying out 200k records takes a while on a shared machine: not a timing test
      // the 200k rows of the test above, on 2026-03-10
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      gc();
      const base = process.memoryUsage();
      const samples: { mb: number; heap: number; rss: number }[] = [];
      let bytes = 0;
      let nextSample = 1024 * 1024;
      const sink = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (bytes >= nextSample) {
            nextSample += 1024 * 1024;
            gc();
            const m = process.memoryUsage();
            samples.push({ mb: bytes, heap: m.heapUsed, rss: m.rss });
          }
          setImmediate(done); // a reader that takes its time: the export must wait for it
        },
      });
      const done = await runExport(
        { pool, db: dbFromPool(pool), manifestKey: KEY },
        {
          filters: { from: "2026-03-10", to: "2026-03-10", conversation: throwaway },
          format: "pdf",
          timeZone: "Asia/Jakarta",
          fileName: "generated.pdf",
          actor: { kind: "system", id: "test", label: "test" },
        },
        sink,
      );
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      const peakHeap = Math.max(...samples.map((x) => x.heap));
      const peakRss = Math.max(...samples.map((x) => x.rss));
      console.log(
        `      PDF transcript of ${done.header.rows} rows (${mb(bytes)} MB), heap after GC every MB written: ` +
          samples.map((x) => mb(x.heap)).join(" ") +
          ` MB\n      heap ${mb(base.heapUsed)} → peak ${mb(peakHeap)} MB (+${mb(peakHeap - base.heapUsed)}),` +
          ` RSS ${mb(base.rss)} → peak ${mb(peakRss)} MB (+${mb(peakRss - base.rss)})`,
      );
      expect(done.header.rows).to.equal(200_000);
      expect(samples.length, "samples taken").to.be.greaterThan(3);
      // Holding the rows (or the pages) would retain far more than this.
      expect(peakHeap - base.heapUsed, "retained heap growth").to.be.lessThan(32 * 1024 * 1024);
    });
  });
});

function collect() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}
