/**
 * SlimsLibrary: the library port over a SLiMS database (MySQL/MariaDB via mysql2).
 *
 * Reads and writes SLiMS's own tables with their real column names (docs/slims.md §6),
 * selecting named columns only (extra columns of other versions are ignored). Dates are
 * read as strings (`dateStrings: true`); legacy zero dates (`0000-00-00`) read as null.
 * The rules themselves live in renewal-rules.ts and circulation-dates.ts, shared with DemoLibrary.
 *
 * Longer than our usual file on purpose: this is the one file that knows SLiMS's tables (ESLint
 * lets only it import mysql2), so every query and write against SLiMS can be reviewed in one place.
 *
 * Writes: a renewal is one conditional UPDATE of `loan` that must change exactly one row
 * (the default engine is MyISAM, so there are no transactions: the WHERE clause is the
 * guard). A concurrent or repeated renewal of the same loan loses cleanly. The `fines`
 * row and the `system_log` row are written only after the UPDATE succeeded, so a lost
 * race never charges a fine. With a RenewalJournal the renewal is recorded (in PostgreSQL)
 * before the UPDATE and advanced after each write, so a retry after a failure between the
 * writes completes it: the fine is written if it is missing, never twice.
 *
 * ── Least privileges ────────────────────────────────────────────────────────────────
 * SELECT on member (only the columns read: no address, birth date or PIN), mst_member_type,
 * mst_loan_rules, loan, item, biblio, reserve, fines, holiday, setting; UPDATE on the five
 * loan columns a renewal writes; INSERT on fines and system_log. Nothing else: no DELETE,
 * no UPDATE of member (the MD5 → bcrypt rewrite SLiMS does at login is never done here).
 * For a SLiMS database `slims` and an account reaching it from the relay's host:
 *
 *   CREATE USER 'pustaka_relay'@'10.0.0.%' IDENTIFIED BY '<a long random password>';
 *   GRANT SELECT (member_id, member_name, member_type_id, member_email, member_phone,
 *     expire_date, is_pending, mpasswd) ON `slims`.`member` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`mst_member_type` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`mst_loan_rules` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`loan` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`item` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`biblio` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`reserve` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`fines` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`holiday` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT SELECT ON `slims`.`setting` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT UPDATE (renewed, due_date, is_return, return_date, last_update)
 *     ON `slims`.`loan` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT INSERT ON `slims`.`fines` TO 'pustaka_relay'@'10.0.0.%';
 *   GRANT INSERT ON `slims`.`system_log` TO 'pustaka_relay'@'10.0.0.%';
 *
 * `slimsGrantStatements()` below returns exactly these GRANTs; the integration tests run
 * SlimsLibrary as a user holding only them.
 */
import mysql, { type Pool, type ResultSetHeader, type RowDataPacket } from "mysql2/promise";
import { AppError, errorMessage } from "../errors";
import { once, withTimeout } from "../lifecycle";
import { dateOrNull, holidayCalendar } from "./circulation-dates";
import { assertIsoDate, type HolidayCalendar } from "../time/calendar";
import { assertTimeZone, localDateTime, todayIn } from "../time/zone";
import { checkPassword } from "./password";
import { normalisePhone, fieldHasPhone, phoneSearchKey } from "./phone";
import {
  DEFAULT_RENEWAL_POLICY,
  type FinesSummary,
  type LibrarySystem,
  type Loan,
  type Member,
  type RenewableLoan,
  type RenewalIntent,
  type RenewalJournal,
  type RenewalPolicy,
  type RenewalResult,
  type VerifyResult,
} from "./port";
import {
  type CirculationSettings,
  decideRenewal,
  describeLoan,
  type LoanRecord,
  type LoanRule,
  type MemberTypeTerms,
  overdueFineDescription,
  phpSerializedString,
  phpSerializedTruthy,
  renewalLogMessage,
  resolveLoanTerms,
} from "./renewal-rules";

