/**
 * Retention and erasure (issue 13, UU 27/2022; docs/audit.md "Retention"): personal data in old
 * rows is anonymised while the statistics stay (counts, kinds, directions, authors, timestamps,
 * which answer handled a message, handoffs and audit events) and audit:verify keeps passing (the
 * chains hold a commitment to the content, not the content; the salt is erased with the text).
 *
 * What goes: message text, meta beyond a few neutral keys (a shared contact's phone, a location,
 * file names), the channel's key of a message (a WhatsApp key holds the phone number); and, for a
 * patron with no activity since the cut-off (or erased on request), the display name and the
 * channel identities and chat ids (a WhatsApp id is the phone number). What stays: the member ID
 * link of a patron still active; `media` bytes (append-only, not yet erased: docs/audit.md).
 *
 * Both are audit events (`retention_anonymised`, `member_erased`). The message UPDATE is the one
 * the append-only trigger allows inside `anonymise_messages()` (migration 1765100000000).
 */
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { recordAudit } from "../audit";
import type { Db, Sql } from "../db";
import { errorMessage } from "../errors";
import { once } from "../lifecycle";
import type { Logger } from "../logger";

const BATCH = 1000;
/** The chainer's lock, taken (waiting) so that no pass links a row this transaction is anonymising. */
const CHAINER_LOCK = `SELECT pg_advisory_xact_lock(hashtext('pustaka-relay:evidence-chainer'))`;

export interface RetentionResult {
  cutoff: string;
  messages: number;
  patrons: number;
}

async function anonymiseIds(tx: Sql, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await tx.query<{ n: number }>(`SELECT anonymise_messages($1::bigint[]) AS n`, [ids]);
  return rows[0]!.n;
}

/** Patrons' names, channel identities and chat ids, erased (ids of patrons given). */
async function erasePatrons(tx: Sql, patronIds: number[]): Promise<number> {
  if (patronIds.length === 0) return 0;
  await tx.query(
    `UPDATE channel_identity SET external_user_id = 'erased:' || id
     WHERE patron_id = ANY($1::int[]) AND external_user_id NOT LIKE 'erased:%'`,
    [patronIds],
  );
  await tx.query(
    `UPDATE conversation SET chat_id = 'erased:' || id WHERE patron_id = ANY($1::int[]) AND chat_id NOT LIKE 'erased:%'`,
    [patronIds],
  );
  const { rowCount } = await tx.query(
    `UPDATE patron SET display_name = '' WHERE id = ANY($1::int[]) AND display_name <> ''`,
    [patronIds],
  );
  return rowCount;
}

/** Anonymises everything written before `now - days`. Idempotent: a second run changes nothing. */
export async function runRetention(db: Db, days: number, now = new Date()): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  let messages = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      await tx.query(CHAINER_LOCK);
      const { rows } = await tx.query<{ id: string }>(
        `SELECT id::text FROM message WHERE created_at < $1 AND NOT (meta ? 'anonymised') ORDER BY created_at LIMIT ${BATCH}`,
        [cutoff],
      );
      const changed = await anonymiseIds(
        tx,
        rows.map((r) => r.id),
      );
      return rows.length === 0 ? -1 : changed;
    });
    if (n < 0) break;
    messages += n;
  }
  const patrons = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `SELECT p.id FROM patron p
       WHERE p.created_at < $1
         AND (p.display_name <> '' OR EXISTS (SELECT 1 FROM channel_identity i WHERE i.patron_id = p.id AND i.external_user_id NOT LIKE 'erased:%'))
         AND NOT EXISTS (SELECT 1 FROM conversation c WHERE c.patron_id = p.id AND c.last_message_at >= $1)`,
      [cutoff],
    );
    const erased = await erasePatrons(
      tx,
      rows.map((r) => r.id),
    );
    const result = { cutoff: cutoff.toISOString(), messages, patrons: rows.length };
    if (messages > 0 || rows.length > 0)
      await recordAudit(tx, [
        {
          actorKind: "system",
          actorId: "retention",
          action: "retention_anonymised",
          subject: null,
          detail: { days, ...result, namesErased: erased },
        },
      ]);
    return rows.length;
  });
  return { cutoff: cutoff.toISOString(), messages, patrons };
}

