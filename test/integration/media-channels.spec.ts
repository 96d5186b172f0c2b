/**
 * A librarian's attachment on channels other than Telegram, through the real queues and
 * database: a channel whose capability `attachments` is "link" gets the file's id and metadata
 * and no bytes (it offers its own download link, as the web widget will); a channel that cannot
 * send files gets nothing, and the reply is failed with that reason, visible to the librarian.
 */
import { expect } from "chai";
import type { App } from "../../main";
import type { ChannelCapabilities } from "../../bot/channel";
import type { ConversationSummary } from "../../web/console/events";
import { memoryChannel, type MemoryChannel } from "../helpers/memory-channel";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";
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
const pdf = (tag: string) => Buffer.from(`%PDF-1.4\n% ${tag}\n%%EOF\n`);

function withChannel(
  name: string,
  capabilities: Partial<ChannelCapabilities>,
  body: (ctx: () => Ctx) => void,
) {
  describe(name, function () {
    let ctx: Ctx;
    before(async () => {
      const registered = memoryChannel(capabilities);
      const { app } = await startTestApp(undefined, {
        channels: [registered.descriptor],
        env: { MEMORY_CHANNEL: "on" },
        now: () => MONDAY_MORNING,
      });
      const url = app.web!.url;
      const staff = await addStaff(app, "librarian", "Siti Aminah");
      const session = await login(url, staff.username);
      const socket = await connect(url, { cookie: session.cookie });
      ctx = { app, url, session, socket, memory: registered.channel() };
    });
    after(async () => {
      ctx?.socket.close();
      await ctx?.app.close();
      await closeSql();
    });
    body(() => ctx);
  });
}

interface Ctx {
  app: App;
  url: string;
  session: { cookie: string; csrfToken: string };
  socket: ConsoleClient;
  memory: MemoryChannel;
}

/** A patron of the memory channel asks for a librarian, who claims and replies with a PDF. */
async function replyWithPdf(ctx: Ctx, chatId: string) {
  const waiting = nextEvent(ctx.socket, "conversation:changed", (c) => c.state === "waiting");
  await ctx.memory.say(chatId, "/pustakawan");
  const conversation: ConversationSummary = await waiting;
  expect((await request(ctx.socket, "conversation:claim", conversation.id)).ok).to.equal(true);
  await ctx.memory.waitForSent(chatId, 2);
  const res = await fetch(`${ctx.url}/api/media`, {
    method: "POST",
    headers: {
      "content-type": "application/octet-stream",
      origin: ctx.url,
      cookie: ctx.session.cookie,
      "x-csrf-token": ctx.session.csrfToken,
      "x-file-name": "panduan.pdf",
    },
    body: pdf(chatId),
  });
  const { media } = (await res.json()) as { media: { id: string; sha256: string } };
  await request(ctx.socket, "conversation:open", conversation.id);
  const sent = await request<{ messageId: string }>(ctx.socket, "message:send", {
    conversationId: conversation.id,
    text: "Ini panduannya.",
    clientKey: clientKey(),
    mediaId: media.id,
  });
  expect(sent.ok).to.equal(true);
  return { media, messageId: sent.ok ? sent.messageId : "" };
}

withChannel("media: a channel that sends files as links", { attachments: "link" }, (ctx) => {
  it("gets the attachment's id and metadata, without its bytes", async () => {
    const { media } = await replyWithPdf(ctx(), "link-1");
    const [, , reply] = await ctx().memory.waitForSent("link-1", 3);
    expect(reply!.text).to.equal("Ini panduannya.");
    expect(reply!.attachment).to.deep.equal({
      mediaId: media.id,
      fileName: "panduan.pdf",
      mimeType: "application/pdf",
      sha256: media.sha256,
      size: pdf("link-1").length,
    });
  });
});

withChannel("media: a channel that cannot send files", {}, (ctx) => {
  it("fails the reply with the reason (shown to the librarian) instead of sending it without its file", async () => {
    const status = nextEvent(ctx().socket, "message:status", (u) => u.status === "failed");
    const { messageId } = await replyWithPdf(ctx(), "none-1");
    expect(await status).to.include({ messageId, error: "webchat cannot send files" });
    const [row] = await eventually(
      () =>
        sql<{ status: string; error: string }>(`SELECT status, error FROM message WHERE id = $1`, [
          messageId,
        ]),
      "the reply row",
    );
    expect(row).to.deep.equal({ status: "failed", error: "webchat cannot send files" });
    expect(ctx().memory.sent.filter((m) => m.chatId === "none-1")).to.have.length(2);
  });
});
