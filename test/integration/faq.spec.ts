/**
 * The FAQ end to end (docs/faq.md): a patron's "gmn cara akses jurnal online?" through the real
 * relay gets the seeded e-journal answer, logged with its entry id and version, and can rate it;
 * a librarian creates, edits (new version, history), publishes and retires entries over the
 * console's socket (an auditor cannot), each an audit event; a retired entry is no longer
 * answered; CSV import twice changes nothing, export → import is a round trip, a malformed file
 * is refused with its line and nothing is half-imported; unanswered questions are grouped.
 */
import { expect } from "chai";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "pg";
import type { App } from "../../main";
import { dbFromPool, type Db } from "../../shared/db";
import { faqToCsv, importFaqCsv } from "../../shared/faq/csv";
import type { FaqContent } from "../../shared/faq/content";
import { FaqStore, type FaqEntryView } from "../../shared/faq/store";
import { unansweredGroups } from "../../shared/faq/unanswered";
import { runFaqCli } from "../../web/faq-cli";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";
import { addStaff, connect, login, request, type ConsoleClient } from "../helpers/console";
import { testDatabaseUrl } from "../support/services";

const content = (topic: string, answer = `Jawaban tentang ${topic}.`): FaqContent => ({
  id: { questions: [`bagaimana cara ${topic} di perpustakaan`], answer },
  en: { questions: [`how do I ${topic} in the library`], answer: `The answer about ${topic}.` },
  keywords: [topic],
});

