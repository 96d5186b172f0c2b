/**
 * The widget's namespace on its own, in front of a controllable endpoint (the channel's port,
 * shared/webchat.ts) on real Redis: the widget hears "ok" only once the endpoint has recorded
 * the message, "unavailable" when recording failed (the widget sends it again), and nothing is
 * handed over that failed validation or the limits.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Redis } from "ioredis";
import { silentLogger } from "../../shared/logger";
import type { WidgetMessage } from "../../shared/webchat";
import { WidgetLimits } from "../../web/webchat/limits";
import { WidgetSessions } from "../../web/webchat/session";
import { createWidgetIo } from "../../web/webchat/socket";
import { connectWidget, type WidgetClient } from "../helpers/widget";
import { testRedisUrl, uniquePrefix } from "../support/services";

describe("web chat namespace: the ack waits for the record", function () {
  let redis: Redis;
  let http: HttpServer;
  let url: string;
  let widget: WidgetClient;
  const handed: WidgetMessage[] = [];
  let next: { resolve: () => void; reject: (err: Error) => void } | undefined;
  let arrived: (() => void) | undefined;

  before(async () => {
    redis = new Redis(testRedisUrl());
    // Ready before the limits count: a limiter lets through what it cannot count (an outage).
    await redis.ping();
    http = createServer();
    const prefix = uniquePrefix("wc");
    createWidgetIo(http, {
      endpoint: {
        allowedOrigins: [],
        limits: { perSession: 3, perAddress: 100 },
        receive: (message) =>
          new Promise<void>((resolve, reject) => {
            handed.push(message);
            next = { resolve, reject };
            arrived?.();
          }),
      },
      sessions: new WidgetSessions(randomBytes(32)),
      limits: new WidgetLimits(redis, prefix, { perSession: 3, perAddress: 100 }),
      db: { query: async () => ({ rows: [], rowCount: 0 }), transaction: async () => undefined as never },
      trustProxy: false,
      logger: silentLogger,
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    widget = await connectWidget(url);
  });

  after(async () => {
    widget?.close();
    http?.closeAllConnections();
    await new Promise((r) => http?.close(r));
    redis?.disconnect();
  });

  const handedOver = () => new Promise<void>((resolve) => (arrived = resolve));

  it("acknowledges only after the endpoint resolves", async () => {
    let acked = false;
    const waiting = handedOver();
    const ack = widget.send("jam buka").then((r) => {
      acked = true;
      return r;
    });
    await waiting;
    expect(handed.at(-1)).to.deep.include({ kind: "text", text: "jam buka" });
    // Handed over, not yet recorded: a round trip on the same socket comes back first.
    await widget.socket.timeout(5000).emitWithAck("history");
    expect(acked).to.equal(false);
    next!.resolve();
    expect(await ack).to.deep.equal({ ok: true });
  });

  it("answers unavailable when recording failed, so the widget sends it again", async () => {
    const waiting = handedOver();
    const ack = widget.send("halo");
    await waiting;
    next!.reject(new Error("database away"));
    expect(await ack).to.deep.equal({ ok: false, error: "unavailable" });
  });

  it("limits per client address across sessions, and each session on its own", async () => {
    const limits = new WidgetLimits(redis, uniquePrefix("wc-limits"), { perSession: 2, perAddress: 3 });
    const take = (session: string, address: string) => limits.take(session, address);
    expect(await take("s1", "10.0.0.1")).to.equal(0);
    expect(await take("s1", "10.0.0.1")).to.equal(0);
    expect(await take("s1", "10.0.0.1")).to.be.above(0); // the session's 2 spent
    expect(await take("s2", "10.0.0.1")).to.equal(0); // the address's 3rd
    expect(await take("s3", "10.0.0.1")).to.be.above(0); // a new session, the same address: spent
    expect(await take("s4", "10.0.0.2")).to.equal(0); // another address is not limited by it
  });

  it("hands over nothing that is invalid or over the limit", async () => {
    const before = handed.length;
    expect(await widget.send("   ")).to.deep.equal({ ok: false, error: "invalid" });
    expect(await widget.send("x".repeat(65), "callback")).to.deep.equal({ ok: false, error: "too_long" });
    // 2 of the session's 3 were spent above; one more goes, the next is refused.
    const waiting = handedOver();
    const ack = widget.send("satu");
    await waiting;
    next!.resolve();
    expect((await ack).ok).to.equal(true);
    const refused = await widget.send("dua");
    expect(refused).to.deep.include({ ok: false, error: "rate_limited" });
    expect(handed.length).to.equal(before + 1);
  });
});
