import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The service calendar (issue 14), managed in the console: the weekly service hours and the
 * library's dated exceptions (a closed day with a name, or other hours for a date range).
 *
 * `service_week` holds at most one row (id = 1): absent until an admin first saves the weekly
 * hours, and until then LIBRARY_HOURS is the weekly hours (docs/calendar.md). Its `hours` is
 * `{"mon": [[480, 960]], …}`, minutes of the library's wall clock. Dates are `YYYY-MM-DD` on the
 * library's wall clock (text, as the rest of the code passes them). Other hours apply on
 * `weekdays` of the range only (`["mon", …]`; NULL: every day), so Ramadan hours leave the
 * weekend closed. The library system's holidays
 * (SLiMS `holiday`) are not copied here: they are read through its port as they change.
 */
export class ServiceCalendar1765500000000 implements MigrationInterface {
  name = "ServiceCalendar1765500000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_week (
        id          integer PRIMARY KEY CHECK (id = 1),
        hours       jsonb NOT NULL,
        updated_by  integer REFERENCES staff_user(id),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE service_exception (
        id          serial PRIMARY KEY,
        kind        text NOT NULL CHECK (kind IN ('closed', 'hours')),
        starts_on   text NOT NULL CHECK (starts_on ~ '^\\d{4}-\\d{2}-\\d{2}$'),
        ends_on     text NOT NULL CHECK (ends_on ~ '^\\d{4}-\\d{2}-\\d{2}$'),
        spans       jsonb,
        weekdays    jsonb,
        name_id     text,
        name_en     text,
        created_by  integer REFERENCES staff_user(id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_on >= starts_on),
        CHECK ((kind = 'hours') = (spans IS NOT NULL)),
        CHECK (kind = 'hours' OR weekdays IS NULL)
      )`);
    await q.query(`CREATE INDEX service_exception_range ON service_exception (starts_on, ends_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_exception`);
    await q.query(`DROP TABLE service_week`);
  }
}
