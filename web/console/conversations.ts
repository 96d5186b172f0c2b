/**
 * The console's questions about conversations (queue, history, notes, search, patron panel) and
 * the librarian's actions on them (notes and canned replies: librarian-texts.ts). The state changes are written by
 * shared/log/conversation-state.ts and the member link by shared/log/patron-link.ts (one writer
 * per table); this store adds the audit event of each.
 */
import { recordAudit } from "../../shared/audit";
import { auditStaffAction } from "./staff-audit";
import * as conversationState from "../../shared/log/conversation-state";
import { linkPatron } from "../../shared/log/patron-link";
import { prepared, type Db } from "../../shared/db";
import type { ChannelName } from "../../shared/envelope";
import type { ConversationState } from "../../shared/entities/conversation";

export interface ConversationSummary {
  id: number;
  state: ConversationState;
  channel: ChannelName;
  patronId: number;
  patronName: string;
  memberId: string | null;
  language: string | null;
  waitingSince: string | null;
  handoffReason: string | null;
  assignedStaffId: number | null;
  assignedStaffName: string | null;
  lastMessageAt: string;
  openedAt: string;
  closedAt: string | null;
  outcome: string | null;
}

export interface MessageRow {
  id: string;
  conversationId: number;
  seq: number;
  direction: "in" | "out";
  author: "patron" | "bot" | "librarian" | "system";
  authorStaffId: number | null;
  authorStaffName: string | null;
  kind: string;
  text: string | null;
  status: string;
  error: string | null;
  /** how far a sent reply got, where the channel says (WhatsApp): server, device, read, played */
  delivery: string | null;
  createdAt: string;
  /**
   * The file of this message: a patron's (stored, or why not) or a librarian's attachment. The
   * page links a stored one to GET /api/media/:id.
   */
  media: MessageMedia | null;
}

export interface MessageMedia {
  /** null when the bytes were not kept (`notStored` says why) */
  id: string | null;
  fileName: string | null;
  mimeType: string;
  size: number | null;
  sha256: string | null;
  notStored: string | null;
}

export interface SearchQuery {
  /** patron name, member ID or message text */
  text?: string;
  memberId?: string;
  /** YYYY-MM-DD, inclusive */
  from?: string;
  to?: string;
  limit?: number;
}

const SUMMARY_SQL = `
  SELECT c.id, c.state, c.channel, c.patron_id, p.display_name AS patron_name, p.member_id, p.language,
         c.waiting_since, c.handoff_reason, c.assigned_staff_id, s.display_name AS assigned_staff_name,
         c.last_message_at, c.opened_at, c.closed_at, c.outcome
  FROM conversation c
  JOIN patron p ON p.id = c.patron_id
  LEFT JOIN staff_user s ON s.id = c.assigned_staff_id`;

