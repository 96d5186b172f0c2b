/** Apply pending migrations; several processes may start at once: one migrates while the others wait. */
import type { DataSource } from "typeorm";
import type { Logger } from "./logger";

const MIGRATION_LOCK = 7300;

export async function runMigrations(dataSource: DataSource, logger: Logger): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    const applied = await dataSource.runMigrations({ transaction: "each" });
    for (const m of applied) logger.info({ migration: m.name }, "migration applied");
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => undefined);
    await runner.release();
  }
}
