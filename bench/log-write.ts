/**
 * What one message-log write costs: the hot-path write we chose (MessageLog.recordInbound: one
 * raw SQL statement that bumps the conversation's sequence and inserts the row) against the
 * TypeORM Repository.save() way of doing the same (read conversation, save it, save message).
 * Prints medians over rounds, measured in this one run. Not a test: figures, not pass/fail.
 *
 *   npm run bench            (BENCH_MESSAGES=2000 BENCH_ROUNDS=5 by default)
 *
 * Uses a throwaway database on the local PostgreSQL (BENCH_PG_ADMIN_URL), dropped at the end.
 */
import "reflect-metadata";
import { Client } from "pg";
import { createDataSource } from "../ormconfig";
import { dbFromDataSource } from "../shared/db";
import { Conversation, Message } from "../shared/entities";
import type { InboundMessage } from "../shared/envelope";
import { MessageLog } from "../shared/log/message-log";

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = 50;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function envelope(chat: number, i: number, round: string): InboundMessage {
  return {
    channel: "telegram",
    key: `${round}:${chat}:${i}`,
    chatId: `${round}-${chat}`,
    chat: { type: "private" },
    sender: { id: `${round}-${chat}`, displayName: "Bench Patron", languageCode: "id" },
    kind: "text",
    text: `jam buka perpustakaan? #${i}`,
    sentAt: new Date().toISOString(),
    meta: { chatType: "private", messageId: i },
  };
}

async function main() {
  const database = `pustaka_bench_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const ds = createDataSource(url.toString(), { poolSize: CONCURRENCY });
  try {
    await ds.initialize();
    await ds.runMigrations();
    const messageLog = new MessageLog(dbFromDataSource(ds));
    const conversations = ds.getRepository(Conversation);
    const messages = ds.getRepository(Message);
    const chats = 100;

    const perMessage = { raw: [] as number[], save: [] as number[], rawConcurrent: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // Warm each path's statements and patron cache the same way before timing.
      await messageLog.recordInbound(envelope(0, 0, `w${round}`));

      let t = process.hrtime.bigint();
      for (let i = 0; i < MESSAGES; i++) await messageLog.recordInbound(envelope(i % chats, i, `r${round}`));
      perMessage.raw.push(Number(process.hrtime.bigint() - t) / 1000 / MESSAGES);

      // The same write through the ORM: the conversation row (find + save to bump its
      // sequence) and the message row (save), each save its own BEGIN/INSERT/COMMIT.
      const seeded = await Promise.all(
        Array.from({ length: chats }, (_, c) => messageLog.recordInbound(envelope(c, -1, `s${round}`))),
      );
      t = process.hrtime.bigint();
      for (let i = 0; i < MESSAGES; i++) {
        const conversation = await conversations.findOneByOrFail({ id: seeded[i % chats]!.conversationId });
        conversation.lastSeq += 1;
        conversation.lastMessageAt = new Date();
        await conversations.save(conversation);
        await messages.save(
          messages.create({
            conversationId: conversation.id,
            seq: conversation.lastSeq,
            direction: "in",
            author: "patron",
            kind: "text",
            text: `jam buka perpustakaan? #${i}`,
            meta: { chatType: "private", messageId: i },
            channel: "telegram",
            channelKey: `save${round}:${i}`,
            status: "received",
            createdAt: new Date(),
            statusAt: new Date(),
          }),
        );
      }
      perMessage.save.push(Number(process.hrtime.bigint() - t) / 1000 / MESSAGES);

      // Throughput shape: many chats writing at once, as the ingress does under a burst.
      t = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < MESSAGES; i = next++)
            await messageLog.recordInbound(envelope(i % chats, i, `c${round}`));
        }),
      );
      perMessage.rawConcurrent.push(Number(process.hrtime.bigint() - t) / 1000 / MESSAGES);
    }

    const raw = median(perMessage.raw);
    const save = median(perMessage.save);
    const conc = median(perMessage.rawConcurrent);
    const pgVersion = (await ds.query(`SHOW server_version`))[0].server_version;
    console.log(
      `message-log write, ${MESSAGES} messages × ${ROUNDS} rounds, PostgreSQL ${pgVersion}, Node ${process.version}`,
    );
    console.log(
      `  chosen: recordInbound (1 raw statement), sequential : median ${raw.toFixed(0)} µs/message (${(1e6 / raw).toFixed(0)} msg/s)`,
    );
    console.log(
      `  TypeORM find + save + save, sequential            : median ${save.toFixed(0)} µs/message (${(1e6 / save).toFixed(0)} msg/s)`,
    );
    console.log(
      `  chosen, ${CONCURRENCY} writers at once                     : median ${conc.toFixed(0)} µs/message (${(1e6 / conc).toFixed(0)} msg/s)`,
    );
    console.log(`  ratio save/chosen (sequential): ${(save / raw).toFixed(2)}×`);
    console.log(`  rounds (µs/message) chosen: ${perMessage.raw.map((x) => x.toFixed(0)).join(", ")}`);
    console.log(`  rounds (µs/message) save  : ${perMessage.save.map((x) => x.toFixed(0)).join(", ")}`);
  } finally {
    await ds.destroy().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
