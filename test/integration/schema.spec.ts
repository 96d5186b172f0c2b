/**
 * The TypeORM entities describe the schema the migrations build: every table has an entity,
 * every column its property with the same type and nullability, and every value list the code
 * uses (states, roles, authors, statuses) is exactly the table's CHECK constraint.
 */
import { expect } from "chai";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../ormconfig";
import { ACTOR_KINDS } from "../../shared/entities/audit-event";
import { CONVERSATION_STATES } from "../../shared/entities/conversation";
import { DEAD_LETTER_REASONS } from "../../shared/entities/dead-letter";
import { EVIDENCE_SOURCES } from "../../shared/entities/evidence-hash";
import { MEDIA_STORAGES } from "../../shared/entities/media";
import { AUTHORS, DIRECTIONS, MESSAGE_STATUSES } from "../../shared/entities/message";
import { DELIVERIES } from "../../shared/envelope";
import { RENEWAL_STAGES } from "../../shared/entities/renewal-intent";
import { STAFF_ROLES } from "../../shared/entities/staff-user";
import { testDatabaseUrl } from "../support/services";

/** TypeORM column type → PostgreSQL's udt_name. */
const UDT: Record<string, string> = {
  text: "text",
  integer: "int4",
  bigint: "int8",
  boolean: "bool",
  timestamptz: "timestamptz",
  jsonb: "jsonb",
  bytea: "bytea",
};

interface DbColumn {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: "YES" | "NO";
}

describe("entities and the migrated schema", () => {
  let ds: DataSource;
  let columns: DbColumn[];

  before(async () => {
    ds = createDataSource(testDatabaseUrl(), { poolSize: 1 });
    await ds.initialize();
    columns = await ds.query(
      `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
    );
  });
  after(() => ds?.destroy());

  it("has an entity for every table and a table for every entity", () => {
    const tables = [...new Set(columns.map((c) => c.table_name))].sort();
    const entities = ds.entityMetadatas.map((m) => m.tableName).sort();
    expect(entities).to.deep.equal(tables);
  });

  it("has every column of every table, with its type and nullability", () => {
    for (const meta of ds.entityMetadatas) {
      const inDb = columns.filter((c) => c.table_name === meta.tableName);
      const described = meta.columns.map((c): DbColumn => ({
        table_name: meta.tableName,
        column_name: c.databaseName,
        udt_name: UDT[String(c.type)] ?? `unmapped:${String(c.type)}`,
        is_nullable: c.isNullable ? "YES" : "NO",
      }));
      const byName = (a: DbColumn, b: DbColumn) => a.column_name.localeCompare(b.column_name);
      expect(described.sort(byName), meta.tableName).to.deep.equal([...inDb].sort(byName));
    }
  });

  it("uses exactly the value lists of the CHECK constraints", async () => {
    const checks: Array<{ table: string; def: string }> = await ds.query(
      `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`,
    );
    const listed = (table: string, column: string): string[] => {
      const found = checks.find((c) => c.table === table && c.def.includes(`(${column} = ANY`));
      if (!found) throw new Error(`no CHECK on ${table}.${column}`);
      return [...found.def.matchAll(/'([^']*)'::text/g)].map((m) => m[1]!);
    };
    expect(listed("conversation", "state")).to.deep.equal([...CONVERSATION_STATES]);
    expect(listed("message", "direction")).to.deep.equal([...DIRECTIONS]);
    expect(listed("message", "author")).to.deep.equal([...AUTHORS]);
    expect(listed("message", "status")).to.deep.equal([...MESSAGE_STATUSES]);
    expect(listed("message", "delivery")).to.deep.equal([...DELIVERIES]);
    expect(listed("staff_user", "role")).to.deep.equal([...STAFF_ROLES]);
    expect(listed("audit_event", "actor_kind")).to.deep.equal([...ACTOR_KINDS]);
    expect(listed("dead_letter", "reason")).to.deep.equal([...DEAD_LETTER_REASONS]);
    expect(listed("renewal_intent", "stage")).to.deep.equal([...RENEWAL_STAGES]);
    expect(listed("media", "storage")).to.deep.equal([...MEDIA_STORAGES]);
    expect(listed("evidence_hash", "source")).to.deep.equal([...EVIDENCE_SOURCES]);
  });
});
