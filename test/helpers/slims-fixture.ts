/**
 * A throwaway SLiMS database on the test MariaDB (docs/slims.md §6 subset, real column names
 * and types, a chosen storage engine, utf8mb4), seed helpers with sensible defaults, and a
 * least-privilege account holding exactly the GRANTs documented in shared/library/slims.ts.
 * SlimsLibrary under test connects as that account. `cleanup()` drops the user and the
 * database; only the database and user created here are ever touched. Long because it is mostly
 * data: SLiMS's table definitions and the seed rows, kept together with the helpers that fill them.
 */
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import mysql, { type Pool, type ResultSetHeader, type RowDataPacket } from "mysql2/promise";
import { slimsGrantStatements } from "../../shared/library/slims";
import { testMariadbUrl } from "../support/services";

export type Engine = "InnoDB" | "MyISAM";

function ddl(engine: Engine): string[] {
  const tail = `ENGINE=${engine} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;
  return [
    `CREATE TABLE member (
      member_id varchar(20) NOT NULL,
      member_name varchar(100) NOT NULL,
      gender int(1) NOT NULL DEFAULT 0,
      birth_date date DEFAULT NULL,
      member_type_id int(6) DEFAULT NULL,
      member_address varchar(255) DEFAULT NULL,
      member_email varchar(100) DEFAULT NULL,
      inst_name varchar(100) DEFAULT NULL,
      pin varchar(50) DEFAULT NULL,
      member_phone varchar(50) DEFAULT NULL,
      register_date date DEFAULT NULL,
      expire_date date NOT NULL,
      member_notes text DEFAULT NULL,
      is_pending smallint(1) NOT NULL DEFAULT 0,
      mpasswd varchar(64) DEFAULT NULL,
      input_date date DEFAULT NULL,
      last_update date DEFAULT NULL,
      PRIMARY KEY (member_id)
    ) ${tail}`,
    `CREATE TABLE mst_member_type (
      member_type_id int(11) NOT NULL AUTO_INCREMENT,
      member_type_name varchar(50) NOT NULL,
      loan_limit int(11) NOT NULL DEFAULT 2,
      loan_periode int(11) NOT NULL DEFAULT 7,
      enable_reserve int(1) NOT NULL DEFAULT 0,
      reserve_limit int(11) NOT NULL DEFAULT 0,
      member_periode int(11) NOT NULL DEFAULT 365,
      reborrow_limit int(11) NOT NULL DEFAULT 1,
      fine_each_day int(11) NOT NULL DEFAULT 0,
      grace_periode int(2) DEFAULT 0,
      input_date date DEFAULT NULL,
      last_update date DEFAULT NULL,
      PRIMARY KEY (member_type_id)
    ) ${tail}`,
    `CREATE TABLE mst_loan_rules (
      loan_rules_id int(11) NOT NULL AUTO_INCREMENT,
      member_type_id int(11) NOT NULL DEFAULT 0,
      coll_type_id int(11) DEFAULT 0,
      gmd_id int(11) DEFAULT 0,
      loan_limit int(3) DEFAULT 0,
      loan_periode int(3) DEFAULT 0,
      reborrow_limit int(3) DEFAULT 0,
      fine_each_day int(3) DEFAULT 0,
      grace_periode int(2) DEFAULT 0,
      input_date date DEFAULT NULL,
      last_update date DEFAULT NULL,
      PRIMARY KEY (loan_rules_id)
    ) ${tail}`,
    `CREATE TABLE mst_coll_type (
      coll_type_id int(3) NOT NULL AUTO_INCREMENT,
      coll_type_name varchar(30) NOT NULL,
      PRIMARY KEY (coll_type_id)
    ) ${tail}`,
    `CREATE TABLE biblio (
      biblio_id int(11) NOT NULL AUTO_INCREMENT,
      gmd_id int(3) DEFAULT NULL,
      title text NOT NULL,
      call_number varchar(50) DEFAULT NULL,
      PRIMARY KEY (biblio_id)
    ) ${tail}`,
    `CREATE TABLE item (
      item_id int(11) NOT NULL AUTO_INCREMENT,
      biblio_id int(11) DEFAULT NULL,
      call_number varchar(50) DEFAULT NULL,
      coll_type_id int(3) DEFAULT NULL,
      item_code varchar(20) DEFAULT NULL,
      item_status_id char(3) DEFAULT NULL,
      PRIMARY KEY (item_id),
      UNIQUE KEY item_code (item_code)
    ) ${tail}`,
    `CREATE TABLE loan (
      loan_id int(11) NOT NULL AUTO_INCREMENT,
      item_code varchar(20) DEFAULT NULL,
      member_id varchar(20) DEFAULT NULL,
      loan_date date NOT NULL,
      due_date date NOT NULL,
      renewed int(11) NOT NULL DEFAULT 0,
      loan_rules_id int(11) NOT NULL DEFAULT 0,
      actual date DEFAULT NULL,
      is_lent int(11) NOT NULL DEFAULT 0,
      is_return int(11) NOT NULL DEFAULT 0,
      return_date date DEFAULT NULL,
      input_date datetime DEFAULT NULL,
      last_update datetime DEFAULT NULL,
      uid int(11) DEFAULT NULL,
      PRIMARY KEY (loan_id),
      KEY member_id (member_id)
    ) ${tail}`,
    `CREATE TABLE reserve (
      reserve_id int(11) NOT NULL AUTO_INCREMENT,
      member_id varchar(20) NOT NULL,
      biblio_id int(11) NOT NULL,
      item_code varchar(20) NOT NULL,
      reserve_date datetime NOT NULL,
      PRIMARY KEY (reserve_id)
    ) ${tail}`,
    `CREATE TABLE fines (
      fines_id int(11) NOT NULL AUTO_INCREMENT,
      fines_date date NOT NULL,
      member_id varchar(20) NOT NULL,
      debet int(11) DEFAULT 0,
      credit int(11) DEFAULT 0,
      description varchar(255) DEFAULT NULL,
      PRIMARY KEY (fines_id)
    ) ${tail}`,
    `CREATE TABLE holiday (
      holiday_id int(11) NOT NULL AUTO_INCREMENT,
      holiday_dayname varchar(20) NOT NULL,
      holiday_date date DEFAULT NULL,
      description varchar(100) DEFAULT NULL,
      PRIMARY KEY (holiday_id)
    ) ${tail}`,
    `CREATE TABLE setting (
      setting_id int(3) NOT NULL AUTO_INCREMENT,
      setting_name varchar(30) NOT NULL,
      setting_value text DEFAULT NULL,
      PRIMARY KEY (setting_id),
      UNIQUE KEY setting_name (setting_name)
    ) ${tail}`,
    `CREATE TABLE system_log (
      log_id int(11) NOT NULL AUTO_INCREMENT,
      log_type enum('staff','member','system') NOT NULL DEFAULT 'staff',
      id varchar(50) DEFAULT NULL,
      log_location varchar(50) NOT NULL,
      sub_module varchar(50) DEFAULT NULL,
      action varchar(50) DEFAULT NULL,
      log_msg text NOT NULL,
      log_date datetime NOT NULL,
      PRIMARY KEY (log_id)
    ) ${tail}`,
  ];
}

const TABLES = [
  "member",
  "mst_member_type",
  "mst_loan_rules",
  "mst_coll_type",
  "biblio",
  "item",
  "loan",
  "reserve",
  "fines",
  "holiday",
  "setting",
  "system_log",
];

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
    readonly database: string,
    /** URL of the least-privilege account: what SlimsLibrary connects with. */
    readonly relayUrl: string,
    /** The account, e.g. `'sr_123_ab12cd'@'%'`. */
    readonly relayUser: string,
    /** root on this database only: seeding and assertions. */
    readonly admin: Pool,
  ) {}

  static async create(engine: Engine): Promise<SlimsFixture> {
    const tag = `${process.pid}_${randomBytes(4).toString("hex")}`;
    const database = `slims_test_${tag}`;
    const user = `sr_${tag}`;
    const account = `'${user}'@'%'`;
    const password = randomBytes(12).toString("hex");
    const root = await mysql.createConnection({ uri: testMariadbUrl(), charset: "utf8mb4" });
    try {
      await root.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await root.query(`USE \`${database}\``);
      await root.query(`SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'`);
      for (const statement of ddl(engine)) await root.query(statement);
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
    // Legacy rows (zero dates) must be insertable by the seeding account.
    admin.on("connection", (conn) => {
      conn.query("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
    });
    const relayUrl = new URL(testMariadbUrl());
    relayUrl.username = user;
    relayUrl.password = password;
    relayUrl.pathname = `/${database}`;
    return new SlimsFixture(engine, database, relayUrl.toString(), account, admin);
  }

  /** Empties every table (between tests). */
  async reset(): Promise<void> {
    for (const table of TABLES) await this.admin.query(`DELETE FROM \`${table}\``);
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
         fine_each_day, grace_periode, reserve_limit, member_periode, enable_reserve)
       VALUES (?, ?, ?, ?, ?, ?, ?, 2, 365, 1)`,
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
         fine_each_day, grace_periode) VALUES (?, ?, ?, 5, ?, ?, ?, ?)`,
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
    return (await this.exec(`INSERT INTO mst_coll_type (coll_type_name) VALUES (?)`, [name])).insertId;
  }

  async member(seed: MemberSeed = {}): Promise<string> {
    const memberId = seed.memberId ?? `M${String(this.next()).padStart(6, "0")}`;
    await this.exec(
      `INSERT INTO member (member_id, member_name, member_type_id, member_email, member_phone, birth_date,
         expire_date, is_pending, mpasswd, register_date, input_date, last_update)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2024-01-01', '2024-01-01', '2024-01-01')`,
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
        await this.exec(`INSERT INTO biblio (title, gmd_id) VALUES (?, ?)`, [
          seed.title ?? `Judul ${this.next()}`,
          seed.gmdId === undefined ? 1 : seed.gmdId,
        ])
      ).insertId;
    const itemCode = seed.itemCode ?? `B${String(this.next()).padStart(5, "0")}`;
    await this.exec(
      `INSERT INTO item (biblio_id, coll_type_id, item_code, item_status_id) VALUES (?, ?, ?, '0')`,
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

  async logsOf(memberId: string): Promise<RowDataPacket[]> {
    return this.query(
      `SELECT log_type, id, log_location, sub_module, action, log_msg, log_date FROM system_log WHERE id = ? ORDER BY log_id`,
      [memberId],
    );
  }

  async tableEngine(table: string): Promise<string | undefined> {
    const rows = await this.query<RowDataPacket & { ENGINE: string }>(
      `SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      [this.database, table],
    );
    return rows[0]?.ENGINE;
  }
}
