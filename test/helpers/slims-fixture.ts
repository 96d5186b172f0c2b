/**
 * A throwaway SLiMS database on the test MariaDB: the tables pustaka-relay touches exactly as the
 * SLiMS 9 installer creates them (or SLiMS 8's, `version: "8"`), with the 9 installer's
 * `loan_history` triggers, in MyISAM (the installers' default) or InnoDB; seed helpers with
 * sensible defaults; and a least-privilege account holding exactly the GRANTs documented in
 * shared/library/slims.ts. SlimsLibrary under test connects as that account. `cleanup()` drops
 * the user and the database; only the database and user created here are ever touched.
 * The DDL and where it comes from: slims-schema/ and docs/slims.md §7.
 */
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import mysql, { type Pool, type ResultSetHeader, type RowDataPacket } from "mysql2/promise";
import { slimsGrantStatements } from "../../shared/library/slims";
import { testMariadbUrl } from "../support/services";
import { type Engine, type SlimsSchema, type SlimsVersion, slimsSchema } from "./slims-schema";

export type { Engine, SlimsVersion } from "./slims-schema";

export interface FixtureOptions {
  /** Which installer's schema (default "9", SLiMS 9 Bulian; "8" is SLiMS 8.3.1 Akasia). */
  version?: SlimsVersion;
}

export interface MemberSeed {
  memberId?: string;
  name?: string;
  memberTypeId?: number;
  email?: string | null;
  phone?: string | null;
  birthDate?: string | null;
  expireDate?: string;
  isPending?: boolean;
  mpasswd?: string | null;
}

export interface MemberTypeSeed {
  memberTypeId?: number;
  name?: string;
  loanLimit?: number;
  loanPeriod?: number;
  renewLimit?: number;
  finePerDay?: number;
  graceDays?: number | null;
}

/** The member type the chat specs use: 7-day loans, 2 renewals, Rp1.000 a day, no grace, 5 loans. */
export const CHAT_MEMBER_TYPE: MemberTypeSeed = {
  loanPeriod: 7,
  renewLimit: 2,
  finePerDay: 1000,
  graceDays: 0,
  loanLimit: 5,
};

/** A bcrypt hash as PHP writes it (`$2y$`), which SLiMS stores in `member.mpasswd`. */
export async function phpBcrypt(password: string): Promise<string> {
  return (await bcrypt.hash(password, 8)).replace(/^\$2[ab]\$/, "$2y$");
}

export interface LoanRuleSeed {
  memberTypeId: number;
  collTypeId?: number;
  gmdId?: number;
  loanPeriod?: number;
  renewLimit?: number;
  finePerDay?: number;
  graceDays?: number;
}

export interface CopySeed {
  /** Reuse a title (another copy of it); default: a new biblio record. */
  biblioId?: number;
  title?: string;
  gmdId?: number | null;
  itemCode?: string;
  collTypeId?: number | null;
}

export interface LoanSeed extends CopySeed {
  memberId: string;
  loanDate?: string;
  dueDate: string;
  renewed?: number;
  loanRulesId?: number;
  isLent?: number;
  isReturn?: number;
  returnDate?: string | null;
}

export interface LoanRow extends RowDataPacket {
  loan_id: number;
  item_code: string;
  member_id: string;
  loan_date: string;
  due_date: string;
  renewed: number;
  loan_rules_id: number;
  is_lent: number;
  is_return: number;
  return_date: string | null;
  last_update: string | null;
}

export class SlimsFixture {
  private seq = 0;

  private constructor(
    readonly engine: Engine,
    readonly schema: SlimsSchema,
    readonly database: string,
    /** URL of the least-privilege account: what SlimsLibrary connects with. */
    readonly relayUrl: string,
    /** The account, e.g. `'sr_123_ab12cd'@'%'`. */
    readonly relayUser: string,
    /** root on this database only: seeding and assertions. */
    readonly admin: Pool,
  ) {}

  get version(): SlimsVersion {
    return this.schema.version;
  }

