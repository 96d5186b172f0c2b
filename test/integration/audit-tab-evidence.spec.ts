/**
 * The Audit tab's verify (POST /api/audit/verify, the web role) and `npm run audit:verify` name a
 * librarian's note and a stored file that were edited, deleted or inserted behind the service's
 * back. Against a database of its own (created, migrated, dropped here): the tampering is committed.
 */
import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import { Client, Pool } from "pg";
import type { App } from "../../main";
import { createDataSource } from "../../ormconfig";
import { dbFromPool } from "../../shared/db";
import { chainOnce } from "../../shared/evidence/chainer";
import type { VerifyReport } from "../../shared/evidence/verify";
import { runAuditCli } from "../../web/audit-cli";
import { startTestApp } from "../helpers/app";
import { addStaff, login } from "../helpers/console";
import { writeConversation, type Written } from "../helpers/evidence";
import { databaseUrlFor, testPgAdminUrl } from "../support/services";

describe("the Audit tab and audit:verify name tampered notes and files", function () {
  this.timeout(60_000);
  const database = `pustaka_audittab_${process.pid}_${Date.now().toString(36)}`;
  let url = "";
  let pool: Pool;
  let app: App;
  let conv: Written;
  let noteId = "";
  let mediaId = "";

  before(async () => {
    url = databaseUrlFor(testPgAdminUrl(), database);
    const admin = new Client({ connectionString: testPgAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const ds = createDataSource(url, { poolSize: 1 });
    await ds.initialize();
    await ds.runMigrations({ transaction: "each" });
    await ds.destroy();
    pool = new Pool({ connectionString: url, max: 2 });
    ({ app } = await startTestApp(undefined, { roles: ["web"], databaseUrl: url }));
    conv = await writeConversation(dbFromPool(pool), ["kartu saya hilang", "Kami bantu"], { ageDays: 2 });
    const staff = await addStaff(app, "librarian");
    noteId = (
      await pool.query<{ id: string }>(
        `INSERT INTO staff_note (conversation_id, staff_id, text, created_at)
         VALUES ($1, $2, 'kartu diganti', now() - interval '1 day') RETURNING id::text`,
        [conv.conversationId, staff.id],
      )
    ).rows[0]!.id;
    const bytes = randomBytes(30);
    mediaId = (
      await pool.query<{ id: string }>(
        `INSERT INTO media (sha256, mime_type, size, storage, bytes, created_at)
         VALUES ($1, 'image/png', 30, 'db', $2, now() - interval '1 day') RETURNING id::text`,
        [createHash("sha256").update(bytes).digest("hex"), bytes],
      )
    ).rows[0]!.id;
    for (
      let i = 0;
      i < 100 && (await chainOnce(dbFromPool(pool), { checkpointEveryMs: 0 })).chained > 0;
      i++
    );
  });
  after(async () => {
    await app?.close();
    await pool?.end();
    const admin = new Client({ connectionString: testPgAdminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  async function verifyInTab(): Promise<VerifyReport> {
    const auditor = await addStaff(app, "auditor");
    const who = await login(app.web!.url, auditor.username);
    const res = await fetch(`${app.web!.url}/api/audit/verify`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: app.web!.url,
        cookie: who.cookie,
        "x-csrf-token": who.csrfToken,
      },
      body: "{}",
    });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { report: VerifyReport }).report;
  }

  it("an untouched database verifies, notes and files included", async () => {
    const report = await verifyInTab();
    expect(report.issues).to.deep.equal([]);
    expect(report.chains).to.equal(2); // the conversation's (its messages and the note), media
  });

  it("an edited note, a deleted file and a note inserted out of band are each named", async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    const tamper = async () => {
      await client.query(`SET session_replication_role = replica`);
      await client.query(`UPDATE staff_note SET text = 'tidak ada masalah' WHERE id = $1`, [noteId]);
      await client.query(`DELETE FROM media WHERE id = $1`, [mediaId]);
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO staff_note (conversation_id, staff_id, text, created_at)
         SELECT conversation_id, staff_id, 'disetujui kepala', now() - interval '2 hours' FROM staff_note WHERE id = $1
         RETURNING id::text`,
        [noteId],
      );
      return rows[0]!.id;
    };
    const forged = await tamper().finally(() => client.end());
    const report = await verifyInTab();
    expect(report.issues.map((i) => [i.kind, i.source, i.rowId])).to.have.deep.members([
      ["edited", "staff_note", noteId],
      ["deleted", "media", mediaId],
      ["inserted", "staff_note", forged],
    ]);
    const details = report.issues.map((i) => i.detail).join("\n");
    expect(details).to.include(`staff note ${noteId} (conversation ${conv.conversationId}`);
    expect(details).to.include(`file media ${mediaId} (image/png, 30 bytes`);
    // The CLI says the same.
    const out: string[] = [];
    expect(await runAuditCli(["verify"], { env: { DATABASE_URL: url }, out: (l) => out.push(l) })).to.equal(
      1,
    );
    expect(out.join("\n"))
      .to.include(`edited     staff note ${noteId}`)
      .and.include(`deleted    file media ${mediaId}`)
      .and.include(`inserted   staff_note ${forged} is in no chain`);
  });
});
