/**
 * The installer schema of a SLiMS version, for the test fixture (slims-fixture.ts). The storage
 * engine is chosen the way SLiMS 9's installer does it (install/SLiMS.inc.php query()): its DDL
 * says MyISAM and a chosen engine replaces the word. Sources and differences: docs/slims.md §7.
 */
import * as v8 from "./slims8";
import * as v9 from "./slims9";

export type SlimsVersion = "9" | "8";
export type Engine = "InnoDB" | "MyISAM";

export const SLIMS_VERSIONS: readonly SlimsVersion[] = ["9", "8"];

export interface SlimsSchema {
  version: SlimsVersion;
  /** What CREATE DATABASE gets (the installer's database default, not the tables'). */
  databaseDefault: string;
  /** CREATE TABLE statements, in the chosen engine. */
  tables: string[];
  /** CREATE TRIGGER statements (run after the tables). */
  triggers: string[];
  /** The tables created, in creation order. */
  tableNames: string[];
}

export function slimsSchema(version: SlimsVersion, engine: Engine): SlimsSchema {
  const source = version === "9" ? v9 : v8;
  const tables = source.TABLES.map((ddl) => ddl.replace("ENGINE=MyISAM", `ENGINE=${engine}`));
  return {
    version,
    databaseDefault: source.DATABASE_DEFAULT,
    tables,
    triggers: source.TRIGGERS,
    tableNames: tables.map(tableName),
  };
}

function tableName(ddl: string): string {
  const match = /^CREATE TABLE (\w+)/.exec(ddl);
  if (!match) throw new Error(`not a CREATE TABLE: ${ddl.slice(0, 40)}`);
  return match[1]!;
}
