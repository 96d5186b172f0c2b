/**
 * The one writer of `announcement` and `announcement_recipient` (docs/reminders.md): an admin's
 * notice is written with its audit event (web role), then queued chat by chat by the relay's
 * proactive worker — each recipient's row and message in one transaction, in batches, so a run
 * killed half-way resumes with the chats not done yet and never writes a chat twice. Delivery
 * (queued → sent | failed) is the messages' own status, read here for the console's counts; the
 * channels' egress sends them at the channel's rate (TELEGRAM_MAX_PER_SECOND, …).
 *
 * Who gets it: linked members who said /pengingat on (one opt-in for everything the library
 * sends first), on each of their verified chats in the chosen channels.
 */
import { recordAudit } from "../audit";
import type { Db } from "../db";
import type { ChannelName, Language } from "../envelope";
import type { AnnouncementState } from "../entities/announcement";
import { queueProactiveMessage } from "../log/proactive-messages";
import { reminderTexts } from "../texts/reminders";
import { ProactiveError } from "./errors";

export const ANNOUNCEMENT_MAX_LENGTH = 3500;

export interface NewAnnouncement {
  textId: string;
  textEn: string;
  channels: readonly ChannelName[];
  staffId: number;
}

export interface AnnouncementView {
  id: number;
  textId: string;
  textEn: string;
  channels: ChannelName[];
  createdBy: string;
  createdAt: string;
  state: AnnouncementState;
  /** chats written so far (all of them once `state` is queued) */
  recipients: number;
  queued: number;
  sent: number;
  failed: number;
  /** every chat written and none still queued: `sent` and `failed` are final */
  done: boolean;
}

export async function createAnnouncement(db: Db, input: NewAnnouncement): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO announcement (text_id, text_en, channels, created_by) VALUES ($1, $2, $3::jsonb, $4) RETURNING id`,
      [input.textId, input.textEn, JSON.stringify(input.channels), input.staffId],
    );
    const id = rows[0]!.id;
    await recordAudit(tx, [
      {
        actorKind: "staff",
        actorId: String(input.staffId),
        action: "announcement_created",
        subject: `announcement:${id}`,
        detail: { channels: input.channels, english: input.textEn !== "" },
      },
    ]);
    return id;
  });
}

const VIEW = `
  SELECT a.id, a.text_id, a.text_en, a.channels, s.username AS created_by, a.created_at, a.state,
         count(r.identity_id)::int AS recipients,
         count(*) FILTER (WHERE m.status = 'queued')::int AS queued,
         count(*) FILTER (WHERE m.status = 'sent')::int AS sent,
         count(*) FILTER (WHERE m.status = 'failed')::int AS failed
  FROM announcement a
  JOIN staff_user s ON s.id = a.created_by
  LEFT JOIN announcement_recipient r ON r.announcement_id = a.id
  LEFT JOIN message m ON m.id = r.message_id`;

interface ViewRow {
  id: number;
  text_id: string;
  text_en: string;
  channels: ChannelName[];
  created_by: string;
  created_at: Date;
  state: AnnouncementState;
  recipients: number;
  queued: number;
  sent: number;
  failed: number;
}

const view = (r: ViewRow): AnnouncementView => ({
  id: r.id,
  textId: r.text_id,
  textEn: r.text_en,
  channels: r.channels,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  state: r.state,
  recipients: r.recipients,
  queued: r.queued,
  sent: r.sent,
  failed: r.failed,
  done: r.state === "queued" && r.queued === 0,
});

export async function listAnnouncements(db: Db, limit = 20): Promise<AnnouncementView[]> {
  const { rows } = await db.query<ViewRow>(`${VIEW} GROUP BY a.id, s.username ORDER BY a.id DESC LIMIT $1`, [
    limit,
  ]);
  return rows.map(view);
}

export async function announcementView(db: Db, id: number): Promise<AnnouncementView | null> {
  const { rows } = await db.query<ViewRow>(`${VIEW} WHERE a.id = $1 GROUP BY a.id, s.username`, [id]);
  return rows[0] ? view(rows[0]) : null;
}

/** Announcements not fully queued yet (a process died while queueing, or before it was asked). */
export async function pendingAnnouncements(db: Db): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM announcement WHERE state = 'pending' ORDER BY id`,
  );
  return rows.map((r) => r.id);
}

