/**
 * The one TypeORM DataSource: entities from shared/entities, schema only through migrations/.
 * `createDataSource(url)` is what the service uses; the default export serves the TypeORM CLI
 * (`npx typeorm migration:show -d dist/ormconfig.js`) and reads DATABASE_URL.
 */
import "reflect-metadata";
import { DataSource } from "typeorm";
import { ENTITIES } from "./shared/entities";
import { Init1764300000000 } from "./migrations/1764300000000-Init";
import { Dialog1764350000000 } from "./migrations/1764350000000-Dialog";
import { Console1764400000000 } from "./migrations/1764400000000-Console";
import { LateRedaction1764500000000 } from "./migrations/1764500000000-LateRedaction";
import { Intake1764600000000 } from "./migrations/1764600000000-Intake";
import { AppendOnlyAudit1764700000000 } from "./migrations/1764700000000-AppendOnlyAudit";
import { Availability1764800000000 } from "./migrations/1764800000000-Availability";
import { RenewalMoment1764850000000 } from "./migrations/1764850000000-RenewalMoment";
import { Media1764900000000 } from "./migrations/1764900000000-Media";
import { DeliveryAcks1764950000000 } from "./migrations/1764950000000-DeliveryAcks";
import { EvidenceChain1765100000000 } from "./migrations/1765100000000-EvidenceChain";
import { EvidenceNotesMedia1765200000000 } from "./migrations/1765200000000-EvidenceNotesMedia";
import { Reminders1765300000000 } from "./migrations/1765300000000-Reminders";
import { Faq1765400000000 } from "./migrations/1765400000000-Faq";
import { ServiceCalendar1765500000000 } from "./migrations/1765500000000-ServiceCalendar";
import { ConsoleLookupIndexes1765600000000 } from "./migrations/1765600000000-ConsoleLookupIndexes";

export const MIGRATIONS = [
  Init1764300000000,
  Dialog1764350000000,
  Console1764400000000,
  LateRedaction1764500000000,
  Intake1764600000000,
  AppendOnlyAudit1764700000000,
  Availability1764800000000,
  RenewalMoment1764850000000,
  Media1764900000000,
  DeliveryAcks1764950000000,
  EvidenceChain1765100000000,
  EvidenceNotesMedia1765200000000,
  Reminders1765300000000,
  Faq1765400000000,
  ServiceCalendar1765500000000,
  ConsoleLookupIndexes1765600000000,
];

export function createDataSource(url: string, options: { poolSize?: number; applicationName?: string } = {}) {
  return new DataSource({
    type: "postgres",
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: "typeorm_migrations",
    synchronize: false,
    logging: false,
    poolSize: options.poolSize ?? 20,
    applicationName: options.applicationName ?? "pustaka-relay",
    // A session idle inside a transaction for a minute is a bug (no transaction waits on anything
    // outside PostgreSQL): the server ends it rather than let it hold locks and a connection.
    extra: { connectionTimeoutMillis: 5000, idle_in_transaction_session_timeout: 60_000 },
  });
}

export default createDataSource(
  process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/pustaka_relay",
);