export interface ErasureResult {
  patronId: number;
  messages: number;
  conversations: number;
}

/**
 * A member's erasure request, executed by an admin: every message of the patron's conversations
 * anonymised, the name, member ID, channel identities and chat ids erased. The caller checks that
 * `staffId` is an admin; `memberId` or `patronId` names the patron. Null when there is none.
 */
export async function erasePatron(
  db: Db,
  who: { memberId?: string; patronId?: number },
  staffId: number,
): Promise<ErasureResult | null> {
  return db.transaction(async (tx) => {
    await tx.query(CHAINER_LOCK);
    const { rows: found } = await tx.query<{ id: number }>(
      who.patronId !== undefined
        ? `SELECT id FROM patron WHERE id = $1`
        : `SELECT id FROM patron WHERE member_id = $1`,
      [who.patronId ?? who.memberId],
    );
    if (found.length === 0) return null;
    const patronIds = found.map((f) => f.id);
    const { rows: ids } = await tx.query<{ id: string }>(
      `SELECT m.id::text FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.patron_id = ANY($1::int[]) AND NOT (m.meta ? 'anonymised') ORDER BY m.id`,
      [patronIds],
    );
    let messages = 0;
    for (let i = 0; i < ids.length; i += BATCH)
      messages += await anonymiseIds(
        tx,
        ids.slice(i, i + BATCH).map((r) => r.id),
      );
    await erasePatrons(tx, patronIds);
    await tx.query(`UPDATE patron SET member_id = NULL WHERE id = ANY($1::int[])`, [patronIds]);
    const { rows: convs } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM conversation WHERE patron_id = ANY($1::int[])`,
      [patronIds],
    );
    // The member ID is personal data too: the event names the patron row, not the member.
    await recordAudit(
      tx,
      patronIds.map((id) => ({
        actorKind: "staff" as const,
        actorId: String(staffId),
        action: "member_erased",
        subject: `patron:${id}`,
        detail: { messages, conversations: convs[0]!.n },
      })),
    );
    return { patronId: patronIds[0]!, messages, conversations: convs[0]!.n };
  });
}

export const RETENTION_QUEUE = "retention";

export interface RetentionSchedulerOptions {
  db: Db;
  connection: Redis;
  prefix: string;
  logger: Logger;
  days: number;
  /** LIBRARY_TIMEZONE: the job runs at night there */
  timeZone: string;
  /** cron pattern in that zone (default 02:30 every day) */
  pattern?: string;
}

/**
 * The daily retention run as a BullMQ job scheduler (one per deployment, however many relay
 * processes upsert it) and its worker (concurrency 1; runs are idempotent, so a repeat is harmless).
 */
export class RetentionScheduler {
  private queue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(private readonly options: RetentionSchedulerOptions) {}

  /** Idempotent: a second call returns the first's promise (a second worker would never be closed). */
  readonly start = once(async () => {
    const { connection, prefix, logger } = this.options;
    this.queue = new Queue(RETENTION_QUEUE, { connection, prefix });
    await this.queue.upsertJobScheduler(
      "retention-daily",
      { pattern: this.options.pattern ?? "30 2 * * *", tz: this.options.timeZone },
      { name: "retention", opts: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } } },
    );
    this.worker = new Worker(
      RETENTION_QUEUE,
      async () => {
        const result = await runRetention(this.options.db, this.options.days);
        logger.info({ retention: result }, "retention: old personal data anonymised");
        return result;
      },
      { connection, prefix, concurrency: 1 },
    );
    this.worker.on("failed", (_job, err) => logger.warn({ err: errorMessage(err) }, "retention run failed"));
  });

  readonly close = once(async () => {
    await this.worker?.close();
    await this.queue?.close();
  });
}
