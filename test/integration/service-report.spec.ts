/**
 * The service report (issue 13) over generated history in February 2024 (no other test writes
 * there; cleaned up as the superuser): counts per day and channel, the first librarian response in
 * service minutes (median, p90), unanswered handoffs, renewals by reason, links; as JSON, CSV and
 * SVG charts; auditors and admins only. Response minutes skip SLiMS's holidays.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Pool } from "pg";
import type { App } from "../../main";
import { REPORT_COLUMNS } from "../../web/report/charts";
import type { ReportRow } from "../../web/report/report";
import { closeSql, startTestApp } from "../helpers/app";
import { addStaff, login } from "../helpers/console";
import { SlimsFixture } from "../helpers/slims-fixture";
import { testDatabaseUrl } from "../support/services";
import { dbFromPool } from "../../shared/db";
import { ServiceCalendarStore } from "../../shared/service-calendar-store";

describe("service report: per day and channel, as numbers, CSV and SVG charts", function () {
  this.timeout(60_000);
  let app: App;
  let url: string;
  let pool: Pool;
  let admin: { cookie: string };
  let librarian: { cookie: string };
  const conversations: number[] = [];
  const events: string[] = [];
  const tag = randomBytes(3).toString("hex");

  before(async () => {
    ({ app } = await startTestApp(undefined, {
      roles: ["web"],
      env: { LIBRARY_HOURS: "mon-fri 08:00-16:00" },
    }));
    url = app.web!.url;
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    const librarianStaff = await addStaff(app, "librarian", "Siti");
    admin = await login(url, (await addStaff(app, "admin")).username);
    librarian = await login(url, librarianStaff.username);

    const [patron] = (
      await pool.query<{ id: number }>(`INSERT INTO patron (display_name) VALUES ('R') RETURNING id`)
    ).rows;
    // opened (WIB), queued, first librarian reply
    const script: [string, string | null, string | null][] = [
      ["2024-02-05T09:00:00", "2024-02-05T09:00:00", "2024-02-05T09:10:00"], // 10 min
      ["2024-02-05T15:50:00", "2024-02-05T15:50:00", "2024-02-06T08:20:00"], // 30 service minutes
      ["2024-02-05T10:00:00", "2024-02-05T10:00:00", null], // nobody answered
      ["2024-02-05T11:00:00", null, null], // the bot alone
    ];
    for (const [i, [opened, waiting, reply]] of script.entries()) {
      const [c] = (
        await pool.query<{ id: number }>(
          `INSERT INTO conversation (channel, chat_id, patron_id, state, opened_at, waiting_since)
           VALUES ('webchat', $1, $2, 'closed', $3, $4) RETURNING id`,
          [`report-${tag}-${i}`, patron!.id, `${opened}+07:00`, waiting && `${waiting}+07:00`],
        )
      ).rows;
      conversations.push(c!.id);
      await pool.query(
        `INSERT INTO message (conversation_id, seq, direction, author, kind, text, channel, channel_key, status, created_at)
         VALUES ($1, 1, 'in', 'patron', 'text', 'halo', 'webchat', $2, 'handled', $3)`,
        [c!.id, `report-${tag}-${i}-1`, `${opened}+07:00`],
      );
      if (reply)
        await pool.query(
          `INSERT INTO message (conversation_id, seq, direction, author, author_staff_id, kind, text, channel, channel_key, status, created_at)
           VALUES ($1, 2, 'out', 'librarian', $2, 'text', 'ya', 'webchat', $3, 'sent', $4)`,
          [c!.id, librarianStaff.id, `report-${tag}-${i}-2`, `${reply}+07:00`],
        );
    }
    const audit = async (action: string, detail: object) => {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO audit_event (at, actor_kind, actor_id, action, subject, detail)
         VALUES ('2024-02-05T12:00:00+07:00', 'patron', 'webchat:report-${tag}', $1, NULL, $2) RETURNING id`,
        [action, JSON.stringify(detail)],
      );
      events.push(rows[0]!.id);
    };
    await audit("renewal", { result: { ok: true } });
    await audit("renewal", { result: { ok: false, reason: "reserved" } });
    await audit("renewal", { result: { ok: false, reason: "reserved" } });
    await audit("renewal", { result: { ok: false, reason: "overdue" } });
    await audit("link", { method: "password" });
  });

  after(async () => {
    const client = await pool.connect();
    try {
      await client.query(`SET session_replication_role = replica`);
      await client.query(`DELETE FROM message WHERE conversation_id = ANY($1)`, [conversations]);
      await client.query(`DELETE FROM conversation WHERE id = ANY($1)`, [conversations]);
      await client.query(`DELETE FROM audit_event WHERE id = ANY($1::bigint[])`, [events]);
    } finally {
      await client.query(`RESET session_replication_role`);
      client.release();
    }
    await pool.end();
    await app?.close();
    await closeSql();
  });

  const get = (path: string, cookie: string) => fetch(`${url}${path}`, { headers: { cookie } });
  const Q = "from=2024-02-05&to=2024-02-06&period=day";

  it("the numbers: conversations, bot share, handoffs, response median and p90 in service minutes, unanswered, renewals by reason, links", async () => {
    const res = await get(`/api/report?${Q}`, admin.cookie);
    expect(res.status).to.equal(200);
    const { rows } = (await res.json()) as { rows: ReportRow[] };
    const monday = rows.find((r) => r.bucket === "2024-02-05" && r.channel === "webchat")!;
    expect(monday).to.deep.include({
      conversations: 4,
      messages: 5,
      botShare: 0.25,
      handoffs: 3,
      firstResponseMedianMin: 10,
      firstResponseP90Min: 30,
      unanswered: 1,
      renewalsDone: 1,
      links: 1,
    });
    expect(monday.renewalsRefused).to.deep.equal({ reserved: 2, overdue: 1 });
    const tuesday = rows.find((r) => r.bucket === "2024-02-06" && r.channel === "webchat")!;
    expect(tuesday).to.deep.include({ conversations: 0, messages: 1 });
    // weeks and months: one bucket holding both days
    const week = (await (
      await get(`/api/report?from=2024-02-05&to=2024-02-06&period=week`, admin.cookie)
    ).json()) as {
      rows: ReportRow[];
    };
    expect(week.rows.filter((r) => r.channel === "webchat").map((r) => [r.bucket, r.messages])).to.deep.equal(
      [["2024-02-05", 6]],
    );
  });

  it("CSV with a BOM and its columns; SVG charts with escaped labels; librarians 403; bad dates 400", async () => {
    const csv = await get(`/api/report?${Q}&format=csv`, admin.cookie);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8");
    expect(text.slice(1).split("\r\n")[0]).to.equal(REPORT_COLUMNS.join(","));
    expect(text, text).to.contain("2024-02-05,webchat,4,5,0.250,3,10,30,1,1,3,overdue=1 reserved=2,1");
    for (const kind of ["volume", "response", "renewals"]) {
      const svg = await get(`/api/report/chart/${kind}?${Q}&lang=en`, admin.cookie);
      expect(svg.status, kind).to.equal(200);
      expect(svg.headers.get("content-type")).to.contain("image/svg+xml");
      const body = await svg.text();
      expect(body).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(body).to.contain("2024-02-05").and.contain("<rect");
    }
    expect((await get(`/api/report?${Q}`, librarian.cookie)).status).to.equal(403);
    expect((await get(`/api/report/chart/volume?${Q}`, librarian.cookie)).status).to.equal(403);
    const bad = await get(`/api/report?from=2024-02-30&to=2024-03-01`, admin.cookie);
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { error: string }).error).to.match(/^from:/);
  });
});

describe("service report: first response minutes skip the library's SLiMS holidays", function () {
  this.timeout(60_000);
  let app: App;
  let slims: SlimsFixture;
  let pool: Pool;
  let admin: { cookie: string };
  let adminStaffId: number;
  const conversations: number[] = [];
  const tag = randomBytes(3).toString("hex");

  before(async () => {
    slims = await SlimsFixture.create();
    // Tuesday 13 February 2024 (a dated holiday in SLiMS's own table, as the library enters it).
    await slims.holiday("Tue", "2024-02-13", "Libur Isra Mikraj");
    ({ app } = await startTestApp(undefined, {
      roles: ["web"],
      env: {
        LIBRARY_HOURS: "mon-fri 08:00-16:00",
        SLIMS_DATABASE_URL: slims.relayUrl,
        // read afresh: the second test makes SLiMS unreadable while the app runs
        SLIMS_HOLIDAY_CACHE_MS: "0",
      },
    }));
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    const librarianStaff = await addStaff(app, "librarian", "Siti");
    const adminStaff = await addStaff(app, "admin");
    adminStaffId = adminStaff.id;
    admin = await login(app.web!.url, adminStaff.username);
    // Queued Monday 15:00 (WIB), answered Wednesday 08:30: 60 minutes on Monday, none on the
    // holiday, 30 on Wednesday = 90 (570 if Tuesday counted).
    const [patron] = (
      await pool.query<{ id: number }>(`INSERT INTO patron (display_name) VALUES ('L') RETURNING id`)
    ).rows;
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO conversation (channel, chat_id, patron_id, state, opened_at, waiting_since)
       VALUES ('webchat', $1, $2, 'closed', '2024-02-12T15:00:00+07:00', '2024-02-12T15:00:00+07:00') RETURNING id`,
      [`report-holiday-${tag}`, patron!.id],
    );
    conversations.push(rows[0]!.id);
    await pool.query(
      `INSERT INTO message (conversation_id, seq, direction, author, author_staff_id, kind, text, channel, channel_key, status, created_at)
       VALUES ($1, 1, 'out', 'librarian', $2, 'text', 'ya', 'webchat', $3, 'sent', '2024-02-14T08:30:00+07:00')`,
      [rows[0]!.id, librarianStaff.id, `report-holiday-${tag}-1`],
    );
  });

  after(async () => {
    const client = await pool.connect();
    try {
      await client.query(`SET session_replication_role = replica`);
      await client.query(`DELETE FROM message WHERE conversation_id = ANY($1)`, [conversations]);
      await client.query(`DELETE FROM conversation WHERE id = ANY($1)`, [conversations]);
    } finally {
      await client.query(`RESET session_replication_role`);
      client.release();
    }
    await pool.end();
    await app?.close();
    await slims?.cleanup();
    await closeSql();
  });

  const monday = async () => {
    const res = await fetch(`${app.web!.url}/api/report?from=2024-02-12&to=2024-02-14&period=day`, {
      headers: { cookie: admin.cookie },
    });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { holidaysApplied: boolean; rows: ReportRow[] };
    const row = body.rows.find((r) => r.bucket === "2024-02-12" && r.channel === "webchat")!;
    return { applied: body.holidaysApplied, minutes: row.firstResponseMedianMin };
  };

  it("a patron waiting across a SLiMS holiday waited only the open days' minutes", async () => {
    expect(await monday()).to.deep.equal({ applied: true, minutes: 90 });
  });

  it("follows the service calendar edited in the console: special hours on a day count only their own minutes", async () => {
    const store = new ServiceCalendarStore(dbFromPool(pool));
    // Wednesday opens at 08:15 instead of 08:00: 60 on Monday + 15 on Wednesday.
    const added = await store.addException(
      { kind: "hours", from: "2024-02-14", to: "2024-02-14", spans: [{ from: "08:15", to: "16:00" }] },
      adminStaffId,
    );
    if (!added.ok) throw new Error(`exception refused: ${JSON.stringify(added)}`);
    try {
      expect(await monday()).to.deep.equal({ applied: true, minutes: 75 });
    } finally {
      await store.removeException(added.value.id, adminStaffId);
    }
    expect(await monday()).to.deep.equal({ applied: true, minutes: 90 });
  });

  it("SLiMS unreadable: the report is still served, over weekly hours, and says holidays were not applied", async () => {
    await slims.cleanup();
    expect(await monday()).to.deep.equal({ applied: false, minutes: 570 });
  });
});
