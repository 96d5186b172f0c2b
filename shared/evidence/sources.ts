/**
 * What each evidence table contributes to its chain (docs/audit.md, "What is covered"): which
 * chain a row belongs to, its immutable fields, and its content (behind a salted commitment when
 * retention may erase it). Timestamps are read as text in UTC with microseconds (a JS Date would
 * drop them), ids as text.
 *
 * Not covered, on purpose: a message's delivery progress (status, status_at, error,
 * channel_message_id, handled_by, send_claimed_at, send_attempts, delivery) — it changes after the
 * row is written and the chainer may run before it does; the transitions that matter to an
 * auditor (handoffs, claims, renewals, links, redactions) are audit events, which are chained.
 */
import type { EvidenceSource } from "../entities/evidence-hash";

const utc = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface SourceRow {
  id: string;
  chain: string;
  fields: Record<string, unknown>;
  /** what the commitment covers */
  content: unknown;
  /** content already erased by retention: no salt is kept */
  anonymised: boolean;
  /** something the row says about itself that is wrong now (a file's bytes that no longer hash to its sha256) */
  problem?: string;
}

export interface EvidenceSourceSpec {
  /** also the table's name */
  source: EvidenceSource;
  /** salted: the content may be erased later (retention), so its commitment carries a salt */
  salted: boolean;
  /** the row's own time column (when it was written) */
  timeColumn: string;
  /**
   * SQL on alias `t`: the row's content is final, so it may be chained. An inbound message waits
   * until it is handled: a password typed before its step was committed is redacted in the
   * handling transaction (the one late change of text), and chaining it first would make that
   * redaction look like an edit.
   */
  ready: string;
  /** SELECT of rows as `SourceRow`s; `$where` is replaced by a condition on alias `t` */
  select(where: string): string;
  toRow(r: Record<string, unknown>): SourceRow;
}

export const MESSAGE_FIELDS = [
  "id",
  "conversation_id",
  "seq",
  "direction",
  "author",
  "author_staff_id",
  "kind",
  "channel",
  "in_reply_to",
  "created_at",
] as const;

const message: EvidenceSourceSpec = {
  source: "message",
  salted: true,
  timeColumn: "created_at",
  ready: `NOT (t.direction = 'in' AND t.status = 'received')`,
  select: (where) => `
    SELECT t.id::text AS id, t.conversation_id, t.seq, t.direction, t.author, t.author_staff_id, t.kind,
           t.channel, t.channel_key, t.in_reply_to::text AS in_reply_to, ${utc("t.created_at")} AS created_at,
           t.text, t.meta
    FROM message t WHERE ${where}`,
  toRow: (r) => ({
    id: String(r.id),
    chain: `c:${String(r.conversation_id)}`,
    fields: Object.fromEntries(MESSAGE_FIELDS.map((f) => [f, r[f] ?? null])),
    // The channel's key is content too: a WhatsApp key holds the phone number, which retention erases.
    content: { text: r.text ?? null, meta: r.meta ?? {}, channelKey: r.channel_key },
    anonymised: (r.meta as Record<string, unknown> | null)?.anonymised === true,
  }),
};

const AUDIT_FIELDS = ["id", "at", "actor_kind", "actor_id", "action", "subject", "detail"] as const;

/** Audit events are few and never erased: one chain, the whole row in the fields, no salt. */
const auditEvent: EvidenceSourceSpec = {
  source: "audit_event",
  salted: false,
  timeColumn: "at",
  ready: "true",
  select: (where) => `
    SELECT t.id::text AS id, ${utc("t.at")} AS at, t.actor_kind, t.actor_id, t.action, t.subject, t.detail
    FROM audit_event t WHERE ${where}`,
  toRow: (r) => ({
    id: String(r.id),
    chain: "audit",
    fields: Object.fromEntries(AUDIT_FIELDS.map((f) => [f, r[f] ?? null])),
    content: null,
    anonymised: false,
  }),
};

const NOTE_FIELDS = ["id", "conversation_id", "staff_id", "created_at"] as const;

/**
 * A librarian's note, in its conversation's chain beside the messages: an auditor proves one
 * conversation's whole record (what was said and what the librarians noted) with one chain, and a
 * note removed from a conversation shows there. Its text behind a salted commitment: it may name
 * the patron, so retention and a member's erasure erase it (anonymise_staff_notes()).
 */
const staffNote: EvidenceSourceSpec = {
  source: "staff_note",
  salted: true,
  timeColumn: "created_at",
  ready: "true",
  select: (where) => `
    SELECT t.id::text AS id, t.conversation_id, t.staff_id, ${utc("t.created_at")} AS created_at,
           t.text, t.erased_at IS NOT NULL AS erased
    FROM staff_note t WHERE ${where}`,
  toRow: (r) => ({
    id: String(r.id),
    chain: `c:${String(r.conversation_id)}`,
    fields: Object.fromEntries(NOTE_FIELDS.map((f) => [f, r[f] ?? null])),
    content: { text: r.text ?? null },
    anonymised: r.erased === true,
  }),
};

const MEDIA_FIELDS = [
  "id",
  "sha256",
  "mime_type",
  "size",
  "storage",
  "uploaded_by_staff_id",
  "created_at",
] as const;

/**
 * A stored file, on a chain of its own (`media`): one row serves every conversation the same file
 * came in, so it belongs to none of them. The link commits to the file's sha256 (a field), not its
 * bytes; verify hashes the bytes kept in PostgreSQL (inside the database: no file crosses the
 * wire) and compares. The name may be personal ("KTP Budi.jpg"), so it is behind the salted
 * commitment and erased with the bytes (erase_media()); size, type and hash stay.
 */
const media: EvidenceSourceSpec = {
  source: "media",
  salted: true,
  timeColumn: "created_at",
  ready: "true",
  select: (where) => `
    SELECT t.id::text AS id, t.sha256, t.mime_type, t.size, t.storage, t.uploaded_by_staff_id,
           ${utc("t.created_at")} AS created_at, t.file_name, t.erased_at IS NOT NULL AS erased,
           CASE WHEN t.bytes IS NULL THEN NULL ELSE encode(sha256(t.bytes), 'hex') END AS bytes_sha256
    FROM media t WHERE ${where}`,
  toRow: (r) => ({
    id: String(r.id),
    chain: "media",
    fields: Object.fromEntries(MEDIA_FIELDS.map((f) => [f, r[f] ?? null])),
    content: { fileName: r.file_name ?? null },
    anonymised: r.erased === true,
    ...(r.bytes_sha256 !== null && r.bytes_sha256 !== r.sha256
      ? { problem: `its bytes no longer hash to its sha256 (they hash to ${String(r.bytes_sha256)})` }
      : {}),
  }),
};

export const EVIDENCE_SOURCE_SPECS: readonly EvidenceSourceSpec[] = [message, auditEvent, staffNote, media];
