/**
 * The FAQ on a channel without buttons (WhatsApp, the web chat): the 👍/👎 under an answer are
 * numbered lines, and a patron who types "2" has rated it 👎 (docs/faq.md).
 */
import { expect } from "chai";
import { Pool } from "pg";
import type { App } from "../../main";
import { CHANNEL_DESCRIPTORS } from "../../bot/channels";
import { dbFromPool } from "../../shared/db";
import { FaqStore } from "../../shared/faq/store";
import { memoryChannel, type MemoryChannel } from "../helpers/memory-channel";
import { closeSql, eventually, sql, startTestApp } from "../helpers/app";
import { testDatabaseUrl } from "../support/services";

describe("FAQ on a channel without buttons: numbered 👍/👎, a typed number rates", function () {
  this.timeout(30_000);
  let app: App;
  let memory: MemoryChannel;
  let pool: Pool;

  before(async () => {
    const registered = memoryChannel();
    ({ app } = await startTestApp(undefined, {
      channels: [...CHANNEL_DESCRIPTORS.filter((d) => d.name !== "webchat"), registered.descriptor],
      env: { MEMORY_CHANNEL: "on" },
    }));
    memory = registered.channel();
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
  });
  after(async () => {
    await app?.close();
    await pool?.end();
    await closeSql();
  });

  it('answers "gmn cara akses jurnal online?" with numbered 👍/👎, and "2" is a 👎 of that version', async () => {
    const entry = (await new FaqStore(dbFromPool(pool)).bySlug("e-journal"))!;
    const chat = "faq-wc-1";
    await memory.say(chat, "gmn cara akses jurnal online?");
    const [answer] = await memory.waitForSent(chat, 1);
    expect(answer!.text).to.equal(`${entry.content.id.answer}\n\n1. 👍\n2. 👎`);
    await memory.say(chat, "2");
    await memory.waitForSent(chat, 2);
    const ratings = await eventually(
      () =>
        sql<{ rating: number; version: number }>(
          `SELECT r.rating, r.version FROM faq_rating r JOIN conversation c ON c.id = r.conversation_id
           WHERE c.channel = 'webchat' AND c.chat_id = $1`,
          [chat],
        ).then((rows) => rows.length > 0 && rows),
      "the rating stored",
    );
    expect(ratings).to.deep.equal([{ rating: -1, version: entry.version }]);
  });
});
