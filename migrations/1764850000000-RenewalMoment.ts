import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * SLiMS fidelity (issue 9): a renewal keeps the moment it was made, on the library's wall clock
 * (`YYYY-MM-DD HH:MM:SS`), so a retry that completes it writes `system_log.log_date` as SLiMS's
 * PHP `date()` would have at the Extend click, not the moment of the retry. NULL on intents
 * recorded before this column existed.
 */
export class RenewalMoment1764850000000 implements MigrationInterface {
  name = "RenewalMoment1764850000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE renewal_intent ADD COLUMN renewed_at text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE renewal_intent DROP COLUMN renewed_at`);
  }
}