  static async create(engine: Engine = "MyISAM", options: FixtureOptions = {}): Promise<SlimsFixture> {
    const schema = slimsSchema(options.version ?? "9", engine);
    const tag = `${process.pid}_${randomBytes(4).toString("hex")}`;
    const database = `slims_test_${tag}`;
    const user = `sr_${tag}`;
    const account = `'${user}'@'%'`;
    const password = randomBytes(12).toString("hex");
    const root = await mysql.createConnection({ uri: testMariadbUrl(), charset: "utf8mb4" });
    try {
      // As the installer: its database default, its tables, then its triggers (DEFINER = root).
      await root.query(`CREATE DATABASE \`${database}\` ${schema.databaseDefault}`);
      await root.query(`USE \`${database}\``);
      for (const statement of [...schema.tables, ...schema.triggers]) await root.query(statement);
      await root.query(`CREATE USER ${account} IDENTIFIED BY '${password}'`);
      for (const grant of slimsGrantStatements(database, account)) await root.query(grant);
    } catch (err) {
      await root.query(`DROP USER IF EXISTS ${account}`).catch(() => undefined);
      await root.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
      throw err;
    } finally {
      await root.end();
    }
    const adminUrl = new URL(testMariadbUrl());
    adminUrl.pathname = `/${database}`;
    const admin = mysql.createPool({
      uri: adminUrl.toString(),
      dateStrings: true,
      charset: "utf8mb4",
      connectionLimit: 2,
    });
    // Not strict, like the old MySQL servers SLiMS ran on: legacy rows (zero dates) must be
    // insertable by the seeding account. The relay's account keeps the server's (strict) mode.
    admin.on("connection", (conn) => {
      conn.query("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
    });
    const relayUrl = new URL(testMariadbUrl());
    relayUrl.username = user;
    relayUrl.password = password;
    relayUrl.pathname = `/${database}`;
    return new SlimsFixture(engine, schema, database, relayUrl.toString(), account, admin);
  }

  /** Empties every table (between tests); deleting the loans also empties loan_history (trigger). */
  async reset(): Promise<void> {
    for (const table of this.schema.tableNames) await this.admin.query(`DELETE FROM \`${table}\``);
    this.seq = 0;
  }

  async cleanup(): Promise<void> {
    await this.admin.end().catch(() => undefined);
    const root = await mysql.createConnection({ uri: testMariadbUrl() });
    try {
      await root.query(`DROP USER IF EXISTS ${this.relayUser}`);
      await root.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
    } finally {
      await root.end();
    }
  }

  async query<T extends RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.admin.query<T[]>(sql, params);
    return rows;
  }

  async exec(sql: string, params: unknown[] = []): Promise<ResultSetHeader> {
    const [result] = await this.admin.query<ResultSetHeader>(sql, params);
    return result;
  }

  private next(): number {
    return ++this.seq;
  }

  async memberType(seed: MemberTypeSeed = {}): Promise<number> {
    const result = await this.exec(
      `INSERT INTO mst_member_type (member_type_id, member_type_name, loan_limit, loan_periode, reborrow_limit,
         fine_each_day, grace_periode, reserve_limit, member_periode, enable_reserve, input_date, last_update)
       VALUES (?, ?, ?, ?, ?, ?, ?, 2, 365, 1, '2024-01-01', '2024-01-01')`,
      [
        seed.memberTypeId ?? null,
        seed.name ?? `Type ${this.next()}`,
        seed.loanLimit ?? 2,
        seed.loanPeriod ?? 7,
        seed.renewLimit ?? 1,
        seed.finePerDay ?? 0,
        seed.graceDays === undefined ? 0 : seed.graceDays,
      ],
    );
    return seed.memberTypeId ?? result.insertId;
  }

  async loanRule(seed: LoanRuleSeed): Promise<number> {
    const result = await this.exec(
      `INSERT INTO mst_loan_rules (member_type_id, coll_type_id, gmd_id, loan_limit, loan_periode, reborrow_limit,
         fine_each_day, grace_periode, input_date, last_update) VALUES (?, ?, ?, 5, ?, ?, ?, ?, '2024-01-01', '2024-01-01')`,
      [
        seed.memberTypeId,
        seed.collTypeId ?? 0,
        seed.gmdId ?? 0,
        seed.loanPeriod ?? 7,
        seed.renewLimit ?? 1,
        seed.finePerDay ?? 0,
        seed.graceDays ?? 0,
      ],
    );
    return result.insertId;
  }

