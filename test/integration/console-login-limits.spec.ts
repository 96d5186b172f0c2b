/**
 * Console logins behind a reverse proxy: with TRUST_PROXY the limits count the client's own
 * address (X-Forwarded-For), so one client's failures lock out neither the other clients of the
 * proxy nor the account from elsewhere; without it the header is ignored. Rate-limited attempts
 * are audited in aggregate with a count, and what an anonymous client sends is stored bounded.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { closeSql, sql, startTestApp } from "../helpers/app";
import { addStaff, PASSWORD } from "../helpers/console";

function attempt(url: string, username: string, password: string, forwardedFor?: string) {
  return fetch(`${url}/api/login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: url,
      ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
    },
    body: JSON.stringify({ username, password }),
  });
}

async function auditRows(action: string, address: string) {
  return sql<{ detail: { username: string; address: string; refusedInWindow?: number; limit?: string } }>(
    `SELECT detail FROM audit_event WHERE action = $1 AND detail->>'address' = $2 ORDER BY id`,
    [action, address],
  );
}

describe("console logins behind a reverse proxy", function () {
  const apps: App[] = [];
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await closeSql();
  });
  const start = async (env: Record<string, string>) => {
    const { app } = await startTestApp(undefined, { roles: ["web"], env });
    apps.push(app);
    return app;
  };

  it("TRUST_PROXY=loopback: one client's failures do not lock another client, or the account, out", async () => {
    const app = await start({ TRUST_PROXY: "loopback", STAFF_LOGIN_MAX_PER_15MIN: "3" });
    const url = app.web!.url;
    const admin = await addStaff(app, "admin");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await attempt(url, admin.username, "wrong password!", "203.0.113.5")).status);
    expect(statuses).to.deep.equal([401, 401, 401, 429, 429]);
    // Another client of the same proxy signs in as that account.
    expect((await attempt(url, admin.username, PASSWORD, "203.0.113.6")).status).to.equal(200);
    const failed = await auditRows("staff.login_failed", "203.0.113.5");
    expect(failed).to.have.length(3);
  });

  it("TRUST_PROXY=1: the client is the address the one proxy appended, not what the client wrote", async () => {
    const app = await start({ TRUST_PROXY: "1" });
    const url = app.web!.url;
    expect(
      (await attempt(url, "nobody-hop", "wrong password!", "198.51.100.1, 203.0.113.9")).status,
    ).to.equal(401);
    expect(await auditRows("staff.login_failed", "203.0.113.9")).to.have.length(1);
    expect(await auditRows("staff.login_failed", "198.51.100.1")).to.have.length(0);
  });

  it("without TRUST_PROXY, X-Forwarded-For is ignored: the address is the peer's", async () => {
    const app = await start({ STAFF_LOGIN_MAX_PER_15MIN: "2" });
    const url = app.web!.url;
    const statuses: number[] = [];
    for (const client of ["203.0.113.20", "203.0.113.21", "203.0.113.22"])
      statuses.push((await attempt(url, "nobody-direct", "wrong password!", client)).status);
    expect(statuses).to.deep.equal([401, 401, 429]);
    expect(await auditRows("staff.login_failed", "203.0.113.20")).to.have.length(0);
  });

  it("429s are audited in aggregate (1st, 10th, … with a count), usernames stored bounded", async () => {
    const app = await start({ TRUST_PROXY: "loopback", STAFF_LOGIN_MAX_PER_15MIN: "2" });
    const url = app.web!.url;
    const huge = "x".repeat(4000);
    const statuses: number[] = [];
    for (let i = 0; i < 27; i++)
      statuses.push((await attempt(url, huge, "wrong password!", "203.0.113.30")).status);
    expect(statuses.filter((s) => s === 429)).to.have.length(25);
    const limited = await auditRows("staff.login_limited", "203.0.113.30");
    expect(limited.map((r) => r.detail.refusedInWindow)).to.deep.equal([1, 10]);
    const failed = await auditRows("staff.login_failed", "203.0.113.30");
    expect(failed).to.have.length(2);
    for (const row of [...limited, ...failed]) expect(row.detail.username.length).to.be.at.most(60);
  });
});
