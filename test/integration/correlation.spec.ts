/**
 * One message's log lines share its correlation id across roles: ingress and egress in a bot+web
 * app, the relay in another, each with its own logger, meeting only through PostgreSQL and Redis
 * (as the Procfile's processes do). The id is the inbound row's id; egress reads it from the
 * reply's row (in_reply_to), so nothing but the log carries it.
 */
import { Writable } from "node:stream";
import { expect } from "chai";
import pino from "pino";
import type { App } from "../../main";
import { FakeTelegram } from "../helpers/fake-telegram";
import { chatLog, closeSql, eventually, startTestApp } from "../helpers/app";
import { uniquePrefix } from "../support/services";

type Line = { msg: string; correlationId?: string; pid?: number; [k: string]: unknown };

function capturingLogger(role: string) {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString("utf8").split("\n")) if (l) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { lines, logger: pino({ level: "debug", base: { role } }, stream) };
}

describe("correlation id: one message, one id, in every role's log lines", function () {
  let fake: FakeTelegram;
  const apps: App[] = [];
  const front = capturingLogger("web+bot");
  const relay = capturingLogger("relay");

  before(async () => {
    fake = await FakeTelegram.start();
    const prefix = uniquePrefix("corr");
    apps.push((await startTestApp(fake, { roles: ["relay"], prefix, logger: relay.logger })).app);
    apps.push((await startTestApp(fake, { roles: ["web", "bot"], prefix, logger: front.logger })).app);
  });

  after(async () => {
    for (const app of apps.reverse()) await app.close();
    await fake?.close();
    await closeSql();
  });

  it("ingress, relay and egress log the inbound message's id as correlationId", async () => {
    const chat = 7_320_001;
    fake.sendText(chat, "/jam");
    await fake.waitForSent(1, { chatId: String(chat) });
    const rows = await eventually(async () => {
      const r = await chatLog(chat);
      return r.length === 2 && r[1]!.status === "sent" && r;
    }, "the message and its reply, sent");
    const id = rows[0]!.id;
    expect(rows[1]!.in_reply_to).to.equal(id);

    const mine = (lines: Line[], msg: string) => lines.filter((l) => l.msg === msg && l.correlationId === id);
    await eventually(async () => mine(front.lines, "egress: sent").length === 1, "egress's line");
    expect(mine(front.lines, "ingress: recorded")).to.have.length(1);
    expect(mine(relay.lines, "relay: handled")).to.have.length(1);
    expect(mine(relay.lines, "relay: handled")[0]!.handledBy).to.equal("hours");
    // Each line came from the role's own logger, not a shared one.
    expect(relay.lines.some((l) => l.msg === "ingress: recorded")).to.equal(false);
    expect(front.lines.some((l) => l.msg === "relay: handled")).to.equal(false);
    // A second message gets its own id.
    fake.sendText(chat, "/jam");
    await fake.waitForSent(2, { chatId: String(chat) });
    const second = (await chatLog(chat)).filter((r) => r.direction === "in")[1]!.id;
    expect(second).not.to.equal(id);
    await eventually(
      async () => front.lines.some((l) => l.msg === "egress: sent" && l.correlationId === second),
      "egress's line for the second message",
    );
  });
});
