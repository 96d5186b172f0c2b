import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Delivery acks (issue 10, WhatsApp's `message_ack`): how far a sent reply got — the server, the
 * patron's device, read, played — on the reply's own row. `delivery` is delivery progress, which
 * the append-only trigger lets change (it guards what was said, not these columns); it is only
 * ever raised (message-log.ts recordDelivery). A delivery error marks the reply `failed`.
 *
 * Acks name the channel's message id: the partial index finds the reply without a scan.
 * The value list must equal DELIVERIES in shared/envelope.ts (test/integration/schema.spec.ts).
 */
export class DeliveryAcks1764950000000 implements MigrationInterface {
  name = "DeliveryAcks1764950000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE message
        ADD COLUMN delivery text CHECK (delivery IN ('server', 'device', 'read', 'played')),
        ADD COLUMN delivery_at timestamptz`);
    await q.query(`
      CREATE INDEX message_outbound_channel_id ON message (channel, channel_message_id)
      WHERE direction = 'out' AND channel_message_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX message_outbound_channel_id`);
    await q.query(`ALTER TABLE message DROP COLUMN delivery_at, DROP COLUMN delivery`);
  }
}