  async collType(name = `Koleksi ${this.next()}`): Promise<number> {
    return (
      await this.exec(
        `INSERT INTO mst_coll_type (coll_type_name, input_date, last_update) VALUES (?, '2024-01-01', '2024-01-01')`,
        [name],
      )
    ).insertId;
  }

  async member(seed: MemberSeed = {}): Promise<string> {
    const memberId = seed.memberId ?? `M${String(this.next()).padStart(6, "0")}`;
    await this.exec(
      `INSERT INTO member (member_id, member_name, gender, member_type_id, member_email, member_phone, birth_date,
         expire_date, is_pending, mpasswd, member_since_date, register_date, input_date, last_update)
       VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, '2024-01-01', '2024-01-01', '2024-01-01', '2024-01-01')`,
      [
        memberId,
        seed.name ?? `Anggota ${memberId}`,
        seed.memberTypeId ?? 1,
        seed.email ?? null,
        seed.phone ?? null,
        seed.birthDate ?? null,
        seed.expireDate ?? "2030-12-31",
        seed.isPending ? 1 : 0,
        seed.mpasswd ?? null,
      ],
    );
    return memberId;
  }

  /** A copy (item) of a title (biblio); a new biblio record unless `biblioId` is given. */
  async copy(seed: CopySeed = {}): Promise<{ biblioId: number; itemCode: string }> {
    const biblioId =
      seed.biblioId ??
      (
        await this.exec(
          `INSERT INTO biblio (title, gmd_id, input_date, last_update) VALUES (?, ?, NOW(), NOW())`,
          [seed.title ?? `Judul ${this.next()}`, seed.gmdId === undefined ? 1 : seed.gmdId],
        )
      ).insertId;
    const itemCode = seed.itemCode ?? `B${String(this.next()).padStart(5, "0")}`;
    await this.exec(
      `INSERT INTO item (biblio_id, coll_type_id, item_code, item_status_id, input_date, last_update)
       VALUES (?, ?, ?, '0', NOW(), NOW())`,
      [biblioId, seed.collTypeId === undefined ? 1 : seed.collTypeId, itemCode],
    );
    return { biblioId, itemCode };
  }

  /** An open loan (by default) of a new copy, or of `itemCode` if that copy exists already. */
  async loan(seed: LoanSeed): Promise<{ loanId: number; itemCode: string; biblioId: number }> {
    const copy =
      seed.itemCode && (await this.itemExists(seed.itemCode))
        ? await this.copyOf(seed.itemCode)
        : await this.copy(seed);
    const result = await this.exec(
      `INSERT INTO loan (item_code, member_id, loan_date, due_date, renewed, loan_rules_id, is_lent, is_return,
         return_date, input_date, last_update, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(), NOW(), 1)`,
      [
        copy.itemCode,
        seed.memberId,
        seed.loanDate ?? "2025-01-01",
        seed.dueDate,
        seed.renewed ?? 0,
        seed.loanRulesId ?? 0,
        seed.isLent ?? 1,
        seed.isReturn ?? 0,
        seed.returnDate ?? null,
      ],
    );
    return { loanId: result.insertId, ...copy };
  }

  private async itemExists(itemCode: string): Promise<boolean> {
    return (await this.query(`SELECT 1 FROM item WHERE item_code = ?`, [itemCode])).length > 0;
  }

  private async copyOf(itemCode: string): Promise<{ biblioId: number; itemCode: string }> {
    const rows = await this.query<RowDataPacket & { biblio_id: number }>(
      `SELECT biblio_id FROM item WHERE item_code = ?`,
      [itemCode],
    );
    return { biblioId: rows[0]!.biblio_id, itemCode };
  }

  async reserve(memberId: string, itemCode: string, biblioId: number): Promise<void> {
    await this.exec(
      `INSERT INTO reserve (member_id, biblio_id, item_code, reserve_date) VALUES (?, ?, ?, NOW())`,
      [memberId, biblioId, itemCode],
    );
  }

  /** A weekly closing day (`sun`, …) or, with a date, a dated holiday. */
  async holiday(dayname: string, date: string | null = null, description = "Libur"): Promise<void> {
    await this.exec(`INSERT INTO holiday (holiday_dayname, holiday_date, description) VALUES (?, ?, ?)`, [
      dayname,
      date,
      description,
    ]);
  }

