import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Intake never freezes, egress never doubles (docs/message-path.md §1 and §4).
 *
 * - `dead_letter`: an update the service could not record (unreadable, or refused by the
 *   database after several tries), kept with its raw payload as text (the JSON the channel sent,
 *   never re-parsed into jsonb, which is what may have refused it), the error and when, so that
 *   the updates behind it flow. Unique by (channel, channel_key) where the key is known, so a
 *   redelivery writes one row.
 * - `message.send_claimed_at` / `message.send_attempts`: delivery progress of an outbound row (the
 *   append-only trigger lists what may not change; these are not in it). A run of egress claims the
 *   reply before sending it, so two runs of one conversation's drain never send it twice; transient
 *   send failures are counted on the reply, and after the cap it is `failed`.
 */
export class Intake1764600000000 implements MigrationInterface {
  name = "Intake1764600000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dead_letter (
        id           bigserial PRIMARY KEY,
        channel      text NOT NULL,
        channel_key  text,
        reason       text NOT NULL CHECK (reason IN ('unreadable', 'refused')),
        error        text NOT NULL,
        payload      text NOT NULL,
        attempts     integer NOT NULL DEFAULT 1,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX dead_letter_channel_key ON dead_letter (channel, channel_key) WHERE channel_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX dead_letter_created_at ON dead_letter (created_at)`);
    await q.query(`
      ALTER TABLE message
        ADD COLUMN send_claimed_at  timestamptz,
        ADD COLUMN send_attempts    integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE message DROP COLUMN send_claimed_at, DROP COLUMN send_attempts`);
    await q.query(`DROP TABLE dead_letter`);
  }
}
