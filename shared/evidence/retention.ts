/**
 * Retention and erasure (issue 13, UU 27/2022; docs/audit.md "Retention"): personal data in old
 * rows is anonymised while the statistics stay (counts, kinds, directions, authors, timestamps,
 * which answer handled a message, handoffs and audit events) and audit:verify keeps passing (the
 * chains hold a commitment to the content, not the content; the salt is erased with the text).
 *
 * What goes: message text, meta beyond a few neutral keys (a shared contact's phone, a location,
 * file names), the channel's key of a message (a WhatsApp key holds the phone number); and, for a
 * patron with no activity since the cut-off (or erased on request), the display name and the
 * channel identities and chat ids (a WhatsApp id is the phone number); librarians' notes' text
 * (a note may name the patron); the bytes and name of a patron's file no message still shows
 * (its size, type and sha256 stay, for the statistics and the chain's commitment); raw updates
 * kept in `dead_letter` (deleted: the table is operational, for a failure being looked into, and
 * the count is in the audit event). What stays: the member ID link of a patron still active; the
 * files librarians attached (the library's own documents).
 *
 * Both are audit events (`retention_anonymised`, `member_erased`) with their counts. Every erasing
 * UPDATE is one the append-only triggers allow only inside `anonymise_messages()` (migration
 * 1765100000000), `anonymise_staff_notes()` and `erase_media()` (1765200000000).
 */
import { rm } from "node:fs/promises";
import path from "node:path";
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
  /** librarians' notes whose text was erased */
  notes: number;
  /** patrons' files whose bytes were erased */
  files: number;
  /** raw updates deleted from dead_letter */
  deadLetters: number;
}

export interface RetentionOptions {
  /** MEDIA_DIR: where the erased files' bytes are, when they are not in PostgreSQL */
  mediaDir?: string | undefined;
}

/** A patron's file is still shown by a message not anonymised: its bytes stay. */
const STILL_SHOWN = `EXISTS (SELECT 1 FROM message x WHERE NOT (x.meta ? 'anonymised') AND x.meta ? 'media'
    AND x.meta -> 'media' ->> 'id' = m.id::text)`;

async function anonymiseNotes(tx: Sql, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await tx.query<{ n: number }>(`SELECT anonymise_staff_notes($1::bigint[]) AS n`, [ids]);
  return rows[0]!.n;
}

interface ErasedFile {
  id: string;
  sha256: string;
  storage: string;
}

/** Patrons' files of `ids` no message still shows: bytes and name erased (erase_media()). */
async function eraseFiles(tx: Sql, ids: string[]): Promise<ErasedFile[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.query<ErasedFile>(
    `SELECT e.id::text, e.sha256, e.storage FROM erase_media(ARRAY(
       SELECT m.id FROM media m WHERE m.id = ANY($1::bigint[]) AND m.uploaded_by_staff_id IS NULL
         AND m.erased_at IS NULL AND NOT ${STILL_SHOWN})) e`,
    [ids],
  );
  return rows;
}

/**
 * MEDIA_DIR keeps a file's bytes in a file named by its hash: removed once no row that is not
 * erased names that hash (a librarian may have uploaded the same bytes). After the commit: a crash
 * in between leaves a file no row shows (harmless, and the next run does not see it: say so).
 */
async function removeFiles(db: Db, files: ErasedFile[], mediaDir: string | undefined): Promise<void> {
  const onDisk = [...new Set(files.filter((f) => f.storage === "dir").map((f) => f.sha256))];
  if (onDisk.length === 0 || !mediaDir) return;
  const { rows } = await db.query<{ sha256: string }>(
    `SELECT DISTINCT sha256 FROM media WHERE sha256 = ANY($1::text[]) AND erased_at IS NULL`,
    [onDisk],
  );
  const kept = new Set(rows.map((r) => r.sha256));
  for (const sha256 of onDisk.filter((h) => !kept.has(h)))
    await rm(path.join(path.resolve(mediaDir), sha256.slice(0, 2), sha256), { force: true });
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
export async function runRetention(
  db: Db,
  days: number,
  now = new Date(),
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  /** Batches of `select` (ids) through `change` until none is left; the sum of what changed. */
  const inBatches = async (select: string, change: (tx: Sql, ids: string[]) => Promise<number>) => {
    let total = 0;
    for (;;) {
      const n = await db.transaction(async (tx) => {
        await tx.query(CHAINER_LOCK);
        const { rows } = await tx.query<{ id: string }>(`${select} LIMIT ${BATCH}`, [cutoff]);
        const changed = await change(
          tx,
          rows.map((r) => r.id),
        );
        return rows.length === 0 ? -1 : changed;
      });
      if (n < 0) return total;
      total += n;
    }
  };
  const messages = await inBatches(
    `SELECT id::text FROM message WHERE created_at < $1 AND NOT (meta ? 'anonymised') ORDER BY created_at`,
    anonymiseIds,
  );
  const notes = await inBatches(
    `SELECT id::text FROM staff_note WHERE created_at < $1 AND erased_at IS NULL ORDER BY id`,
    anonymiseNotes,
  );
  // After the messages: a file older than the cut-off that only anonymised messages showed.
  const erased: ErasedFile[] = [];
  await inBatches(
    `SELECT m.id::text FROM media m WHERE m.created_at < $1 AND m.uploaded_by_staff_id IS NULL
       AND m.erased_at IS NULL AND NOT ${STILL_SHOWN} ORDER BY m.id`,
    async (tx, ids) => {
      const files = await eraseFiles(tx, ids);
      erased.push(...files);
      return files.length;
    },
  );
  await removeFiles(db, erased, options.mediaDir);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `SELECT p.id FROM patron p
       WHERE p.created_at < $1
         AND (p.display_name <> '' OR EXISTS (SELECT 1 FROM channel_identity i WHERE i.patron_id = p.id AND i.external_user_id NOT LIKE 'erased:%'))
         AND NOT EXISTS (SELECT 1 FROM conversation c WHERE c.patron_id = p.id AND c.last_message_at >= $1)`,
      [cutoff],
    );
    const namesErased = await erasePatrons(
      tx,
      rows.map((r) => r.id),
    );
    const { rowCount: deadLetters } = await tx.query(`DELETE FROM dead_letter WHERE created_at < $1`, [
      cutoff,
    ]);
    const result = {
      cutoff: cutoff.toISOString(),
      messages,
      patrons: rows.length,
      notes,
      files: erased.length,
      deadLetters,
    };
    if (messages > 0 || rows.length > 0 || notes > 0 || erased.length > 0 || deadLetters > 0)
      await recordAudit(tx, [
        {
          actorKind: "system",
          actorId: "retention",
          action: "retention_anonymised",
          subject: null,
          detail: { days, ...result, namesErased },
        },
      ]);
    return result;
  });
}

