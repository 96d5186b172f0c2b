/**
 * A Bot API that accepts the connection and never answers: every call of the Telegram adapter
 * fails in bounded time (a transient channel error: egress tries again) instead of holding the
 * conversation's egress drain for ever.
 */
import { expect } from "chai";
import net from "node:net";
import { TelegramChannel } from "../../bot/channels/telegram/adapter";
import { ChannelUnavailableError } from "../../shared/errors";
import { silentLogger } from "../../shared/logger";

describe("Telegram adapter: a Bot API that never answers", function () {
  this.timeout(10_000);
  let server: net.Server;
  const sockets = new Set<net.Socket>();
  let apiRoot: string;

  before(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    apiRoot = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("a send fails within its timeout as a transient error", async () => {
    const channel = new TelegramChannel({
      token: "123456:TEST-token",
      apiRoot,
      mode: "polling",
      logger: silentLogger,
      httpTimeoutMs: 500,
    });
    const started = Date.now();
    let failure: unknown;
    await channel.send({ channel: "telegram", chatId: "1", text: "halo" }).catch((err) => (failure = err));
    expect(failure).to.be.instanceOf(ChannelUnavailableError);
    expect(Date.now() - started).to.be.within(400, 3000);
    await channel.close();
  });
});
