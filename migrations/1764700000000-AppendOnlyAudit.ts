import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Append-only beyond row triggers: `TRUNCATE` fires no row trigger, so the message log and the
 * audit log each get a statement-level trigger refusing it; `audit_event` gets the row trigger
 * the message log already had (no UPDATE, no DELETE). This is against our own bugs and a
 * compromised runtime role without DDL rights: a table's owner can still drop the trigger, which
 * is why the runtime should not own the tables (README "Security", `npm run db:roles`).
 */
export class AppendOnlyAudit1764700000000 implements MigrationInterface {
  name = "AppendOnlyAudit1764700000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of ["message", "audit_event"])
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()`);
    await q.query(`
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
      FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    // Expired console sessions are purged (web/console/staff.ts): find them without a scan.
    await q.query(`CREATE INDEX staff_session_expires ON staff_session (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX staff_session_expires`);
    await q.query(`DROP TRIGGER audit_event_append_only ON audit_event`);
    await q.query(`DROP FUNCTION audit_event_append_only`);
    for (const table of ["message", "audit_event"])
      await q.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
    await q.query(`DROP FUNCTION refuse_truncate`);
  }
}
