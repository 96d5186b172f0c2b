/**
 * The fake Telegram Bot API in its own process (so its CPU is not the system's), driven over IPC
 * by bench/index.ts. It times each patron message from "update available" (pushed to the fake's
 * queue, a waiting getUpdates answered) to "sendMessage received" with performance.now().
 *
 * Messages: {op:"burst", chats, perChat, text} → all at once; {op:"rate", perSecond, count, text}
 * → one message each from fresh chats, open loop; both answer {op:"done", ...} when every reply
 * arrived or `timeoutMs` passed. {op:"offer", chats, count, perSecond, text} → `count` messages
 * "<text> <k>" round robin from the given chats at a fixed rate, answered {op:"done"} once all
 * were offered (for the console fan-out: messages to librarians get no bot reply).
 */
import { performance } from "node:perf_hooks";
import { FakeTelegram } from "../test/helpers/fake-telegram";

type Command =
  | { op: "burst"; chats: number; perChat: number; text: string; firstChat: number; timeoutMs: number }
  | { op: "rate"; perSecond: number; count: number; text: string; firstChat: number; timeoutMs: number }
  | { op: "offer"; chats: number[]; count: number; perSecond: number; text: string }
  | { op: "stop" };

const send = (m: unknown) => process.send!(m);

async function main() {
  const fake = await FakeTelegram.start();
  const availableAt = new Map<string, number[]>(); // chat → times its messages became available
  const latencies: number[] = [];
  let replies = 0;
  let lastReplyAt = 0;
  // Record the arrival of each reply as the fake stores it (the fake has no hook; its array does).
  const sent = (fake as unknown as { sent: Array<{ chatId: string }> }).sent;
  sent.push = function (...items: Array<{ chatId: string }>) {
    const now = performance.now();
    for (const item of items) {
      replies++;
      lastReplyAt = now;
      const queue = availableAt.get(item.chatId);
      const t = queue?.shift();
      if (t !== undefined) latencies.push(now - t);
    }
    return Array.prototype.push.apply(this, items);
  };

  const offer = (chat: number, text: string) => {
    const key = String(chat);
    let q = availableAt.get(key);
    if (!q) availableAt.set(key, (q = []));
    q.push(performance.now());
    fake.sendText(chat, text, { first_name: "Bench", language_code: "id" });
  };

  async function until(expected: number, timeoutMs: number) {
    const deadline = performance.now() + timeoutMs;
    while (replies < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  }

  process.on("message", async (cmd: Command) => {
    if (cmd.op === "stop") {
      await fake.close();
      process.exit(0);
    }
    replies = 0;
    latencies.length = 0;
    availableAt.clear();
    // The previous command's replies are counted: the fake need not keep them (its heap would grow with the soak).
    fake.forgetHistory();
    const start = performance.now();
    if (cmd.op === "offer") {
      await openLoop(cmd.count, cmd.perSecond, start, (k) =>
        fake.sendText(cmd.chats[k % cmd.chats.length]!, `${cmd.text} ${k}`, {
          first_name: "Bench",
          language_code: "id",
        }),
      );
      send({
        op: "done",
        sent: cmd.count,
        replies: 0,
        seconds: (performance.now() - start) / 1000,
        latencies: [],
      });
      return;
    }
    let total: number;
    if (cmd.op === "burst") {
      total = cmd.chats * cmd.perChat;
      for (let i = 0; i < cmd.perChat; i++)
        for (let c = 0; c < cmd.chats; c++) offer(cmd.firstChat + c, cmd.text);
    } else {
      total = cmd.count;
      const first = cmd.firstChat;
      await openLoop(cmd.count, cmd.perSecond, start, (k) => offer(first + k, cmd.text));
    }
    await until(total, cmd.timeoutMs);
    send({ op: "done", sent: total, replies, seconds: (lastReplyAt - start) / 1000, latencies });
  });
  send({ op: "ready", token: fake.token, apiRoot: fake.apiRoot, pid: process.pid });
}

/** Open loop: message k is due at start + k·interval, whatever the system does meanwhile. */
async function openLoop(count: number, perSecond: number, start: number, offerOne: (k: number) => void) {
  const interval = 1000 / perSecond;
  for (let k = 0; k < count;) {
    const due = start + k * interval;
    const now = performance.now();
    if (now >= due) {
      offerOne(k);
      k++;
    } else if (due - now > 2) await new Promise((r) => setTimeout(r, 1));
    else await new Promise((r) => setImmediate(r));
  }
}

void main();