/** The GRANTs documented above, for `database` and the account `user` (e.g. `'relay'@'%'`). */
export function slimsGrantStatements(database: string, user: string): string[] {
  const db = "`" + database.replace(/`/g, "``") + "`";
  const memberColumns =
    "member_id, member_name, member_type_id, member_email, member_phone, expire_date, is_pending, mpasswd";
  const selectTables = [
    "mst_member_type",
    "mst_loan_rules",
    "loan",
    "item",
    "biblio",
    "reserve",
    "fines",
    "holiday",
    "setting",
  ];
  return [
    `GRANT SELECT (${memberColumns}) ON ${db}.\`member\` TO ${user}`,
    ...selectTables.map((t) => `GRANT SELECT ON ${db}.\`${t}\` TO ${user}`),
    `GRANT UPDATE (renewed, due_date, is_return, return_date, last_update) ON ${db}.\`loan\` TO ${user}`,
    `GRANT INSERT ON ${db}.\`fines\` TO ${user}`,
    `GRANT INSERT ON ${db}.\`system_log\` TO ${user}`,
  ];
}

export interface SlimsLibraryOptions extends Partial<RenewalPolicy> {
  /** `mysql://user:pass@host:3306/slims` */
  url: string;
  /**
   * The library's time zone: "today" for the circulation rules, and the wall clock every SLiMS
   * timestamp is written in (SLiMS writes PHP `date()` in its configured zone, never the
   * database's NOW(); docs/slims.md §1).
   */
  timeZone: string;
  /** The clock (default: the system's). Tests set it to write at a chosen moment. */
  clock?: () => Date;
  /** Pool size. Default 4. */
  connectionLimit?: number;
  /**
   * Bound on every query, connecting included (default 5000 ms): a stalled table lock or a
   * black-holed connection fails the call in bounded time instead of holding the relay.
   */
  queryTimeoutMs?: number;
  /**
   * How long the `holiday` table, once read, is reused (default 60 000 ms; 0: read every time).
   * Every loan list, renewal, hours question and handoff needs it, and it changes a few times a
   * year; SLiMS's own staff session keeps it from login to logout, far longer.
   */
  holidayCacheMs?: number;
  /**
   * Test hook, never set in production: awaited in renew() after the loan was read and decided,
   * just before the guarded UPDATE, so a test can act at the desk in between (the race the
   * UPDATE's WHERE clause must lose cleanly).
   */
  beforeRenewalWrite?: (loanId: number) => Promise<void>;
}

const MEMBER_COLUMNS = `m.member_id, m.member_name, m.member_type_id, m.member_email, m.member_phone,
  m.expire_date, m.is_pending, (m.mpasswd IS NOT NULL AND TRIM(m.mpasswd) <> '') AS has_password`;

const LOAN_SELECT = `SELECT l.loan_id, l.member_id, l.item_code, l.loan_date, l.due_date, l.renewed,
  l.loan_rules_id, l.return_date, l.is_lent, l.is_return, i.coll_type_id, b.gmd_id, b.title
  FROM loan AS l
  LEFT JOIN item AS i ON i.item_code = l.item_code
  LEFT JOIN biblio AS b ON b.biblio_id = i.biblio_id`;

/** What SLiMS uses when no `timezone` setting was saved (sysconfig.inc.php). */
export const SLIMS_DEFAULT_TIME_ZONE = "Asia/Jakarta";

/** Separators stripped from member_phone for the coarse LIKE pre-filter of findMembersByPhone. */
const PHONE_SEPARATORS = [" ", "-", ".", "(", ")", "+", "\t", "\u00a0"];

interface MemberRow extends RowDataPacket {
  member_id: string;
  member_name: string | null;
  member_type_id: number | null;
  member_email: string | null;
  member_phone: string | null;
  expire_date: string | null;
  is_pending: number | null;
  has_password: number | null;
}

interface LoanRow extends RowDataPacket {
  loan_id: number;
  member_id: string;
  item_code: string;
  loan_date: string | null;
  due_date: string | null;
  renewed: number | null;
  loan_rules_id: number | null;
  return_date: string | null;
  is_lent: number | null;
  is_return: number | null;
  coll_type_id: number | null;
  gmd_id: number | null;
  title: string | null;
}

interface TypeRow extends RowDataPacket {
  member_type_id: number;
  loan_periode: number | null;
  reborrow_limit: number | null;
  fine_each_day: number | null;
  grace_periode: number | null;
}

interface RuleRow extends RowDataPacket {
  loan_rules_id: number;
  member_type_id: number | null;
  coll_type_id: number | null;
  gmd_id: number | null;
  loan_periode: number | null;
  reborrow_limit: number | null;
  fine_each_day: number | null;
  grace_periode: number | null;
}

/** What the rules need about one member, read in one go. */
interface MemberContext {
  member: Member;
  memberType: MemberTypeTerms | null;
  rules: LoanRule[];
  settings: CirculationSettings;
}

export class SlimsLibrary implements LibrarySystem {
  readonly kind = "slims";
  private readonly pool: Pool;
  private readonly timeZone: string;
  private readonly clock: () => Date;
  private readonly policy: RenewalPolicy;
  private readonly queryTimeoutMs: number;
  private readonly holidayCacheMs: number;
  private holidayCache: { until: number; calendar: Promise<HolidayCalendar> } | undefined;
  private readonly beforeRenewalWrite: SlimsLibraryOptions["beforeRenewalWrite"];
  /** Whether system_log has sub_module and action (SLiMS ≥ 9.3); false once refused. */
  private systemLogHasDetail = true;

  constructor(options: SlimsLibraryOptions) {
    this.queryTimeoutMs = options.queryTimeoutMs ?? 5000;
    this.holidayCacheMs = options.holidayCacheMs ?? 60_000;
    this.beforeRenewalWrite = options.beforeRenewalWrite;
    this.timeZone = assertTimeZone(options.timeZone);
    this.clock = options.clock ?? (() => new Date());
    this.policy = {
      allowOverdue: options.allowOverdue ?? DEFAULT_RENEWAL_POLICY.allowOverdue,
      waiveFines: options.waiveFines ?? DEFAULT_RENEWAL_POLICY.waiveFines,
      refusePendingMembers: options.refusePendingMembers ?? DEFAULT_RENEWAL_POLICY.refusePendingMembers,
    };
    this.pool = mysql.createPool({
      uri: options.url,
      dateStrings: true,
      charset: "utf8mb4",
      connectionLimit: options.connectionLimit ?? 4,
      connectTimeout: this.queryTimeoutMs,
      supportBigNumbers: true,
      bigNumberStrings: false,
      multipleStatements: false,
    });
  }

  async findMembersByPhone(phone: string): Promise<Member[]> {
    const canonical = normalisePhone(phone);
    if (!canonical) return [];
    let stripped = "m.member_phone";
    for (let i = 0; i < PHONE_SEPARATORS.length; i++) stripped = `REPLACE(${stripped}, ?, '')`;
    const rows = await this.rows<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM member AS m
       WHERE m.member_phone IS NOT NULL AND ${stripped} LIKE ? ORDER BY m.member_id`,
      [...PHONE_SEPARATORS, `%${phoneSearchKey(canonical)}%`],
    );
    return rows.filter((r) => fieldHasPhone(r.member_phone, canonical)).map(toMember);
  }

  async getMember(memberId: string): Promise<Member | null> {
    const rows = await this.rows<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM member AS m WHERE m.member_id = ?`,
      [memberId],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async verifyPassword(memberId: string, password: string): Promise<VerifyResult> {
    const rows = await this.rows<MemberRow & { mpasswd: string | null }>(
      `SELECT ${MEMBER_COLUMNS}, m.mpasswd FROM member AS m WHERE m.member_id = ?`,
      [memberId],
    );
    const row = rows[0];
    if (!row) return { ok: false, reason: "no_member" };
    const check = await checkPassword(row.mpasswd, password);
    return check === "ok" ? { ok: true, member: toMember(row) } : { ok: false, reason: check };
  }

  async currentLoans(memberId: string, today?: string): Promise<Loan[]> {
    const day = this.today(today);
    const context = await this.memberContext(memberId);
    if (!context) return [];
    const loans = await this.openLoanRecords(context.member.memberId);
    return loans.map((loan) => describeLoan(loan, this.terms(context, loan), day, context.settings));
  }

  async fines(memberId: string, today?: string): Promise<FinesSummary> {
    const [loans, balanceRows] = await Promise.all([
      this.currentLoans(memberId, today),
      this.rows<RowDataPacket & { balance: number | string | null }>(
        `SELECT CAST(COALESCE(SUM(COALESCE(debet, 0) - COALESCE(credit, 0)), 0) AS SIGNED) AS balance
         FROM fines WHERE member_id = ?`,
        [memberId],
      ),
    ]);
    const late = loans.filter((l) => l.daysLate > 0);
    return {
      balance: Number(balanceRows[0]?.balance ?? 0),
      overdueEstimate: late.reduce((sum, l) => sum + l.fineEstimate, 0),
      loans: late,
    };
  }

  async renewableLoans(memberId: string, today?: string): Promise<RenewableLoan[]> {
    const day = this.today(today);
    const context = await this.memberContext(memberId);
    if (!context) return [];
    const loans = await this.openLoanRecords(context.member.memberId);
    const reserved = await this.reservedByOthers(
      context.member.memberId,
      loans.map((l) => l.itemCode),
    );
    return loans.map((loan): RenewableLoan => {
      const terms = this.terms(context, loan);
      const described = describeLoan(loan, terms, day, context.settings);
      const decision = decideRenewal({
        today: day,
        member: context.member,
        loan,
        terms,
        reservedByOther: reserved.has(loan.itemCode),
        settings: context.settings,
        policy: this.policy,
      });
      return decision.ok
        ? { ...described, renewable: true }
        : { ...described, renewable: false, reason: decision.reason };
    });
  }

  async renew(
    memberId: string,
    loanId: number,
    options: { today?: string; now?: Date; journal?: RenewalJournal } = {},
  ): Promise<RenewalResult> {
    const now = options.now ?? this.clock();
    const today = options.today === undefined ? todayIn(this.timeZone, now) : this.today(options.today);
    const { journal } = options;
    const refused = (reason: Extract<RenewalResult, { ok: false }>["reason"]): RenewalResult => ({
      ok: false,
      reason,
      loanId,
    });
    if (!Number.isSafeInteger(loanId) || loanId <= 0) return refused("not_on_loan");
    const context = await this.memberContext(memberId);
    if (!context) return refused("not_on_loan");
    const member = context.member;
    // A retry of a renewal that got part of the way: finish it (port.ts RenewalJournal).
    const earlier = await journal?.load();
    if (journal && earlier && earlier.loanId === loanId && earlier.memberId === member.memberId) {
      const resumed = await this.resumeRenewal(member, earlier, journal);
      if (resumed) return resumed;
    }
    const loan = await this.loanRecord(member.memberId, loanId);
    if (!loan || !loan.isOpen) return refused("not_on_loan");
    const reserved = await this.reservedByOthers(member.memberId, [loan.itemCode]);
    const terms = this.terms(context, loan);
    const decision = decideRenewal({
      today,
      member,
      loan,
      terms,
      reservedByOther: reserved.has(loan.itemCode),
      settings: context.settings,
      policy: this.policy,
    });
    if (!decision.ok) return refused(decision.reason);
    await this.beforeRenewalWrite?.(loan.loanId);

    // Recorded before the first write, so a failure after it leaves what a retry needs.
    const intent: RenewalIntent = {
      memberId: member.memberId,
      loanId: loan.loanId,
      itemCode: loan.itemCode,
      renewedBefore: loan.renewed,
      oldDueDate: loan.dueDate,
      newDueDate: decision.newDueDate,
      renewalDate: today,
      renewedAt: localDateTime(now, this.timeZone),
      fine: decision.fineCharged,
      fineWaived: decision.fineWaived,
      overdueDays: decision.overdueDays,
      stage: "planned",
    };
    await journal?.save(intent);
    // The guard: exactly this open loan of this member, as read, not yet renewed today.
    const update = await this.exec(
      `UPDATE loan SET renewed = renewed + 1, due_date = ?, is_return = 0, return_date = ?, last_update = ?
       WHERE loan_id = ? AND member_id = ? AND is_lent = 1 AND is_return = 0 AND renewed = ?
         AND (return_date IS NULL OR return_date <> ?)`,
      [decision.newDueDate, today, intent.renewedAt, loan.loanId, member.memberId, loan.renewed, today],
    );
    if (update.affectedRows !== 1) {
      // Lost to a concurrent or repeated renewal (or the item was returned meanwhile).
      const now = await this.loanRecord(member.memberId, loanId);
      return refused(now && now.isOpen ? "renewed_today" : "not_on_loan");
    }
    return this.completeRenewal(member, intent, journal, loan.title);
  }

  /**
   * Continue a recorded renewal. Null when its loan UPDATE never happened (the loan does not
   * show it): the caller renews afresh. Otherwise the missing writes are done and the result is
   * the renewal's own, as first decided.
   */
  private async resumeRenewal(
    member: Member,
    intent: RenewalIntent,
    journal: RenewalJournal,
  ): Promise<RenewalResult | null> {
    const loan = await this.loanRecord(member.memberId, intent.loanId);
    const showsOurs =
      !!loan && loan.renewed === intent.renewedBefore + 1 && loan.dueDate === intent.newDueDate;
    if (intent.stage === "planned" && !showsOurs) return null;
    return this.completeRenewal(member, intent, journal, loan?.title ?? "");
  }

  /** After the loan UPDATE: the fine (unless already written), the log row, each step recorded. */
  private async completeRenewal(
    member: Member,
    intent: RenewalIntent,
    journal: RenewalJournal | undefined,
    title: string,
  ): Promise<RenewalResult> {
    let step: RenewalIntent = { ...intent };
    const advance = async (stage: RenewalIntent["stage"]) => {
      step = { ...step, stage };
      await journal?.save(step);
    };
    // An intent recorded before renewedAt was kept: the moment it completes.
    const at = intent.renewedAt ?? localDateTime(this.clock(), this.timeZone);
    try {
      if (step.stage === "planned") await advance("loan_updated");
      if (step.stage === "loan_updated") {
        // returnItem writes a fines row for every renewal with overdue days past grace, even of
        // amount 0 (fine_each_day 0); none when the library waived the fine (RENEWAL_WAIVE_FINES).
        // The fine may have been written just before a failure: look before writing, never twice.
        const writesFine = intent.overdueDays > 0 && intent.fineWaived === 0;
        if (writesFine && !(await this.fineWritten(intent))) {
          await this.exec(
            `INSERT INTO fines (fines_date, member_id, debet, credit, description) VALUES (?, ?, ?, 0, ?)`,
            [intent.renewalDate, member.memberId, intent.fine, overdueFineDescription(intent.itemCode)],
          );
        }
        await advance("fine_written");
      }
      if (step.stage === "fine_written") {
        await this.writeRenewalLog(member, intent.itemCode, at);
        await advance("done");
      }
    } catch (err) {
      throw new AppError(
        "DATABASE_UNAVAILABLE",
        `loan ${intent.loanId} of member ${member.memberId} WAS renewed (due ${intent.newDueDate}) but ` +
          `the renewal stopped at "${step.stage}" (fine ${intent.fine}); a retry completes it: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    return {
      ok: true,
      loanId: intent.loanId,
      itemCode: intent.itemCode,
      title,
      oldDueDate: intent.oldDueDate,
      newDueDate: intent.newDueDate,
      renewed: intent.renewedBefore + 1,
      overdueDays: intent.overdueDays,
      fineCharged: intent.fine,
      fineWaived: intent.fineWaived,
    };
  }

  /** Whether the `fines` row of this renewal exists (same member, day, amount and description). */
  private async fineWritten(intent: RenewalIntent): Promise<boolean> {
    const rows = await this.rows<RowDataPacket & { n: number }>(
      `SELECT COUNT(*) AS n FROM fines WHERE member_id = ? AND fines_date = ? AND debet = ? AND description = ?`,
      [intent.memberId, intent.renewalDate, intent.fine, overdueFineDescription(intent.itemCode)],
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  /**
   * The system_log row SLiMS writes for an extension. SLiMS 9.3+ files it under sub_module 'Loan',
   * action 'Extended'; SLiMS 8 has neither column (docs/slims.md §7): after its first "unknown
   * column" the row is written without them (nothing was written by the refused INSERT).
   */
  private async writeRenewalLog(member: Member, itemCode: string, at: string): Promise<void> {
    for (;;) {
      const detail = this.systemLogHasDetail;
      try {
        await this.exec(
          `INSERT INTO system_log (log_type, id, log_location${detail ? ", sub_module, action" : ""}, log_msg, log_date)
           VALUES ('member', ?, 'circulation'${detail ? ", 'Loan', 'Extended'" : ""}, ?, ?)`,
          [member.memberId, renewalLogMessage(member, itemCode), at],
        );
        return;
      } catch (err) {
        if (!detail || !isUnknownColumn(err)) throw err;
        this.systemLogHasDetail = false;
      }
    }
  }

  readonly close = once(() => this.pool.end().catch(() => undefined));

  // ── reading ────────────────────────────────────────────────────────────────────────

  private today(today: string | undefined): string {
    return today === undefined ? todayIn(this.timeZone, this.clock()) : assertIsoDate(today, "today");
  }

  private terms(context: MemberContext, loan: LoanRecord) {
    return resolveLoanTerms(loan, context.member.memberTypeId, context.memberType, context.rules);
  }

  /** The `holiday` table as a calendar, reused for `holidayCacheMs`; a failed read is not kept. */
  holidays(): Promise<HolidayCalendar> {
    const now = this.clock().getTime();
    if (this.holidayCache && now < this.holidayCache.until) return this.holidayCache.calendar;
    const calendar = this.readHolidays();
    if (this.holidayCacheMs > 0) {
      const entry = { until: now + this.holidayCacheMs, calendar };
      this.holidayCache = entry;
      calendar.catch(() => {
        if (this.holidayCache === entry) this.holidayCache = undefined;
      });
    }
    return calendar;
  }

  private async readHolidays(): Promise<HolidayCalendar> {
    const rows = await this.rows<
      RowDataPacket & { holiday_dayname: string | null; holiday_date: string | null }
    >(`SELECT holiday_dayname, holiday_date FROM holiday`);
    // A row with a date is a dated holiday (a zero date matches no day); NULL → weekly closing day.
    return holidayCalendar(rows.map((h) => ({ dayname: h.holiday_dayname, date: h.holiday_date })));
  }

  /**
   * SLiMS's own zone: the `timezone` setting (PHP-serialised, saved by System → Settings), else
   * SLiMS's default Asia/Jakarta. Returned as written, even if it is no zone we know.
   */
  async timeZoneSetting(): Promise<string> {
    const rows = await this.rows<RowDataPacket & { setting_value: string | null }>(
      `SELECT setting_value FROM setting WHERE setting_name = 'timezone'`,
    );
    const zone = phpSerializedString(rows[0]?.setting_value)?.trim();
    return zone ? zone : SLIMS_DEFAULT_TIME_ZONE;
  }

  /** The member, their type's terms, the loan rules and the library settings. */
  private async memberContext(memberId: string): Promise<MemberContext | null> {
    const [memberRows, ruleRows, calendar, settingRows] = await Promise.all([
      this.rows<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM member AS m WHERE m.member_id = ?`, [memberId]),
      this.rows<RuleRow>(
        `SELECT loan_rules_id, member_type_id, coll_type_id, gmd_id, loan_periode, reborrow_limit,
                fine_each_day, grace_periode FROM mst_loan_rules`,
      ),
      this.holidays(),
      this.rows<RowDataPacket & { setting_value: string | null }>(
        `SELECT setting_value FROM setting WHERE setting_name = 'ignore_holidays_fine_calc'`,
      ),
    ]);
    const memberRow = memberRows[0];
    if (!memberRow) return null;
    const member = toMember(memberRow);
    const typeRows = await this.rows<TypeRow>(
      `SELECT member_type_id, loan_periode, reborrow_limit, fine_each_day, grace_periode
       FROM mst_member_type WHERE member_type_id = ?`,
      [member.memberTypeId],
    );
    const typeRow = typeRows[0];
    return {
      member,
      memberType: typeRow
        ? {
            memberTypeId: typeRow.member_type_id,
            loanPeriod: int(typeRow.loan_periode),
            renewLimit: int(typeRow.reborrow_limit),
            finePerDay: int(typeRow.fine_each_day),
            graceDays: int(typeRow.grace_periode),
          }
        : null,
      rules: ruleRows.map((r) => ({
        loanRulesId: r.loan_rules_id,
        memberTypeId: int(r.member_type_id),
        collTypeId: int(r.coll_type_id),
        gmdId: int(r.gmd_id),
        loanPeriod: int(r.loan_periode),
        renewLimit: int(r.reborrow_limit),
        finePerDay: int(r.fine_each_day),
        graceDays: int(r.grace_periode),
      })),
      settings: {
        calendar,
        ignoreHolidaysInFines: phpSerializedTruthy(settingRows[0]?.setting_value),
      },
    };
  }

  private async openLoanRecords(memberId: string): Promise<LoanRecord[]> {
    const rows = await this.rows<LoanRow>(
      `${LOAN_SELECT} WHERE l.member_id = ? AND l.is_lent = 1 AND l.is_return = 0
       ORDER BY l.due_date, l.loan_id`,
      [memberId],
    );
    // Matched by member_id (case-insensitively in MySQL): the loan is this member's.
    return rows.map((row) => ({ ...toLoanRecord(row), memberId }));
  }

  private async loanRecord(memberId: string, loanId: number): Promise<LoanRecord | null> {
    const rows = await this.rows<LoanRow>(`${LOAN_SELECT} WHERE l.loan_id = ? AND l.member_id = ?`, [
      loanId,
      memberId,
    ]);
    return rows[0] ? { ...toLoanRecord(rows[0]), memberId } : null;
  }

  /** Item codes among `itemCodes` that have a `reserve` row of a different member. */
  private async reservedByOthers(memberId: string, itemCodes: string[]): Promise<Set<string>> {
    if (itemCodes.length === 0) return new Set();
    const rows = await this.rows<RowDataPacket & { item_code: string }>(
      `SELECT DISTINCT item_code FROM reserve WHERE item_code IN (?) AND member_id <> ?`,
      [itemCodes, memberId],
    );
    // MySQL compares case- and trailing-space-insensitively; map back to the loan's spelling.
    const found = new Set(rows.map((r) => r.item_code.trim().toLowerCase()));
    return new Set(itemCodes.filter((code) => found.has(code.trim().toLowerCase())));
  }

  private async rows<T extends RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.query<T[]>(sql, params)) as T[];
  }

  private exec(sql: string, params: unknown[]): Promise<ResultSetHeader> {
    return this.query<ResultSetHeader>(sql, params);
  }

  /**
   * Every query is bounded: mysql2's own `timeout` (it drops the connection of a query that does
   * not answer) and, around it, a deadline that also covers waiting for a pooled connection.
   */
  private async query<T extends RowDataPacket[] | ResultSetHeader>(
    sql: string,
    params: unknown[],
  ): Promise<T> {
    const ms = this.queryTimeoutMs;
    try {
      const [result] = await withTimeout(
        this.pool.query<T>({ sql, timeout: ms }, params),
        ms * 2,
        "SLiMS query",
      );
      return result;
    } catch (err) {
      throw databaseError(err);
    }
  }
}

