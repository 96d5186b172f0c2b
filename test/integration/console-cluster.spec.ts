/**
 * Two web nodes on different ports joined by @socket.io/redis-streams-adapter, with the bot and
 * relay in a third process-like app: events reach librarians on either node, and a librarian
 * whose connection drops and comes back within the recovery window misses nothing.
 */
import { expect } from "chai";
import type { App } from "../../main";
import type { ConversationDetail, MessageRow } from "../../web/console/events";
import { FakeTelegram } from "../helpers/fake-telegram";
import { closeSql, startTestApp } from "../helpers/app";
import { uniquePrefix } from "../support/services";
import {
  addStaff,
  clientKey,
  connect,
  login,
  nextEvent,
  request,
  type ConsoleClient,
} from "../helpers/console";

const MONDAY_MORNING = new Date("2025-12-01T02:00:00Z");

describe("console on two web nodes (Redis Streams adapter)", function () {
  let fake: FakeTelegram;
  let worker: App;
  let webA: App;
  let webB: App;
  const sockets: ConsoleClient[] = [];

  before(async () => {
    fake = await FakeTelegram.start();
    const prefix = uniquePrefix("cluster");
    ({ app: worker } = await startTestApp(fake, {
      roles: ["bot", "relay"],
      prefix,
      now: () => MONDAY_MORNING,
    }));
    ({ app: webA } = await startTestApp(fake, { roles: ["web"], prefix }));
    ({ app: webB } = await startTestApp(fake, { roles: ["web"], prefix }));
  });

  after(async () => {
    for (const s of sockets) s.close();
    await webA?.close();
    await webB?.close();
    await worker?.close();
    await fake?.close();
    await closeSql();
  });

  it("a claim and a reply on node A reach a librarian on node B, live and after a dropped connection", async () => {
    expect(webA.web!.url).to.not.equal(webB.web!.url);
    const siti = await addStaff(webA, "librarian", "Siti");
    const budi = await addStaff(webB, "librarian", "Budi");
    const a = await connect(webA.web!.url, { cookie: (await login(webA.web!.url, siti.username)).cookie });
    const bCookie = (await login(webB.web!.url, budi.username)).cookie;
    const b = await connect(webB.web!.url, { cookie: bCookie });
    sockets.push(a, b);

    // The relay's event is taken by one node and broadcast to both, once.
    const waitingSeenByB: number[] = [];
    b.on("conversation:changed", (c) => c.state === "waiting" && waitingSeenByB.push(c.id));
    const seenOnA = nextEvent(a, "conversation:changed", (c) => c.state === "waiting");
    const seenOnB = nextEvent(b, "conversation:changed", (c) => c.state === "waiting");
    fake.sendText(491_001, "/pustakawan", { first_name: "Dewi" });
    const [waitingA, waitingB] = await Promise.all([seenOnA, seenOnB]);
    expect(waitingA.id).to.equal(waitingB.id);
    const conversationId = waitingA.id;

    // Node A: Siti claims; node B: Budi sees it assigned, opens it (joins its room).
    const claimedOnB = nextEvent(
      b,
      "conversation:changed",
      (c) => c.id === conversationId && c.state === "assigned",
    );
    expect((await request(a, "conversation:claim", conversationId)).ok).to.equal(true);
    expect((await claimedOnB).assignedStaffName).to.equal("Siti");
    expect(waitingSeenByB).to.deep.equal([conversationId]);
    expect((await request<ConversationDetail>(b, "conversation:open", conversationId)).ok).to.equal(true);

    const liveOnB = nextEvent(b, "message:new", (m) => m.text === "Halo Dewi");
    await request(a, "message:send", { conversationId, text: "Halo Dewi", clientKey: clientKey() });
    expect(((await liveOnB) as MessageRow).authorStaffName).to.equal("Siti");

    // Budi's connection drops; meanwhile Siti writes on node A and the patron answers (via the
    // relay's stream); Budi comes back within the window and receives both.
    const reconnecting = await connect(webB.web!.url, { cookie: bCookie });
    sockets.push(reconnecting);
    expect((await request(reconnecting, "conversation:open", conversationId)).ok).to.equal(true);
    const received: string[] = [];
    reconnecting.on("message:new", (m) => received.push(m.text ?? ""));
    const dropped = new Promise((resolve) => reconnecting.once("disconnect", resolve));
    reconnecting.io.engine.close();
    await dropped;
    const patronSeen = nextEvent(a, "message:new", (m) => m.text === "Terima kasih!");
    await request(a, "message:send", { conversationId, text: "Sebentar ya", clientKey: clientKey() });
    fake.sendText(491_001, "Terima kasih!", { first_name: "Dewi" });
    await patronSeen;
    // Only now does it come back (the client offers its session id and last offset).
    const back = new Promise<void>((resolve) => reconnecting.once("connect", () => resolve()));
    reconnecting.connect();
    await back;
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`missed messages: got ${JSON.stringify(received)}`)),
        10_000,
      );
      const check = () => {
        if (received.includes("Sebentar ya") && received.includes("Terima kasih!")) {
          clearTimeout(deadline);
          resolve();
        } else setTimeout(check, 20);
      };
      check();
    });
    expect(reconnecting.recovered).to.equal(true);
  });

  it("a conversation transferred to a librarian while their connection was down reaches them after recovery", async () => {
    const siti = await addStaff(webA, "librarian", "Siti");
    const budi = await addStaff(webB, "librarian", "Budi");
    const a = await connect(webA.web!.url, { cookie: (await login(webA.web!.url, siti.username)).cookie });
    const b = await connect(webB.web!.url, { cookie: (await login(webB.web!.url, budi.username)).cookie });
    sockets.push(a, b);
    const waiting = nextEvent(a, "conversation:changed", (c) => c.state === "waiting");
    fake.sendText(491_002, "/pustakawan", { first_name: "Rina" });
    const conversationId = (await waiting).id;
    expect((await request(a, "conversation:claim", conversationId)).ok).to.equal(true);

    const dropped = new Promise((resolve) => b.once("disconnect", resolve));
    b.io.engine.close();
    await dropped;
    const transferred = await request(a, "conversation:transfer", { conversationId, toStaffId: budi.id });
    expect(transferred.ok).to.equal(true);
    // "hello" comes once the server has set the socket up (rooms joined).
    const back = new Promise<void>((resolve) => b.once("hello", () => resolve()));
    b.connect();
    await back;
    expect(b.recovered).to.equal(true);

    const forBudi = nextEvent(b, "message:new", (m) => m.text === "Untuk Budi");
    fake.sendText(491_002, "Untuk Budi", { first_name: "Rina" });
    expect(((await forBudi) as MessageRow).author).to.equal("patron");
  });
});
