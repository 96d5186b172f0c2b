import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Two lookups the console makes whenever a librarian opens a conversation read whole tables
 * without these (measured with auto_explain in the bench's fan-out section, docs/PERFORMANCE.md):
 * - `channel_identity (patron_id)`: whether the patron is verified (web/console/conversations.ts
 *   `patron`), also unlinking, reminders, announcements and retention — every identity was read;
 * - `conversation (channel, chat_id, id)`: a chat's earlier conversations, for its history
 *   (`history`) — the unique index on (channel, chat_id) holds open conversations only, so every
 *   conversation was read.
 * Both grow with the library, not with the conversation.
 */
export class ConsoleLookupIndexes1765600000000 implements MigrationInterface {
  name = "ConsoleLookupIndexes1765600000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX channel_identity_patron ON channel_identity (patron_id)`);
    await q.query(`CREATE INDEX conversation_chat ON conversation (channel, chat_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX conversation_chat`);
    await q.query(`DROP INDEX channel_identity_patron`);
  }
}
