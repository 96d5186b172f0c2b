/** Section: a burst of `chats × perChat` messages, all available at once; msg/s to the last reply. */
import type { FakeBotApi } from "./processes";
import { measured, printMeasured, type Watched } from "./measure";

export const QUESTION = "jam buka perpustakaan?";

export async function burst(fake: FakeBotApi, w: Watched, chats: number, perChat: number, firstChat: number) {
  const m = await measured(w, () =>
    fake.run({ op: "burst", chats, perChat, text: QUESTION, firstChat, timeoutMs: 300_000 }),
  );
  const r = m.result;
  const perSecond = r.replies / r.seconds;
  console.log(
    `burst: ${r.sent} messages from ${chats} chats → ${r.replies} replies in ${r.seconds.toFixed(2)} s: ${perSecond.toFixed(0)} msg/s`,
  );
  printMeasured(m);
  return { ...m, perSecond };
}