export interface QueueAnnouncementOptions {
  /** the library's name, at the top of the notice */
  libraryName: string;
  /** chats per transaction (default 100) */
  batch?: number;
  /** asks the channel's egress to drain the conversation (after the batch committed) */
  request: (channel: ChannelName, conversationId: number) => Promise<void>;
  /** test hook: called after each committed batch (a throw here is a process dying mid-run) */
  afterBatch?: (written: number) => void | Promise<void>;
}

interface Target {
  identity_id: number;
  patron_id: number;
  language: Language | null;
  channel: ChannelName;
  chat_id: string;
}

/**
 * Writes the announcement's message to every recipient chat not written yet, then marks it
 * queued (with an audit event). Idempotent: run again, or concurrently, it writes no chat twice.
 * Returns the number of chats this call wrote.
 */
export async function queueAnnouncement(
  db: Db,
  id: number,
  options: QueueAnnouncementOptions,
): Promise<number> {
  const { rows: found } = await db.query<{
    text_id: string;
    text_en: string;
    channels: ChannelName[];
    state: string;
  }>(`SELECT text_id, text_en, channels, state FROM announcement WHERE id = $1`, [id]);
  const announcement = found[0];
  if (!announcement || announcement.state !== "pending") return 0;
  const textFor = (lang: Language) =>
    reminderTexts.announcement(
      lang,
      options.libraryName,
      lang === "en" && announcement.text_en !== "" ? announcement.text_en : announcement.text_id,
    );
  let written = 0;
  for (;;) {
    const { rows: targets } = await db.query<Target>(
      `SELECT ci.id AS identity_id, p.id AS patron_id, p.language, ci.channel, ci.external_user_id AS chat_id
       FROM patron p
       JOIN reminder_preference rp ON rp.patron_id = p.id AND rp.enabled
       JOIN channel_identity ci ON ci.patron_id = p.id AND ci.verified_at IS NOT NULL
            AND ci.external_user_id NOT LIKE 'erased:%' AND ci.channel = ANY($2::text[])
       WHERE p.member_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM announcement_recipient r
                         WHERE r.announcement_id = $1 AND r.identity_id = ci.id)
       ORDER BY ci.id LIMIT $3`,
      [id, announcement.channels, options.batch ?? 100],
    );
    if (targets.length === 0) break;
    const conversations = await db.transaction(async (tx) => {
      const out: Array<{ channel: ChannelName; conversationId: number }> = [];
      for (const target of targets) {
        // The recipient's key first: a concurrent run waits for this one to commit, then skips the chat.
        const claimed = await tx.query(
          `INSERT INTO announcement_recipient (announcement_id, identity_id, channel, patron_id)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [id, target.identity_id, target.channel, target.patron_id],
        );
        if (claimed.rowCount === 0) continue;
        const message = await queueProactiveMessage(tx, {
          channel: target.channel,
          chatId: target.chat_id,
          patronId: target.patron_id,
          text: textFor(target.language ?? "id"),
          key: `ann:${id}:i${target.identity_id}`,
          handledBy: "announcement",
          meta: { announcement: id },
        });
        if (!message)
          throw new ProactiveError(
            "PROACTIVE_KEY_CONFLICT",
            `announcement ${id}: a message exists for identity ${target.identity_id} without its recipient row`,
          );
        await tx.query(
          `UPDATE announcement_recipient SET message_id = $3 WHERE announcement_id = $1 AND identity_id = $2`,
          [id, target.identity_id, message.messageId],
        );
        out.push({ channel: target.channel, conversationId: message.conversationId });
      }
      return out;
    });
    written += conversations.length;
    // After the commit; a request lost here (Redis away, the process killed) is the outbound sweeper's.
    await Promise.all(conversations.map((c) => options.request(c.channel, c.conversationId)));
    await options.afterBatch?.(written);
  }
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ recipients: number }>(
      `UPDATE announcement SET state = 'queued', queued_at = now(),
              recipients = (SELECT count(*) FROM announcement_recipient WHERE announcement_id = $1)
       WHERE id = $1 AND state = 'pending' RETURNING recipients`,
      [id],
    );
    if (rows[0])
      await recordAudit(tx, [
        {
          actorKind: "system",
          actorId: "announcements",
          action: "announcement_queued",
          subject: `announcement:${id}`,
          detail: { recipients: rows[0].recipients },
        },
      ]);
  });
  return written;
}
