/**
 * The one writer of `reminder_preference`: whether a patron gets messages the library sends
 * first (due-date reminders and announcements, docs/reminders.md). No row means off — nobody is
 * written to unasked. The preference belongs to the patron (the person), not to one chat: a
 * member linked on Telegram and WhatsApp turns it on once.
 */
import type { Sql } from "../db";
import type { ChannelName } from "../envelope";

export interface ReminderSetting {
  patronId: number;
  enabled: boolean;
}

/** The sender's patron and their setting; null when the sender has no patron row yet. */
export async function reminderSetting(
  db: Sql,
  channel: ChannelName,
  senderId: string,
): Promise<ReminderSetting | null> {
  const { rows } = await db.query<{ patron_id: number; enabled: boolean | null }>(
    `SELECT ci.patron_id, rp.enabled
     FROM channel_identity ci LEFT JOIN reminder_preference rp ON rp.patron_id = ci.patron_id
     WHERE ci.channel = $1 AND ci.external_user_id = $2`,
    [channel, senderId],
  );
  const row = rows[0];
  return row ? { patronId: row.patron_id, enabled: row.enabled === true } : null;
}

/** Sets the patron's choice; returns whether it changed (a repeated "on" changes nothing). */
export async function setReminders(db: Sql, patronId: number, enabled: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO reminder_preference (patron_id, enabled) VALUES ($1, $2)
     ON CONFLICT (patron_id) DO UPDATE SET enabled = EXCLUDED.enabled, changed_at = now()
     WHERE reminder_preference.enabled <> EXCLUDED.enabled`,
    [patronId, enabled],
  );
  return rowCount > 0;
}
