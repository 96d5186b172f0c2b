import { Column, Entity, PrimaryColumn } from "typeorm";

/** How often the relay failed on one inbound message (any job, any process): given up after N. */
@Entity({ name: "inbound_failure" })
export class InboundFailure {
  @PrimaryColumn({ name: "message_id", type: "bigint" })
  messageId!: string;

  @Column({ type: "integer" })
  failures!: number;

  @Column({ name: "last_error", type: "text" })
  lastError!: string;

  @Column({ name: "updated_at", type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