export interface ErasureResult {
  patronId: number;
  messages: number;
  conversations: number;
  /** notes on the patron's conversations whose text was erased */
  notes: number;
  /** the patron's files whose bytes were erased (a file another patron's message still shows stays) */
  files: number;
}

/**
 * A member's erasure request, executed by an admin: every message of the patron's conversations
 * anonymised, the librarians' notes on them and the bytes of the files they sent erased, the name,
 * member ID, channel identities and chat ids erased. The caller checks that `staffId` is an admin;
 * `memberId` or `patronId` names the patron. Null when there is none. Dead letters cannot be told
 * apart by patron (a raw update, unparsed): they go at the retention cut-off.
 */
export async function erasePatron(
  db: Db,
  who: { memberId?: string; patronId?: number },
  staffId: number,
  options: RetentionOptions = {},
): Promise<ErasureResult | null> {
  const erased: ErasedFile[] = [];
  const result = await db.transaction(async (tx): Promise<ErasureResult | null> => {
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
    // Which files the patron sent: read before anonymising, which drops the reference from meta.
    const { rows: sent } = await tx.query<{ id: string }>(
      `SELECT DISTINCT m.meta -> 'media' ->> 'id' AS id FROM message m JOIN conversation c ON c.id = m.conversation_id
       WHERE c.patron_id = ANY($1::int[]) AND m.meta -> 'media' ->> 'id' ~ '^[0-9]{1,18}$'`,
      [patronIds],
    );
    let messages = 0;
    for (let i = 0; i < ids.length; i += BATCH)
      messages += await anonymiseIds(
        tx,
        ids.slice(i, i + BATCH).map((r) => r.id),
      );
    const { rows: noteIds } = await tx.query<{ id: string }>(
      `SELECT n.id::text FROM staff_note n JOIN conversation c ON c.id = n.conversation_id
       WHERE c.patron_id = ANY($1::int[]) AND n.erased_at IS NULL`,
      [patronIds],
    );
    const notes = await anonymiseNotes(
      tx,
      noteIds.map((n) => n.id),
    );
    erased.push(
      ...(await eraseFiles(
        tx,
        sent.map((f) => f.id),
      )),
    );
    await erasePatrons(tx, patronIds);
    await tx.query(`UPDATE patron SET member_id = NULL WHERE id = ANY($1::int[])`, [patronIds]);
    // Reminders (docs/reminders.md): the once-only keys name the member ID, and the opt-in is the
    // patron's; unlinked now, nobody is reminded again, so neither is needed.
    await tx.query(`DELETE FROM reminder_sent WHERE patron_id = ANY($1::int[])`, [patronIds]);
    await tx.query(`DELETE FROM reminder_preference WHERE patron_id = ANY($1::int[])`, [patronIds]);
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
        detail: { messages, conversations: convs[0]!.n, notes, files: erased.length },
      })),
    );
    return { patronId: patronIds[0]!, messages, conversations: convs[0]!.n, notes, files: erased.length };
  });
  await removeFiles(db, erased, options.mediaDir);
  return result;
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
  /** MEDIA_DIR, when files are kept there */
  mediaDir?: string | undefined;
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
        const result = await runRetention(this.options.db, this.options.days, new Date(), {
          mediaDir: this.options.mediaDir,
        });
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
