/**
 * The one writer (and reader) of `dead_letter`: updates that could not be recorded, kept with
 * their raw payload so the rest of intake flows and nothing is silently lost. Written by the
 * ingress (a row the database keeps refusing) and the channel adapters (an update that is no
 * message: no chat, no sender); read by the console (admins and librarians).
 */
import type { Sql } from "../db";
import type { DeadLetterReason } from "../entities/dead-letter";
import { hopMetrics } from "../metrics/events";

/** Longest payload kept (a Telegram webhook body is at most 1 MB); longer ones are cut, and say so. */
export const MAX_DEAD_LETTER_PAYLOAD = 1024 * 1024;
const MAX_ERROR = 2000;

export interface DeadLetterInput {
  channel: string;
  /** the channel's idempotency key when known: a redelivery of the same update writes one row */
  channelKey: string | null;
  reason: DeadLetterReason;
  error: string;
  /** the update as the channel sent it, serialised (JSON.stringify escapes U+0000 and lone surrogates) */
  payload: string;
  attempts: number;
}

export interface DeadLetterRow {
  id: string;
  channel: string;
  channelKey: string | null;
  reason: DeadLetterReason;
  error: string;
  payload: string;
  attempts: number;
  createdAt: string;
}

/** A JSON text of any value, storable in a `text` column (no raw U+0000, no lone surrogate). */
export function rawPayload(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  // JSON.stringify escapes both; String() of an odd value may not, so escape what is left.
  return storable(text);
}

function storable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be escaped
    /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export class DeadLetters {
  constructor(private readonly db: Sql) {}

  async record(input: DeadLetterInput): Promise<void> {
    const payload =
      input.payload.length > MAX_DEAD_LETTER_PAYLOAD
        ? `${input.payload.slice(0, MAX_DEAD_LETTER_PAYLOAD)}… [cut: ${input.payload.length} characters]`
        : input.payload;
    await this.db.query(
      `INSERT INTO dead_letter (channel, channel_key, reason, error, payload, attempts)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (channel, channel_key) WHERE channel_key IS NOT NULL
       DO UPDATE SET attempts = dead_letter.attempts + EXCLUDED.attempts`,
      [
        storable(input.channel),
        input.channelKey === null ? null : storable(input.channelKey),
        input.reason,
        storable(input.error).slice(0, MAX_ERROR),
        storable(payload),
        input.attempts,
      ],
    );
    hopMetrics.deadLettered(input.channel, input.reason);
  }

  /** The newest first, for the console. */
  async list(limit = 100): Promise<DeadLetterRow[]> {
    const { rows } = await this.db.query<{
      id: string;
      channel: string;
      channel_key: string | null;
      reason: DeadLetterReason;
      error: string;
      payload: string;
      attempts: number;
      created_at: Date;
    }>(
      `SELECT id, channel, channel_key, reason, error, left(payload, 4000) AS payload, attempts, created_at
       FROM dead_letter ORDER BY id DESC LIMIT $1`,
      [Math.max(1, Math.min(limit, 500))],
    );
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      channelKey: r.channel_key,
      reason: r.reason,
      error: r.error,
      payload: r.payload,
      attempts: r.attempts,
      createdAt: r.created_at.toISOString(),
    }));
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dead_letter`);
    return rows[0]!.n;
  }
}
