/**
 * Patrons and their channel identities: (channel, the channel's user id) → patron, created on first
 * contact. The one writer of the patron and channel_identity rows' creation (the member link is
 * shared/log/patron-link.ts). Ingress asks once per message, so answers are cached (bounded).
 */
import { type Db, prepared } from "../db";
import type { ChannelName } from "../envelope";

export class PatronDirectory {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly cacheSize = 10_000,
  ) {}

  /** The patron behind a channel identity, created on first contact; cached, bounded. */
  async patronFor(channel: ChannelName, externalUserId: string, displayName: string): Promise<number> {
    const cacheKey = `${channel}:${externalUserId}`;
    const cached = this.ids.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = await this.db.query<{ patron_id: number }>(
      prepared(
        "patron_for_identity",
        `WITH existing AS (
         SELECT patron_id FROM channel_identity WHERE channel = $1 AND external_user_id = $2
       ), created AS (
         INSERT INTO patron (display_name) SELECT $3 WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id
       ), linked AS (
         INSERT INTO channel_identity (channel, external_user_id, patron_id)
         SELECT $1, $2, id FROM created ON CONFLICT (channel, external_user_id) DO NOTHING RETURNING patron_id
       )
       SELECT patron_id FROM existing UNION ALL SELECT patron_id FROM linked`,
      ),
      [channel, externalUserId, displayName.slice(0, 200)],
    );
    let patronId = found.rows[0]?.patron_id;
    if (patronId === undefined) {
      // Lost a race with another process creating the same identity: read theirs.
      const again = await this.db.query<{ patron_id: number }>(
        `SELECT patron_id FROM channel_identity WHERE channel = $1 AND external_user_id = $2`,
        [channel, externalUserId],
      );
      patronId = again.rows[0]?.patron_id;
      if (patronId === undefined) throw new Error(`could not create patron for ${cacheKey}`);
    }
    if (this.ids.size >= this.cacheSize) {
      this.ids.delete(this.ids.keys().next().value!);
    }
    this.ids.set(cacheKey, patronId);
    return patronId;
  }
}
