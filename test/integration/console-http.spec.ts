/**
 * The web role's HTTP surface, answer by answer (kept the same across the move to Fastify):
 * the page's files and their headers, what is not served, the API's refusals in their order
 * (Origin, session, CSRF, then the body), /healthz, unknown paths.
 */
import { expect } from "chai";
import type { App } from "../../main";
import { addStaff, login } from "../helpers/console";
import { startTestApp } from "../helpers/app";

describe("web role HTTP surface", () => {
  let app: App;
  let url: string;

  before(async () => {
    ({ app } = await startTestApp(undefined, { roles: ["web"] }));
    url = app.web!.url;
  });

  after(async () => {
    await app?.close();
  });

  const json = { "content-type": "application/json" };

  it("serves the page at / and its stylesheet and script with their types, no-cache and helmet's headers", async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).to.equal("no-cache");
    expect(page.headers.get("x-content-type-options")).to.equal("nosniff");
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).to.contain("script-src 'self'").and.not.contain("unsafe-inline");
    const html = await page.text();
    const css = await fetch(`${url}/console.css`);
    expect(css.status).to.equal(200);
    expect(css.headers.get("content-type")).to.equal("text/css; charset=utf-8");
    // Whatever script of ours the page names is served as JavaScript.
    const script = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)]
      .map((m) => m[1]!)
      .find((src) => !src.startsWith("/socket.io/"))!;
    const js = await fetch(`${url}${script}`);
    expect(js.status).to.equal(200);
    expect(js.headers.get("content-type")).to.equal("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).to.equal("no-cache");
    const head = await fetch(`${url}/`, { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(await head.text()).to.equal("");
  });

  it("serves nothing else: other files, directories, traversal and unknown paths are a plain 404", async () => {
    for (const path of ["/index.html", "/tsconfig.json", "/js/", "/js", "/..%2fserver.ts", "/nope", "/api"]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).to.equal(404);
      expect(res.headers.get("x-content-type-options"), path).to.equal("nosniff");
    }
    const unknown = await fetch(`${url}/nope`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "<x/>",
    });
    expect(unknown.status).to.equal(404);
    expect(await unknown.text()).to.equal("Not found\n");
  });

  it("answers 405 to a page with another method", async () => {
    const res = await fetch(`${url}/`, { method: "POST", body: "x" });
    expect(res.status).to.equal(405);
    expect(await res.json()).to.deep.equal({ error: "method not allowed" });
  });

  it("the API: unknown paths 404 (JSON, helmet, no-store), other methods 405", async () => {
    const res = await fetch(`${url}/api/nope`);
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({ error: "not found" });
    expect(res.headers.get("content-type")).to.equal("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).to.equal("no-store");
    expect(res.headers.get("content-security-policy")).to.contain("script-src 'self'");
    for (const method of ["PUT", "DELETE", "HEAD"]) {
      expect((await fetch(`${url}/api/session`, { method })).status, method).to.equal(405);
    }
    expect((await fetch(`${url}/api/session`)).status).to.equal(401);
    // An unknown POST passes the same guards as a known one.
    expect((await fetch(`${url}/api/nope`, { method: "POST", headers: json, body: "{}" })).status).to.equal(
      403,
    );
  });

  it("login: Origin first, then the body (415 not JSON, 413 too large, 400 malformed or missing fields)", async () => {
    const attempt = (headers: Record<string, string>, body?: string) =>
      fetch(`${url}/api/login`, { method: "POST", headers, ...(body === undefined ? {} : { body }) });
    const origin = { origin: url };
    expect((await attempt({ ...json, origin: "https://evil.example" }, "{")).status).to.equal(403);
    const notJson = await attempt({ ...origin, "content-type": "text/plain" }, "{}");
    expect(notJson.status).to.equal(415);
    expect(await notJson.json()).to.deep.equal({ error: "expected application/json" });
    expect((await attempt(origin)).status).to.equal(415);
    const large = await attempt({ ...origin, ...json }, JSON.stringify({ username: "x".repeat(5000) }));
    expect(large.status).to.equal(413);
    expect(await large.json()).to.deep.equal({ error: "request body too large" });
    for (const body of ["{", "[1]", "null"]) {
      const res = await attempt({ ...origin, ...json }, body);
      expect(res.status, body).to.equal(400);
      expect(await res.json(), body).to.deep.equal({ error: "malformed JSON" });
    }
    const empty = await attempt({ ...origin, ...json }, "");
    expect(empty.status).to.equal(400);
    expect(await empty.json()).to.deep.equal({ error: "username and password are required" });
  });

  it("a signed-in POST: session (401) and CSRF (403) before the body; the store's message on invalid input", async () => {
    const admin = await addStaff(app, "admin");
    const { cookie, csrfToken } = await login(url, admin.username);
    const call = (path: string, headers: Record<string, string>, body?: string) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { origin: url, ...headers },
        ...(body === undefined ? {} : { body }),
      });
    expect((await call("/api/staff", { "content-type": "text/plain" }, "x")).status).to.equal(401);
    expect((await call("/api/staff", { cookie, "content-type": "text/plain" }, "x")).status).to.equal(403);
    const auth = { cookie, "x-csrf-token": csrfToken };
    expect((await call("/api/staff", { ...auth, "content-type": "text/plain" }, "x")).status).to.equal(415);
    const invalid = await call(
      "/api/staff",
      { ...auth, ...json },
      JSON.stringify({ username: "A B", displayName: "X", role: "librarian", password: "long enough pw" }),
    );
    expect(invalid.status).to.equal(400);
    expect(((await invalid.json()) as { error: string }).error).to.match(/^username: /);
    const role = await call("/api/staff", { ...auth, ...json }, JSON.stringify({ role: "king" }));
    expect(await role.json()).to.deep.equal({ error: "unknown role" });
    const missing = await call(
      "/api/staff/password",
      { ...auth, ...json },
      JSON.stringify({ username: "nobody-x", password: "long enough pw" }),
    );
    expect(missing.status).to.equal(404);
    expect(
      (await call("/api/canned/delete", { ...auth, ...json }, JSON.stringify({ id: 999999 }))).status,
    ).to.equal(404);
  });

  it("/healthz answers GET and HEAD with JSON and no-store", async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("application/json");
    expect(res.headers.get("cache-control")).to.equal("no-store");
    expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(((await res.json()) as { ok: boolean }).ok).to.equal(true);
    const head = await fetch(`${url}/healthz`, { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(await head.text()).to.equal("");
    expect((await fetch(`${url}/healthz`, { method: "POST" })).status).to.equal(404);
  });
});
