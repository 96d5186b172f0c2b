import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * The weekly service hours as an admin last saved them in the console (one row, id 1; none until
 * then, and LIBRARY_HOURS stands: docs/calendar.md). `hours`: `{"mon": [[480, 960]], …}`.
 */
@Entity({ name: "service_week" })
export class ServiceWeek {
  @PrimaryColumn({ type: "integer" })
  id!: number;

  @Column({ type: "jsonb" })
  hours!: Record<string, Array<[number, number]>>;

  @Column({ name: "updated_by", type: "integer", nullable: true })
  updatedBy!: number | null;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