/** MySQL's ER_BAD_FIELD_ERROR (1054), under our AppError: the statement names a missing column. */
function isUnknownColumn(err: unknown): boolean {
  const cause = err instanceof AppError ? err.cause : err;
  return (cause as { errno?: unknown } | undefined)?.errno === 1054;
}

function databaseError(err: unknown): AppError {
  return new AppError("DATABASE_UNAVAILABLE", `SLiMS database: ${errorMessage(err)}`, { cause: err });
}

function int(value: number | string | null | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

function toMember(row: MemberRow): Member {
  return {
    memberId: row.member_id,
    name: row.member_name ?? "",
    memberTypeId: int(row.member_type_id),
    expireDate: dateOrNull(row.expire_date),
    isPending: int(row.is_pending) !== 0,
    hasPassword: int(row.has_password) !== 0,
    email: blankToNull(row.member_email),
    phone: blankToNull(row.member_phone),
  };
}

function toLoanRecord(row: LoanRow): LoanRecord {
  return {
    loanId: row.loan_id,
    memberId: row.member_id,
    itemCode: row.item_code,
    title: row.title ?? "",
    loanDate: dateOrNull(row.loan_date),
    dueDate: dateOrNull(row.due_date),
    renewed: int(row.renewed),
    loanRulesId: int(row.loan_rules_id),
    returnDate: dateOrNull(row.return_date),
    isOpen: int(row.is_lent) === 1 && int(row.is_return) === 0,
    collTypeId: row.coll_type_id === null ? null : int(row.coll_type_id),
    gmdId: row.gmd_id === null ? null : int(row.gmd_id),
  };
}

function blankToNull(value: string | null): string | null {
  return value === null || value.trim() === "" ? null : value;
}
