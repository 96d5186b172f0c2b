/**
 * The WhatsApp adapter's session on its own, with the fake client: pairing (QR in the terminal,
 * or a pairing code for WHATSAPP_PAIRING_PHONE), a browser that will not start retried with
 * growing backoff, send while down ("retry later", nothing lost), refusals, and close().
 */
import { expect } from "chai";
import { PassThrough } from "node:stream";
import { WhatsAppChannel } from "../../bot/channels/whatsapp";
import type { ChannelStatusReport } from "../../shared/channel-status";
import { ChannelRateLimitedError, ChannelRejectedError, ChannelUnavailableError } from "../../shared/errors";
import { silentLogger } from "../../shared/logger";
import { FakeWhatsApp } from "../helpers/fake-whatsapp";
import { eventually } from "../helpers/app";

function adapter(phone: FakeWhatsApp, extra: Partial<ConstructorParameters<typeof WhatsAppChannel>[0]> = {}) {
  const statuses: ChannelStatusReport[] = [];
  const channel = new WhatsAppChannel({
    sessionDir: "/nonexistent",
    chromiumPath: "/usr/bin/chromium",
    pairingPhone: undefined,
    maxPerMinute: 20,
    logger: silentLogger,
    createClient: phone.createClient,
    onStatus: (s) => void statuses.push(s),
    terminal: null,
    reconnectBaseMs: 10,
    reconnectMaxMs: 80,
    retryWhileDownMs: 1234,
    ...extra,
  });
  return { channel, statuses };
}

const noInbound = Object.assign(async () => undefined, {});

describe("WhatsApp adapter: session, pairing, reconnects", () => {
  it("draws the QR in the terminal and reports it for admins", async () => {
    const phone = new FakeWhatsApp();
    const terminal = new PassThrough();
    let drawn = "";
    terminal.on("data", (chunk: Buffer) => (drawn += chunk.toString()));
    const { channel, statuses } = adapter(phone, { terminal });
    await channel.start(noInbound);
    try {
      const client = await phone.initialized(1);
      client.fire("qr", "2@terminal-qr");
      await eventually(async () => drawn.includes("Linked devices"), "the QR in the terminal");
      expect(drawn).to.match(/[▀▄█]/); // drawn with block characters
      expect(statuses.at(-1)).to.deep.equal({ state: "needs_pairing", qr: "2@terminal-qr" });
    } finally {
      await channel.close();
    }
  });

  it("with a pairing phone, asks for a pairing code instead of showing the QR", async () => {
    const phone = new FakeWhatsApp();
    const { channel, statuses } = adapter(phone, { pairingPhone: "6281234567890" });
    await channel.start(noInbound);
    try {
      const client = await phone.initialized(1);
      client.fire("qr", "2@ignored-qr");
      await eventually(async () => statuses.some((s) => s.pairingCode === "ABCD1234"), "the pairing code");
      expect(client.pairingCodeFor).to.equal("6281234567890");
      expect(statuses.filter((s) => s.qr)).to.deep.equal([]);
      client.fire("code", "WXYZ9876"); // refreshed by WhatsApp
      expect(statuses.at(-1)).to.deep.equal({ state: "needs_pairing", pairingCode: "WXYZ9876" });
    } finally {
      await channel.close();
    }
  });

  it("retries a browser that will not start, with growing waits, and recovers", async () => {
    const phone = new FakeWhatsApp();
    phone.failInitialize = new Error("net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/");
    const { channel, statuses } = adapter(phone);
    await channel.start(noInbound);
    try {
      await phone.initialized(4);
      const waits = statuses.filter((s) => s.state === "disconnected").map((s) => s.reconnectInMs);
      expect(waits.slice(0, 3)).to.deep.equal([10, 20, 40]);
      expect(statuses.find((s) => s.state === "disconnected")!.reason).to.contain("ERR_NAME_NOT_RESOLVED");
      expect(phone.clients.slice(0, 3).every((c) => c.destroyed)).to.equal(true);
      phone.failInitialize = undefined;
      const good = await phone.initialized(phone.clients.length + 1);
      good.fire("ready");
      expect(channel.state.state).to.equal("ready");
    } finally {
      await channel.close();
    }
  });

  it("while down, send() says 'retry later' (no attempt used); refusals and failures are told apart", async () => {
    const phone = new FakeWhatsApp();
    const { channel } = adapter(phone);
    await channel.start(noInbound);
    try {
      const out = { channel: "whatsapp" as const, chatId: "6281234567890@c.us", text: "halo" };
      const down = await channel.send(out).catch((e: unknown) => e);
      expect(down).to.be.instanceOf(ChannelRateLimitedError);
      expect((down as ChannelRateLimitedError).retryAfterMs).to.equal(1234);
      const client = await phone.connect(1);
      expect(await channel.send(out))
        .to.have.property("channelMessageId")
        .that.contains("6281234567890@c.us");
      client.failNextSend = new Error("Evaluation failed: Error: wid error: invalid wid");
      expect(await channel.send(out).catch((e: unknown) => e)).to.be.instanceOf(ChannelRejectedError);
      client.failNextSend = new Error("Protocol error (Runtime.callFunctionOn): Target closed.");
      expect(await channel.send(out).catch((e: unknown) => e)).to.be.instanceOf(ChannelUnavailableError);
    } finally {
      await channel.close();
    }
  });

  it("close() is idempotent, destroys the browser, reconnects no more and reports 'stopped'", async () => {
    const phone = new FakeWhatsApp();
    const { channel, statuses } = adapter(phone);
    await channel.start(noInbound);
    const client = await phone.connect(1);
    expect(channel.close()).to.equal(channel.close());
    await channel.close();
    expect(client.destroyed).to.equal(true);
    expect(channel.ready).to.equal(false);
    expect(statuses.at(-1)).to.deep.equal({ state: "stopped" });
    client.fire("disconnected", "NAVIGATION"); // a late event of the closed client
    expect(phone.clients).to.have.length(1);
  });
});
