import { Column, Entity, PrimaryColumn } from "typeorm";

/** A patron's choice about messages the library sends first (/pengingat): no row means off. */
@Entity({ name: "reminder_preference" })
export class ReminderPreference {
  @PrimaryColumn({ name: "patron_id", type: "integer" })
  patronId!: number;

  @Column({ type: "boolean" })
  enabled!: boolean;

  @Column({ name: "changed_at", type: "timestamptz", default: () => "now()" })
  changedAt!: Date;
}
