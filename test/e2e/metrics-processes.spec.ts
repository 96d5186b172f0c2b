/**
 * The Procfile's split as real processes: `web bot` and `relay`, each with its own /metrics and
 * its own logs. One message's log lines share its correlation id across the two processes, and
 * each process counts what it did (the relay's listener is METRICS_PORT, on 127.0.0.1).
 */
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { expect } from "chai";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually } from "../helpers/app";
import { metricValue } from "../helpers/prometheus-text";
import { freePort, runService, type Running, killAll } from "../helpers/process";
import { testDatabaseUrl, testRedisUrl, uniquePrefix } from "../support/services";

type Line = { msg?: string; correlationId?: string; pid?: number; handledBy?: string };

const lines = (r: Running): Line[] =>
  r
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);

describe("metrics and correlation ids across real processes (web+bot, relay)", function () {
  this.timeout(120_000);
  let fake: FakeTelegram;
  const running: Running[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
  });

  after(async () => {
    await killAll(running);
    await fake?.close();
    await closeSql();
  });

  it("one message: its id on the lines of both processes, each process's /metrics counts its part", async () => {
    const [webPort, relayMetricsPort] = [await freePort(), await freePort()];
    const token = randomBytes(18).toString("hex");
    const env = {
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniquePrefix("mproc"),
      SECRET_BOX_KEY: randomBytes(32).toString("base64"),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      WEBCHAT_ENABLED: "false",
      METRICS_TOKEN: token,
      LOG_LEVEL: "debug",
    };
    const front = runService(["web", "bot"], { ...env, PORT: String(webPort) });
    const relay = runService(["relay"], { ...env, METRICS_PORT: String(relayMetricsPort) });
    running.push(front, relay);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const webMetrics = `http://127.0.0.1:${webPort}/metrics`;
    const relayMetrics = `http://127.0.0.1:${relayMetricsPort}/metrics`;
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${webPort}/healthz`)).status === 200,
      `web+bot healthy\n${front.output()}`,
      60_000,
    );
    await eventually(
      async () => (await fetch(relayMetrics, auth)).status === 200,
      `relay's metrics\n${relay.output()}`,
      60_000,
    );

    const chatId = 7_330_001;
    fake.sendText(chatId, "/jam");
    await fake.waitForSent(1, { chatId: String(chatId), timeoutMs: 30_000 });
    const id = (await chatLog(chatId))[0]!.id;

    const mine = (r: Running, msg: string) => lines(r).filter((l) => l.msg === msg && l.correlationId === id);
    await eventually(async () => mine(front, "egress: sent").length === 1, "egress's line");
    expect(mine(front, "ingress: recorded")).to.have.length(1);
    expect(mine(relay, "relay: handled")).to.have.length(1);
    expect(mine(relay, "relay: handled")[0]!.handledBy).to.equal("hours");
    expect(mine(relay, "relay: handled")[0]!.pid).to.equal(relay.child.pid);
    expect(mine(front, "egress: sent")[0]!.pid).to.equal(front.child.pid);

    // Each process counts its own part.
    const frontText = await eventually(async () => {
      const t = await (await fetch(webMetrics, auth)).text();
      return metricValue(t, "pustaka_sends_total", { channel: "telegram", status: "sent" }) === 1 && t;
    }, "web+bot counted the send");
    expect(
      metricValue(frontText, "pustaka_inbound_recorded_total", { channel: "telegram", outcome: "new" }),
    ).to.equal(1);
    expect(metricValue(frontText, "pustaka_end_to_end_seconds_count", { channel: "telegram" })).to.equal(1);
    expect(metricValue(frontText, "pustaka_inbound_handled_total", { channel: "telegram" })).to.satisfy(
      Number.isNaN,
    );
    const relayText = await (await fetch(relayMetrics, auth)).text();
    expect(
      metricValue(relayText, "pustaka_inbound_handled_total", { channel: "telegram", handled_by: "hours" }),
    ).to.equal(1);
    expect(metricValue(relayText, "pustaka_sends_total", { channel: "telegram", status: "sent" })).to.satisfy(
      Number.isNaN,
    );
    expect((await fetch(relayMetrics)).status).to.equal(401);

    front.child.kill("SIGTERM");
    relay.child.kill("SIGTERM");
    expect(await front.exited).to.equal(0);
    expect(await relay.exited).to.equal(0);
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port: relayMetricsPort });
      s.once("connect", () => (s.destroy(), resolve(false)));
      s.once("error", () => resolve(true));
    });
    expect(refused, "the relay's metrics port is closed").to.equal(true);
  });
});