  /** Many dated holidays at once (a library with a long history): one multi-row INSERT. */
  async datedHolidays(dates: string[], description = "Libur"): Promise<void> {
    if (dates.length === 0) return;
    const rows = dates.map((date) => [dayname(date), date, description]);
    await this.exec(`INSERT INTO holiday (holiday_dayname, holiday_date, description) VALUES ?`, [rows]);
  }

  async setting(name: string, value: string): Promise<void> {
    await this.exec(
      `INSERT INTO setting (setting_name, setting_value) VALUES (?, ?)
       ON DUPLICATE KEY UPDATE setting_value = VALUES(setting_value)`,
      [name, value],
    );
  }

  async fine(memberId: string, debet: number, credit = 0, date = "2025-01-01"): Promise<void> {
    await this.exec(
      `INSERT INTO fines (fines_date, member_id, debet, credit, description) VALUES (?, ?, ?, ?, ?)`,
      [date, memberId, debet, credit, "Denda lama"],
    );
  }

  async loanRow(loanId: number): Promise<LoanRow> {
    const rows = await this.query<LoanRow>(`SELECT * FROM loan WHERE loan_id = ?`, [loanId]);
    if (!rows[0]) throw new Error(`no loan ${loanId}`);
    return rows[0];
  }

  async finesOf(
    memberId: string,
  ): Promise<
    Array<RowDataPacket & { fines_date: string; debet: number; credit: number; description: string }>
  > {
    return this.query(
      `SELECT fines_date, debet, credit, description FROM fines WHERE member_id = ? ORDER BY fines_id`,
      [memberId],
    );
  }

  /** The member's system_log rows, every column the version has (SLiMS 8: no sub_module, action). */
  async logsOf(memberId: string): Promise<RowDataPacket[]> {
    return this.query(`SELECT * FROM system_log WHERE id = ? ORDER BY log_id`, [memberId]).then((rows) =>
      rows.map(({ log_id: _id, ...rest }) => rest as RowDataPacket),
    );
  }

  /** SLiMS 9's copy of the loan (kept by the triggers on `loan`); undefined if none. */
  async loanHistory(loanId: number): Promise<RowDataPacket | undefined> {
    return (await this.query(`SELECT * FROM loan_history WHERE loan_id = ?`, [loanId]))[0];
  }

  async tableEngine(table: string): Promise<string | undefined> {
    const rows = await this.query<RowDataPacket & { ENGINE: string }>(
      `SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      [this.database, table],
    );
    return rows[0]?.ENGINE;
  }

  /** What MariaDB reports of the database this fixture created (to compare with the installer's). */
  async installed(): Promise<{
    databaseCollation: string;
    tables: Array<{ name: string; engine: string; collation: string }>;
    triggers: string[];
  }> {
    const [schema] = await this.query<RowDataPacket & { c: string }>(
      `SELECT DEFAULT_COLLATION_NAME AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`,
      [this.database],
    );
    const tables = await this.query<RowDataPacket & { name: string; engine: string; collation: string }>(
      `SELECT TABLE_NAME AS name, ENGINE AS engine, TABLE_COLLATION AS collation
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
      [this.database],
    );
    const triggers = await this.query<RowDataPacket & { t: string }>(
      `SELECT CONCAT(TRIGGER_NAME, ': ', ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ON ', EVENT_OBJECT_TABLE) AS t
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME`,
      [this.database],
    );
    return {
      databaseCollation: schema!.c,
      tables: tables.map(({ name, engine, collation }) => ({ name, engine, collation })),
      triggers: triggers.map((r) => r.t),
    };
  }

  async columnsOf(table: string): Promise<string[]> {
    const rows = await this.query<RowDataPacket & { c: string }>(
      `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
       ORDER BY ORDINAL_POSITION`,
      [this.database, table],
    );
    return rows.map((r) => r.c);
  }
}

/** SLiMS writes a dated holiday's day name as PHP date('D'): Mon, Tue, … */
function dayname(isoDate: string): string {
  return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][new Date(`${isoDate}T00:00:00Z`).getUTCDay()]!;
}
