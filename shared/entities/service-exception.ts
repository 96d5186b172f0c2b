import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

export const SERVICE_EXCEPTION_KINDS = ["closed", "hours"] as const;

/**
 * A dated exception the library set in the console: closed (a holiday, with its name in id/en)
 * or other hours (`spans`, `[[480, 840]]`) from `starts_on` to `ends_on` inclusive, YYYY-MM-DD on
 * the library's wall clock. It wins over the library system's holidays on the same dates.
 */
@Entity({ name: "service_exception" })
export class ServiceException {
  @PrimaryGeneratedColumn({ type: "integer" })
  id!: number;

  @Column({ type: "text" })
  kind!: (typeof SERVICE_EXCEPTION_KINDS)[number];

  @Column({ name: "starts_on", type: "text" })
  startsOn!: string;

  @Column({ name: "ends_on", type: "text" })
  endsOn!: string;

  @Column({ type: "jsonb", nullable: true })
  spans!: Array<[number, number]> | null;

  /** other hours only on these weekdays of the range (`["mon", …]`); null: every day */
  @Column({ type: "jsonb", nullable: true })
  weekdays!: string[] | null;

  @Column({ name: "name_id", type: "text", nullable: true })
  nameId!: string | null;

  @Column({ name: "name_en", type: "text", nullable: true })
  nameEn!: string | null;

  @Column({ name: "created_by", type: "integer", nullable: true })
  createdBy!: number | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
