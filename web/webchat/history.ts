/**
 * A session's history from the message log, for a widget that (re)connects: the source of truth,
 * so replies sent while the browser was away, or while it reconnected, are never lost (a live
 * push and this list share their keys; the widget merges them). Patron messages are keyed by the
 * widget's own id, so its unconfirmed local copies merge too. A redacted password is masked. A
 * librarian's reply with a file (kind photo or document) comes with its download link.
 * Reached through the session's patron (channel_identity → conversation_patron index).
 */
import type { Button } from "../../shared/envelope";
import type { Db } from "../../shared/db";
import type { WidgetAttachment, WidgetEntry, WidgetFile } from "../../shared/webchat";

/** The newest messages a widget gets; older ones are in the log, not on the patron's screen. */
export const HISTORY_LIMIT = 200;

export async function sessionHistory(
  db: Db,
  sessionId: string,
  /** the link of a file sent to this session (web/webchat/media.ts); without it, no files are listed */
  fileLink?: (attachment: WidgetAttachment) => WidgetFile,
): Promise<WidgetEntry[]> {
  const { rows } = await db.query<{
    id: string;
    direction: "in" | "out";
    text: string | null;
    redacted: boolean;
    buttons: Button[][] | null;
    attachment: WidgetAttachment | null;
    channel_message_id: string | null;
    created_at: Date;
  }>(
    `WITH convs AS (
       SELECT c.id, c.opened_at FROM channel_identity ci
       JOIN conversation c ON c.patron_id = ci.patron_id
       WHERE ci.channel = 'webchat' AND ci.external_user_id = $1 AND c.channel = 'webchat' AND c.chat_id = $1
       ORDER BY c.opened_at DESC LIMIT 50
     )
     SELECT m.id, m.direction, m.text, m.meta ? 'redacted' AS redacted, m.meta->'buttons' AS buttons,
            m.meta->'attachment' AS attachment, m.channel_message_id, m.created_at
     FROM convs JOIN message m ON m.conversation_id = convs.id
     WHERE (m.kind = 'text' AND (m.direction = 'out' OR m.channel_message_id IS NOT NULL))
        OR ($3 AND m.direction = 'out' AND m.meta ? 'attachment')
     ORDER BY convs.opened_at DESC, m.seq DESC
     LIMIT $2`,
    [sessionId, HISTORY_LIMIT, fileLink !== undefined],
  );
  return rows.reverse().map((r) => {
    const at = r.created_at.toISOString();
    if (r.direction === "in") {
      const key = `c:${r.channel_message_id}`;
      return r.redacted
        ? { key, from: "patron", text: "", masked: true, at }
        : { key, from: "patron", text: r.text ?? "", at };
    }
    return {
      key: `o:${r.id}`,
      from: "library",
      text: r.text ?? "",
      ...(Array.isArray(r.buttons) && r.buttons.length ? { buttons: r.buttons } : {}),
      ...(r.attachment && fileLink ? { file: fileLink(r.attachment) } : {}),
      at,
    };
  });
}