type SummaryRow = {
  id: number;
  state: ConversationState;
  channel: ChannelName;
  patron_id: number;
  patron_name: string;
  member_id: string | null;
  language: string | null;
  waiting_since: Date | null;
  handoff_reason: string | null;
  assigned_staff_id: number | null;
  assigned_staff_name: string | null;
  last_message_at: Date;
  opened_at: Date;
  closed_at: Date | null;
  outcome: string | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toSummary = (r: SummaryRow): ConversationSummary => ({
  id: r.id,
  state: r.state,
  channel: r.channel,
  patronId: r.patron_id,
  patronName: r.patron_name,
  memberId: r.member_id,
  language: r.language,
  waitingSince: iso(r.waiting_since),
  handoffReason: r.handoff_reason,
  assignedStaffId: r.assigned_staff_id,
  assignedStaffName: r.assigned_staff_name,
  lastMessageAt: r.last_message_at.toISOString(),
  openedAt: r.opened_at.toISOString(),
  closedAt: iso(r.closed_at),
  outcome: r.outcome,
});

export type ClaimResult = { ok: true } | { ok: false; reason: "taken" | "not_waiting" };

export class Conversations {
  constructor(private readonly db: Db) {}

  /**
   * Waiting and assigned conversations. Waiting ones in queue order (shared/log/message-log.ts
   * `waitingPosition` counts the same way): questions left while no librarian was online first,
   * so they are what librarians see first when they sign in; then the oldest first.
   */
  async open(): Promise<ConversationSummary[]> {
    const { rows } = await this.db.query<SummaryRow>(
      `${SUMMARY_SQL} WHERE c.state IN ('waiting', 'assigned')
       ORDER BY c.state DESC, (c.handoff_reason IS DISTINCT FROM 'left_question'), c.waiting_since NULLS LAST, c.id
       LIMIT 500`,
    );
    return rows.map(toSummary);
  }

  async summary(id: number): Promise<ConversationSummary | null> {
    // Prepared: the console's fan-out runs it for every message librarians see (docs/PERFORMANCE.md).
    const { rows } = await this.db.query<SummaryRow>(
      prepared("console_summary", `${SUMMARY_SQL} WHERE c.id = $1`),
      [id],
    );
    return rows[0] ? toSummary(rows[0]) : null;
  }

  async history(id: number, limit = 500): Promise<MessageRow[]> {
    const { rows } = await this.db.query<MessageDbRow>(
      `SELECT * FROM (
         SELECT ${MESSAGE_COLUMNS}
         FROM conversation c
         JOIN conversation h ON h.channel = c.channel AND h.chat_id = c.chat_id AND h.id <= c.id
         JOIN message m ON m.conversation_id = h.id
         LEFT JOIN staff_user s ON s.id = m.author_staff_id
         WHERE c.id = $1
         ORDER BY m.conversation_id DESC, m.seq DESC LIMIT $2
       ) t ORDER BY conversation_id, seq`,
      [id, limit],
    );
    return rows.map(toMessageRow);
  }

  /** One message by id, however old (a failed reply retried long after). */
  async message(id: string): Promise<MessageRow | null> {
    const { rows } = await this.db.query<MessageDbRow>(
      prepared(
        "console_message",
        `SELECT ${MESSAGE_COLUMNS} FROM message m LEFT JOIN staff_user s ON s.id = m.author_staff_id WHERE m.id = $1`,
      ),
      [id],
    );
    return rows[0] ? toMessageRow(rows[0]) : null;
  }

  /** waiting → assigned to `staffId`; exactly one of several racing claims wins. */
  async claim(id: number, staffId: number): Promise<ClaimResult> {
    if (await conversationState.claim(this.db, id, staffId)) {
      await auditStaffAction(this.db, staffId, "conversation.claim", id);
      return { ok: true };
    }
    const current = await this.summary(id);
    return { ok: false, reason: current?.state === "assigned" ? "taken" : "not_waiting" };
  }

  /** assigned to `fromStaffId` (any, when null: an admin) → assigned to `toStaffId`. */
  async transfer(
    id: number,
    fromStaffId: number | null,
    toStaffId: number,
    actorId: number,
  ): Promise<boolean> {
    const moved = await conversationState.transfer(this.db, id, fromStaffId, toStaffId);
    if (moved) await auditStaffAction(this.db, actorId, "conversation.transfer", id, { to: toStaffId });
    return moved;
  }

  /** waiting/assigned (to `staffId`, or anyone's when null) → closed, with an optional outcome tag. */
  async close(id: number, staffId: number | null, outcome: string | null, actorId: number): Promise<boolean> {
    const closed = await conversationState.closeByStaff(this.db, id, staffId, outcome);
    if (closed) await auditStaffAction(this.db, actorId, "conversation.close", id, { outcome });
    return closed;
  }

  /** Past and open conversations by patron name, member ID, message text, and date. */
  async search(query: SearchQuery): Promise<ConversationSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (query.text?.trim()) {
      const like = param(`%${query.text.trim().replace(/[\\%_]/g, (c) => "\\" + c)}%`);
      where.push(`(p.display_name ILIKE ${like} OR p.member_id ILIKE ${like}
        OR EXISTS (SELECT 1 FROM message m WHERE m.conversation_id = c.id AND m.text ILIKE ${like}))`);
    }
    if (query.memberId?.trim()) where.push(`p.member_id = ${param(query.memberId.trim())}`);
    if (query.from) where.push(`c.last_message_at >= ${param(query.from)}::date`);
    if (query.to) where.push(`c.opened_at < ${param(query.to)}::date + 1`);
    const limit = param(Math.min(query.limit ?? 50, 200));
    const { rows } = await this.db.query<SummaryRow>(
      `${SUMMARY_SQL} ${where.length ? "WHERE " + where.join(" AND ") : ""}
       ORDER BY c.last_message_at DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toSummary);
  }

  /** The patron of a conversation: name, member ID, whether a channel identity is verified. */
  async patron(
    conversationId: number,
  ): Promise<{ patronId: number; name: string; memberId: string | null; verified: boolean } | null> {
    const { rows } = await this.db.query<{
      patron_id: number;
      display_name: string;
      member_id: string | null;
      verified: boolean;
    }>(
      `SELECT p.id AS patron_id, p.display_name, p.member_id,
              EXISTS (SELECT 1 FROM channel_identity ci WHERE ci.patron_id = p.id AND ci.verified_at IS NOT NULL) AS verified
       FROM conversation c JOIN patron p ON p.id = c.patron_id WHERE c.id = $1`,
      [conversationId],
    );
    const r = rows[0];
    return r
      ? { patronId: r.patron_id, name: r.display_name, memberId: r.member_id, verified: r.verified }
      : null;
  }

  /** A librarian vouches that the patron of this conversation is library member `memberId` (audited). */
  async verifyPatron(conversationId: number, memberId: string, staffId: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ patron_id: number; channel: string }>(
        `SELECT patron_id, channel FROM conversation WHERE id = $1 FOR UPDATE`,
        [conversationId],
      );
      const row = rows[0];
      if (!row) return false;
      await linkPatron(tx, row.patron_id, row.channel, memberId, "staff");
      await recordAudit(tx, [
        {
          actorKind: "staff",
          actorId: String(staffId),
          action: "patron.verify",
          subject: `patron:${row.patron_id}`,
          detail: { memberId, conversationId },
        },
      ]);
      return true;
    });
  }
}

const MESSAGE_COLUMNS = `m.id, m.conversation_id, m.seq, m.direction, m.author, m.author_staff_id,
  s.display_name AS author_staff_name, m.kind, m.text, m.status, m.error, m.delivery, m.created_at,
  coalesce(m.meta->'media', m.meta->'attachment') AS media`;

interface MessageDbRow {
  id: string;
  conversation_id: number;
  seq: number;
  direction: "in" | "out";
  author: MessageRow["author"];
  author_staff_id: number | null;
  author_staff_name: string | null;
  kind: string;
  text: string | null;
  status: string;
  error: string | null;
  delivery: string | null;
  created_at: Date;
  media: Record<string, unknown> | null;
}

function toMessageRow(r: MessageDbRow): MessageRow {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    direction: r.direction,
    author: r.author,
    authorStaffId: r.author_staff_id,
    authorStaffName: r.author_staff_name,
    kind: r.kind,
    text: r.text,
    status: r.status,
    error: r.error,
    delivery: r.delivery,
    createdAt: r.created_at.toISOString(),
    media: r.media ? toMedia(r.media) : null,
  };
}

/** meta.media (inbound: id or notStored) or meta.attachment (outbound: mediaId) → one shape. */
function toMedia(m: Record<string, unknown>): MessageMedia {
  const s = (v: unknown) => (typeof v === "string" ? v : null);
  const id = s(m.id) ?? s(m.mediaId);
  return {
    id,
    fileName: s(m.fileName),
    mimeType: s(m.mimeType) ?? "application/octet-stream",
    size: typeof m.size === "number" ? m.size : null,
    sha256: s(m.sha256),
    notStored: id ? null : (s(m.notStored) ?? "not kept"),
  };
}
