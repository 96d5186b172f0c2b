/**
 * The auditor's page's API (web/console/audit-api.ts) through the web role: verify for auditors
 * and admins only (403 for librarians, 401 signed out, 403 without the CSRF token), its report and
 * its audit event; erasure for admins only.
 */
import { expect } from "chai";
import { Pool } from "pg";
import type { App } from "../../main";
import { dbFromPool } from "../../shared/db";
import { chainOnce } from "../../shared/evidence/chainer";
import { startTestApp } from "../helpers/app";
import { addStaff, login } from "../helpers/console";
import { writeConversation } from "../helpers/evidence";
import { testDatabaseUrl } from "../support/services";

describe("console: the audit page's API", () => {
  let app: App;
  let url: string;
  let pool: Pool;

  before(async () => {
    ({ app } = await startTestApp(undefined, { roles: ["web"] }));
    url = app.web!.url;
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    await writeConversation(dbFromPool(pool), ["ada buku tentang sejarah Jawa?", "Ada, di rak 900."], {
      ageDays: 3,
    });
    for (
      let i = 0;
      i < 100 && (await chainOnce(dbFromPool(pool), { checkpointEveryMs: 0 })).chained > 0;
      i++
    );
  });
  after(async () => {
    await app?.close();
    await pool?.end();
  });

  async function as(role: "librarian" | "auditor" | "admin") {
    const staff = await addStaff(app, role);
    return { staff, ...(await login(url, staff.username)) };
  }
  const call = (path: string, who: { cookie: string; csrfToken: string } | null, body: object = {}) =>
    fetch(`${url}/api/audit/${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: url,
        ...(who ? { cookie: who.cookie, "x-csrf-token": who.csrfToken } : {}),
      },
      body: JSON.stringify(body),
    });

  it("verify: 401 signed out, 403 for a librarian and without the CSRF token", async () => {
    expect((await call("verify", null)).status).to.equal(401);
    expect((await call("verify", await as("librarian"))).status).to.equal(403);
    const auditor = await as("auditor");
    expect((await call("verify", { cookie: auditor.cookie, csrfToken: "wrong" })).status).to.equal(403);
  });

  it("verify: an auditor (and an admin) get the report, and it is an audit event", async () => {
    for (const role of ["auditor", "admin"] as const) {
      const who = await as(role);
      const res = await call("verify", who);
      expect(res.status, role).to.equal(200);
      const { report } = (await res.json()) as {
        report: { ok: boolean; chainedRows: number; issues: unknown[] };
      };
      expect(report.issues, role).to.deep.equal([]);
      expect(report.ok).to.equal(true);
      expect(report.chainedRows).to.be.greaterThan(1);
      const { rows } = await pool.query(
        `SELECT detail FROM audit_event WHERE action = 'audit.verify' AND actor_id = $1`,
        [String(who.staff.id)],
      );
      expect(rows).to.have.length(1);
      expect(rows[0]!.detail).to.include({ ok: true, findings: 0 });
    }
  });

  it("erase: admins only; 404 for a member nobody is linked to; 400 without one", async () => {
    expect((await call("erase", await as("auditor"), { memberId: "2099999999" })).status).to.equal(403);
    const admin = await as("admin");
    const missing = await call("erase", admin, { memberId: "2099999999" });
    expect(missing.status, await missing.clone().text()).to.equal(404);
    expect((await call("erase", admin, {})).status).to.equal(400);
  });
});
