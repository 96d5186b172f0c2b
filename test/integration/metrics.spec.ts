/**
 * /metrics after messages pass through the real pipeline (fake Telegram Bot API, PostgreSQL,
 * BullMQ on Redis): counters moved, the end-to-end histogram has a sample, the scrape-time
 * readings are there, and no patron data is in the text. Who may read it (METRICS_TOKEN), and
 * the METRICS_PORT listener: on HOST (127.0.0.1) only, gone after close().
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { networkInterfaces } from "node:os";
import { expect } from "chai";
import type { App } from "../../main";
import { loadConfig } from "../../shared/config";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, eventually, startTestApp } from "../helpers/app";
import { metricValue } from "../helpers/prometheus-text";

const TOKEN = "metrics-test-token-0123456789";

async function scrape(
  url: string,
  token: string | undefined = TOKEN,
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, text: await res.text() };
}

describe("metrics: /metrics on the web role and on METRICS_PORT", function () {
  let fake: FakeTelegram;
  let app: App;
  let chat = 7_310_000;

  before(async () => {
    fake = await FakeTelegram.start();
    ({ app } = await startTestApp(fake, { env: { METRICS_PORT: "0", METRICS_TOKEN: TOKEN } }));
  });

  after(async () => {
    await app?.close();
    await fake?.close();
    await closeSql();
  });

  it("counts a message through the pipeline: recorded, handled, jobs, sent, latency; no patron data in it", async () => {
    const before = (await scrape(app.metricsUrl!)).text;
    const id = ++chat;
    const secretWords = "jam buka perpustakaan Kuningan-rahasia?";
    fake.sendText(id, secretWords, { first_name: "Sulastri", last_name: "Wijayakusuma" });
    await fake.waitForSent(1, { chatId: String(id) });
    // An update with no chat at all: dead-lettered, counted.
    fake.pushUpdate({ poll: { id: "p-metrics", question: "?", options: [] } });

    const delta = (text: string, name: string, labels: Record<string, string>) =>
      (metricValue(text, name, labels) || 0) - (metricValue(before, name, labels) || 0);
    const after = await eventually(async () => {
      const { text } = await scrape(app.metricsUrl!);
      return delta(text, "pustaka_sends_total", { channel: "telegram", status: "sent" }) >= 1 &&
        delta(text, "pustaka_dead_letters_total", { channel: "telegram", reason: "unreadable" }) >= 1
        ? text
        : undefined;
    }, "the send and the dead letter counted");

    expect(delta(after, "pustaka_inbound_recorded_total", { channel: "telegram", outcome: "new" })).to.equal(
      1,
    );
    expect(
      delta(after, "pustaka_inbound_handled_total", { channel: "telegram", handled_by: "hours" }),
    ).to.equal(1);
    expect(delta(after, "pustaka_jobs_total", { queue: "inbound", result: "completed" })).to.be.at.least(1);
    expect(
      delta(after, "pustaka_jobs_total", { queue: "outbound-telegram", result: "completed" }),
    ).to.be.at.least(1);
    // The reply's latency, recorded → sent: one sample, and a plausible one (well under the test's own time).
    expect(delta(after, "pustaka_end_to_end_seconds_count", { channel: "telegram" })).to.equal(1);
    const seconds = delta(after, "pustaka_end_to_end_seconds_sum", { channel: "telegram" });
    expect(seconds).to.be.greaterThan(0).and.lessThan(10);

    // Scrape-time readings.
    expect(metricValue(after, "pustaka_db_pool_connections", { state: "total" })).to.be.at.least(1);
    expect(metricValue(after, "pustaka_redis_up")).to.equal(1);
    expect(metricValue(after, "pustaka_queue_jobs", { queue: "inbound", state: "waiting" })).to.be.at.least(
      0,
    );
    expect(
      metricValue(after, "pustaka_queue_jobs", { queue: "outbound-telegram", state: "failed" }),
    ).to.be.at.least(0);
    expect(
      metricValue(after, "pustaka_backlog_messages", { direction: "in", channel: "all" }),
    ).to.be.at.least(0);
    expect(metricValue(after, "pustaka_websocket_clients", { server: "console" })).to.equal(0);
    for (const probe of ["queues", "backlog"])
      expect(metricValue(after, "pustaka_probe_up", { probe })).to.equal(1);
    expect(metricValue(after, "pustaka_process_resident_memory_bytes")).to.be.greaterThan(0);

    // Every metric the Grafana dashboard (docs/) draws is in the exposition under that name
    const dashboard = JSON.parse(
      readFileSync(join(__dirname, "../../docs/grafana-dashboard.json"), "utf8"),
    ) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const drawn = new Set(
      dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/pustaka_\w+/g) ?? [])),
    );
    expect(drawn.size).to.be.at.least(12);
    // (declared, that is: a labelled counter has no series until it first counts)
    for (const name of drawn)
      expect(after, name).to.match(new RegExp(`^# TYPE ${name.replace(/_(bucket|sum|count)$/, "")} `, "m"));

    // Traffic volume, never a patron: no chat id, name or text anywhere in the exposition.
    // (Everything but the sample values: a number such as RSS may contain the chat id's digits.)
    const words = after.replace(/ [-+\d.e]+$/gm, "").replace(/\bInf\b|NaN/g, "");
    for (const patronData of [String(id), "Sulastri", "Wijayakusuma", "Kuningan-rahasia", "p-metrics"])
      expect(words, patronData).not.to.contain(patronData);
  });

  it("counts a 429 from the channel, the wait it paced, and the send that followed it", async () => {
    const before = (await scrape(app.metricsUrl!)).text;
    const id = ++chat;
    fake.failNext("sendMessage", { status: 429, retryAfter: 1 });
    fake.sendText(id, "/jam");
    await fake.waitForSent(1, { chatId: String(id) });
    const after = await eventually(async () => {
      const { text } = await scrape(app.metricsUrl!);
      const sent = metricValue(text, "pustaka_sends_total", { channel: "telegram", status: "sent" });
      return (
        sent > metricValue(before, "pustaka_sends_total", { channel: "telegram", status: "sent" }) && text
      );
    }, "the send counted");
    const limited = (t: string) =>
      metricValue(t, "pustaka_channel_rate_limited_total", { channel: "telegram" }) || 0;
    expect(limited(after) - limited(before)).to.equal(1);
    // retry_after 1 s is longer than a drain waits in its slot: the drain went to the delayed set.
    const paced = (t: string) => metricValue(t, "pustaka_sends_paced_total", { channel: "telegram" }) || 0;
    expect(paced(after) - paced(before)).to.be.at.least(1);
  });

  it("the web role's port serves /metrics only with the bearer token", async () => {
    const url = `${app.web!.url}/metrics`;
    const ok = await scrape(url);
    expect(ok.status).to.equal(200);
    expect(ok.text).to.contain("pustaka_sends_total");
    const none = await fetch(url);
    expect(none.status).to.equal(401);
    expect(none.headers.get("www-authenticate")).to.contain("Bearer");
    expect(await none.text()).to.equal("");
    expect((await scrape(url, `${TOKEN}x`)).status).to.equal(401);
    expect((await scrape(url, TOKEN.slice(0, -1))).status).to.equal(401);
    const basic = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` },
    });
    expect(basic.status).to.equal(401);
    // The METRICS_PORT listener asks for the same token.
    expect((await scrape(app.metricsUrl!, "")).status).to.equal(401);
    // It serves nothing else.
    expect((await fetch(app.metricsUrl!.replace("/metrics", "/healthz"))).status).to.equal(404);
  });
});

describe("metrics: without METRICS_TOKEN, and the listener's lifetime", function () {
  it("without a token the web port has no /metrics; METRICS_PORT binds 127.0.0.1 only, open, closed by close()", async () => {
    const { app } = await startTestApp(undefined, { env: { METRICS_PORT: "0" } });
    let closed = false;
    try {
      expect((await fetch(`${app.web!.url}/metrics`)).status).to.equal(404);
      const url = new URL(app.metricsUrl!);
      expect(url.hostname).to.equal("127.0.0.1");
      const open = await scrape(app.metricsUrl!, "");
      expect(open.status).to.equal(200);
      expect(open.text).to.contain("pustaka_db_pool_connections");
      // Not reachable on this machine's other addresses.
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === "IPv4" && !a.internal)
        .map((a) => a!.address);
      for (const address of others)
        expect(await connects(address, Number(url.port)), address).to.equal(false);
      await app.close();
      closed = true;
      await app.close(); // idempotent
      expect(await connects("127.0.0.1", Number(url.port))).to.equal(false);
    } finally {
      if (!closed) await app.close();
    }
  });

  it("a relay process listens only when METRICS_PORT is set, and serves its own counters there", async () => {
    const quiet = await startTestApp(undefined, { roles: ["relay"] });
    try {
      expect(quiet.app.metricsUrl).to.equal(undefined);
      expect(quiet.app.web).to.equal(undefined);
    } finally {
      await quiet.app.close();
    }
    const { app } = await startTestApp(undefined, { roles: ["relay"], env: { METRICS_PORT: "0" } });
    try {
      const { status, text } = await scrape(app.metricsUrl!, "");
      expect(status).to.equal(200);
      expect(text).to.contain("# TYPE pustaka_jobs_total counter");
      expect(metricValue(text, "pustaka_queue_jobs", { queue: "inbound", state: "active" })).to.be.at.least(
        0,
      );
    } finally {
      await app.close();
    }
  });

  it("a bad METRICS_PORT or METRICS_TOKEN is a configuration error naming the variable", async () => {
    expect(() => loadConfig({ METRICS_PORT: "70000" })).to.throw(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS_PORT: "abc" })).to.throw(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).to.throw(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_PORT: "", METRICS_TOKEN: "" }).metrics).to.deep.equal({
      port: undefined,
      token: undefined,
    });
  });
});

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