describe("FAQ: relay, console, CSV", function () {
  this.timeout(60_000);
  let fake: FakeTelegram;
  let app: App;
  let url: string;
  let pool: Pool;
  let db: Db;
  let chat = 614_000;
  const sockets: ConsoleClient[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake));
    url = app.web!.url;
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 3 });
    db = dbFromPool(pool);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await app?.close();
    await fake?.close();
    await pool?.end();
    await closeSql();
  });

  /** Send `text` as a new patron's chat and return the bot's replies. */
  async function ask(text: string, id = ++chat) {
    const before = fake.sentTo(id).length;
    fake.sendText(id, text);
    const sent = await fake.waitForSent(before + 1, { chatId: String(id) });
    return { id, replies: sent.slice(before) };
  }

  /** The log rows of the bot's replies in chat `id`. */
  const replyRows = (id: number) =>
    sql<{ text: string; handled_by: string; meta: Record<string, unknown> }>(
      `SELECT m.text, m.handled_by, m.meta FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.channel = 'telegram' AND c.chat_id = $1 AND m.direction = 'out' ORDER BY m.seq`,
      [String(id)],
    );

  async function as(role: "librarian" | "auditor" | "admin") {
    const staff = await addStaff(app, role);
    const { cookie } = await login(url, staff.username);
    const socket = await connect(url, { cookie, origin: url });
    sockets.push(socket);
    return { staff, socket };
  }

  it('answers "gmn cara akses jurnal online?" from the e-journal entry, logged with its id and version', async () => {
    const seeded = (await new FaqStore(db).bySlug("e-journal"))!;
    const { id, replies } = await ask("gmn cara akses jurnal online?");
    expect(replies[0]!.text).to.equal(seeded.content.id.answer);
    const [row] = await replyRows(id);
    expect(row!.handled_by).to.equal("faq");
    expect(row!.meta.faq).to.include({ entryId: seeded.id, version: seeded.version, slug: "e-journal" });
    const inbound = await sql<{ handled_by: string }>(
      `SELECT m.handled_by FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.chat_id = $1 AND m.direction = 'in'`,
      [String(id)],
    );
    expect(inbound[0]!.handled_by).to.equal("faq");

    // 👍 under the answer is a rating of that entry and version.
    const buttons = (replies[0]!.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> })
      .inline_keyboard[0]!;
    const before = fake.sentTo(id).length;
    fake.pressButton(id, buttons[0]!.callback_data);
    await fake.waitForSent(before + 1, { chatId: String(id) });
    const ratings = await sql<{ rating: number; version: number }>(
      `SELECT rating, version FROM faq_rating WHERE entry_id = $1`,
      [seeded.id],
    );
    expect(ratings).to.deep.include({ rating: 1, version: seeded.version });
  });

  it("answers an English question in English, and leaves unrelated questions to the fallback", async () => {
    const seeded = (await new FaqStore(db).bySlug("wifi"))!;
    const en = await ask("how do I connect to the wifi?");
    expect(en.replies[0]!.text).to.equal(seeded.content.en.answer);
    const other = await ask("resep nasi goreng enak");
    const [row] = await replyRows(other.id);
    expect(row!.handled_by).to.equal("unknown");
    expect(row!.meta.faq).to.equal(undefined);
  });

  it("offers the closest entries and a librarian when none is a clear answer; a press answers that entry", async () => {
    const thesis = (await new FaqStore(db).bySlug("unggah-skripsi"))!;
    const { id, replies } = await ask("skripsi");
    const keyboard = (replies[0]!.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> })
      .inline_keyboard;
    const pressable = keyboard.flat().map((b) => b.callback_data);
    expect(pressable).to.include(`/faq ${thesis.id}`);
    expect(pressable.at(-1)).to.equal("/pustakawan");
    const before = fake.sentTo(id).length;
    fake.pressButton(id, `/faq ${thesis.id}`);
    const [answer] = (await fake.waitForSent(before + 1, { chatId: String(id) })).slice(before);
    expect(answer!.text).to.equal(thesis.content.id.answer);
    expect((await replyRows(id)).at(-1)!.meta.faq).to.include({ entryId: thesis.id, via: "choice" });
  });

  it("gives a built-in answer the question its cues missed but the one matcher reads as its own", async () => {
    // "dibuka" is not the cue "buka" to the cue matcher (another word form); stemmed, it is.
    const { id } = await ask("kapan perpus dibuka");
    const inbound = await sql<{ handled_by: string }>(
      `SELECT m.handled_by FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.chat_id = $1 AND m.direction = 'in'`,
      [String(id)],
    );
    expect(inbound[0]!.handled_by).to.equal("hours");
  });

  it("lets a librarian create, edit, publish and retire over the console; an auditor only reads", async () => {
    const { staff, socket } = await as("librarian");
    const auditor = await as("auditor");
    const forbidden = await request(auditor.socket, "faq:create", {
      slug: "loker-sepeda",
      content: content("parkir sepeda"),
    });
    expect(forbidden).to.deep.equal({ ok: false, error: "forbidden" });

    const created = await request<{ entry: FaqEntryView }>(socket, "faq:create", {
      slug: "parkir-sepeda",
      content: content("parkir sepeda", "Parkir sepeda ada di basement, gratis."),
    });
    if (!created.ok) throw new Error(created.error);
    const entry = created.entry;
    expect([entry.status, entry.version]).to.deep.equal(["draft", 1]);
    // A draft is not answered.
    expect((await ask("bagaimana cara parkir sepeda di perpustakaan")).replies[0]!.text).to.not.contain(
      "basement",
    );

    const published = await request<{ entry: FaqEntryView }>(socket, "faq:status", {
      id: entry.id,
      status: "published",
    });
    expect(published.ok && published.entry.status).to.equal("published");
    const edited = await request<{ entry: FaqEntryView }>(socket, "faq:edit", {
      id: entry.id,
      content: content("parkir sepeda", "Parkir sepeda ada di lantai dasar gedung B, gratis."),
    });
    expect(edited.ok && edited.entry.version).to.equal(2);
    expect(await request(auditor.socket, "faq:edit", { id: entry.id, content: content("x") })).to.deep.equal({
      ok: false,
      error: "forbidden",
    });
    const history = await request<{ versions: Array<{ version: number; content: FaqContent }> }>(
      auditor.socket,
      "faq:history",
      entry.id,
    );
    expect(history.ok && history.versions.map((v) => v.version)).to.deep.equal([2, 1]);

    const { id, replies } = await ask("gmn cara parkir sepeda di perpus?");
    expect(replies[0]!.text).to.equal("Parkir sepeda ada di lantai dasar gedung B, gratis.");
    expect((await replyRows(id))[0]!.meta.faq).to.include({ entryId: entry.id, version: 2 });

    const retired = await request<{ entry: FaqEntryView }>(socket, "faq:status", {
      id: entry.id,
      status: "retired",
    });
    expect(retired.ok && retired.entry.status).to.equal("retired");
    const after = await ask("gmn cara parkir sepeda di perpus?");
    expect(after.replies[0]!.text).to.not.contain("gedung B");
    expect((await replyRows(after.id))[0]!.meta.faq).to.equal(undefined);

    const audit = await sql<{ action: string }>(
      `SELECT action FROM audit_event WHERE subject = $1 AND actor_id = $2 ORDER BY id`,
      [`faq:${entry.id}`, String(staff.id)],
    );
    expect(audit.map((a) => a.action)).to.deep.equal([
      "faq_create",
      "faq_publish",
      "faq_edit",
      "faq_retired",
    ]);
    const listed = await request<{ entries: FaqEntryView[] }>(auditor.socket, "faq:list");
    expect(listed.ok && listed.entries.find((e) => e.id === entry.id)?.status).to.equal("retired");
  });

  it("refuses texts without a question or an answer in both languages", async () => {
    const { socket } = await as("librarian");
    const bad = { ...content("x"), en: { questions: [], answer: "" } };
    expect(await request(socket, "faq:create", { slug: "tanpa-inggris", content: bad })).to.deep.equal({
      ok: false,
      error: "invalid",
    });
  });

  it("imports a CSV file once: the second import changes nothing; export → import is a round trip", async () => {
    const file = [
      "entry,lang,question,answer,keywords",
      'jam-shalat,id,"Di mana mushola? | Ada tempat shalat?","Mushola ada di lantai 2, sebelah timur.",mushola | shalat',
      'jam-shalat,en,Where is the prayer room? | Is there a place to pray?,"The prayer room is on the 2nd floor, east side.",prayer room',
    ].join("\n");
    const versions = () => sql<{ n: string }>(`SELECT count(*) AS n FROM faq_version`);
    const first = await importFaqCsv(db, file, { system: "test" });
    expect(first.created).to.equal(1);
    const count = (await versions())[0]!.n;
    const second = await importFaqCsv(db, file, { system: "test" });
    expect(second).to.deep.equal({ created: 0, updated: 0, unchanged: 1 });
    expect((await versions())[0]!.n).to.equal(count);

    const store = new FaqStore(db);
    const exported = faqToCsv(await store.list());
    const again = await importFaqCsv(db, exported, { system: "test" });
    expect([again.created, again.updated]).to.deep.equal([0, 0]);
    expect((await versions())[0]!.n).to.equal(count);
    expect(faqToCsv(await store.list())).to.equal(exported);
    const entry = (await store.bySlug("jam-shalat"))!;
    expect(entry.content.keywords).to.deep.equal(["mushola", "shalat", "prayer room"]);
    expect(entry.status).to.equal("published");
  });

  it("refuses a malformed file with its line number and imports none of it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "faq-csv-"));
    const path = join(dir, "bad.csv");
    await writeFile(
      path,
      [
        "entry,lang,question,answer,keywords",
        "setengah-jadi,id,Pertanyaan satu?,Jawaban satu.,",
        "setengah-jadi,en,Question one?,Answer one.,",
        "rusak,id,Pertanyaan?,,",
        "rusak,en,Question?,Answer.,",
      ].join("\n"),
    );
    const err: string[] = [];
    const code = await runFaqCli(["import", path], {
      env: { DATABASE_URL: testDatabaseUrl() },
      out: () => undefined,
      err: (line) => err.push(line),
    });
    expect(code).to.equal(1);
    expect(err.join("\n")).to.match(/line 5: no answer in "id"/);
    expect(await sql(`SELECT 1 FROM faq_entry WHERE slug = 'setengah-jadi'`)).to.have.length(0);

    await writeFile(path, "entry,lang,question\nx,id,y\n");
    const header: string[] = [];
    expect(
      await runFaqCli(["import", path], {
        env: { DATABASE_URL: testDatabaseUrl() },
        out: () => undefined,
        err: (l) => header.push(l),
      }),
    ).to.equal(1);
    expect(header.join("")).to.contain("line 1: the header must be entry,lang,question,answer,keywords");
  });

  it("exports CSV on stdout through the CLI", async () => {
    let out = "";
    const code = await runFaqCli(["export"], {
      env: { DATABASE_URL: testDatabaseUrl() },
      out: (t) => (out += t),
      err: () => undefined,
    });
    expect(code).to.equal(0);
    expect(out.split("\n")[0]).to.equal("entry,lang,question,answer,keywords");
    expect(out).to.contain("e-journal,id,");
    expect(out).to.contain("e-journal,en,");
  });

  it("groups the questions it could not answer by the matcher's tokens, with counts", async () => {
    await ask("info lowongan kerja di perpus");
    await ask("lowongan kerja perpus ada?");
    await ask("ada info lowongan kerja perpus");
    const groups = await eventually(async () => {
      const g = await unansweredGroups(db);
      return g.find((x) => x.examples.some((e) => e.includes("lowongan")) && x.count >= 3) ? g : null;
    }, "three lowongan questions grouped");
    const kantin = groups.find((g) => g.examples.some((e) => e.includes("lowongan")))!;
    expect(kantin.count).to.equal(3);
    const { socket } = await as("auditor");
    const viaConsole = await request<{ groups: Array<{ count: number; examples: string[] }> }>(
      socket,
      "faq:unanswered",
    );
    expect(
      viaConsole.ok && viaConsole.groups.some((g) => g.examples.some((e) => e.includes("lowongan"))),
    ).to.equal(true);
  });
});
