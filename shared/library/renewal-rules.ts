/**
 * SLiMS circulation rules as pure functions over plain records, shared by SlimsLibrary
 * (records read from MySQL) and DemoLibrary (records in memory), so both apply exactly
 * the same rules (docs/slims.md §2 and §4). Nothing here reads a clock or a database.
 */
import { chargeableOverdueDays, daysLate, dueDateFor } from "./circulation-dates";
import type { HolidayCalendar } from "../time/calendar";
import type { Loan, Member, RenewalPolicy, RenewRefusal } from "./port";

/** A row of mst_member_type (the defaults of a member type). */
export interface MemberTypeTerms {
  memberTypeId: number;
  loanPeriod: number; // loan_periode
  renewLimit: number; // reborrow_limit
  finePerDay: number; // fine_each_day
  graceDays: number; // grace_periode (NULL → 0)
}

/** A row of mst_loan_rules. */
export interface LoanRule {
  loanRulesId: number;
  memberTypeId: number;
  collTypeId: number;
  gmdId: number;
  loanPeriod: number;
  renewLimit: number;
  finePerDay: number;
  graceDays: number;
}

/** A row of loan joined with its item (collection type) and biblio (title, GMD). */
export interface LoanRecord {
  loanId: number;
  memberId: string;
  itemCode: string;
  title: string;
  loanDate: string | null;
  dueDate: string | null;
  renewed: number;
  loanRulesId: number;
  /** The renewal date on an open loan (docs/slims.md §1); null if never renewed or a zero date. */
  returnDate: string | null;
  /** is_lent = 1 AND is_return = 0. */
  isOpen: boolean;
  /** item.coll_type_id; null if the item row is missing. */
  collTypeId: number | null;
  /** biblio.gmd_id; null if unknown. */
  gmdId: number | null;
}

/** Library-wide settings that the rules need. */
export interface CirculationSettings {
  calendar: HolidayCalendar;
  /** setting `ignore_holidays_fine_calc`. */
  ignoreHolidaysInFines: boolean;
}

/** The terms in force for one loan of one member. */
export interface LoanTerms {
  renewLimit: number;
  loanPeriod: number;
  finePerDay: number;
  graceDays: number;
}

/**
 * Which values apply to a loan (docs/slims.md §2, §4), for the member's current type:
 * - renewal limit: the mst_loan_rules row matched on member type + the item's collection
 *   type (loan_list.php's join, not loan.loan_rules_id), else the member type. When several
 *   rules match (they differ by GMD), the one with the biblio's GMD wins, else the lowest id;
 * - loan period: the rule named by loan.loan_rules_id if that rule exists, else the member type;
 * - fine per day: the rule named by loan.loan_rules_id when it is not 0 (0 if that rule no
 *   longer exists, as SLiMS reads NULL), else the member type;
 * - grace: the member type's and (loan_rules_id ≠ 0) the rule's; either counts, so the larger.
 */
export function resolveLoanTerms(
  loan: Pick<LoanRecord, "loanRulesId" | "collTypeId" | "gmdId">,
  memberTypeId: number,
  memberType: MemberTypeTerms | null,
  rules: readonly LoanRule[],
): LoanTerms {
  const matching = rules
    .filter(
      (r) => r.memberTypeId === memberTypeId && loan.collTypeId !== null && r.collTypeId === loan.collTypeId,
    )
    .sort((a, b) => gmdRank(a) - gmdRank(b) || a.loanRulesId - b.loanRulesId);
  function gmdRank(r: LoanRule): number {
    return loan.gmdId !== null && r.gmdId === loan.gmdId ? 0 : 1;
  }
  const limitRule = matching[0];
  const own = loan.loanRulesId !== 0 ? rules.find((r) => r.loanRulesId === loan.loanRulesId) : undefined;
  return {
    renewLimit: limitRule ? limitRule.renewLimit : (memberType?.renewLimit ?? 0),
    loanPeriod: own ? own.loanPeriod : (memberType?.loanPeriod ?? 0),
    finePerDay: loan.loanRulesId !== 0 ? (own?.finePerDay ?? 0) : (memberType?.finePerDay ?? 0),
    graceDays: Math.max(memberType?.graceDays ?? 0, loan.loanRulesId !== 0 ? (own?.graceDays ?? 0) : 0),
  };
}

/** A loan as the port shows it, with its overdue state as of `today`. */
export function describeLoan(
  loan: LoanRecord,
  terms: LoanTerms,
  today: string,
  settings: CirculationSettings,
): Loan {
  const overdueDays = chargeableOverdueDays(loan.dueDate, today, {
    graceDays: terms.graceDays,
    ignoreHolidays: settings.ignoreHolidaysInFines,
    calendar: settings.calendar,
  });
  return {
    loanId: loan.loanId,
    itemCode: loan.itemCode,
    title: loan.title,
    loanDate: loan.loanDate,
    dueDate: loan.dueDate,
    renewed: loan.renewed,
    renewLimit: terms.renewLimit,
    daysLate: daysLate(loan.dueDate, today),
    overdueDays,
    finePerDay: terms.finePerDay,
    fineEstimate: overdueDays * terms.finePerDay,
  };
}

export interface RenewalFacts {
  today: string;
  member: Member | null;
  /** The loan as read for this member (null if there is no such loan of this member). */
  loan: LoanRecord | null;
  terms: LoanTerms;
  /** A `reserve` row holds this item_code for a different member. */
  reservedByOther: boolean;
  settings: CirculationSettings;
  policy: RenewalPolicy;
}

export type RenewalDecision =
  | {
      ok: true;
      newDueDate: string;
      overdueDays: number;
      fine: number;
      fineCharged: number;
      fineWaived: number;
    }
  | { ok: false; reason: RenewRefusal };

/**
 * May this loan be renewed today, and with what due date and fine (extendItemLoan plus the
 * Extend button's conditions, docs/slims.md §2)? Checked in this order:
 * the member's open loan → membership not expired (today ≤ expire_date) → not pending
 * (policy) → renewed < limit → not already renewed today (return_date = today) → no other
 * member reserved this copy → overdue allowed (policy).
 * Then: fine as of today (charged, or waived by policy); new due = today + period, moved
 * past closing days and holidays, capped at the expiry date.
 */
export function decideRenewal(f: RenewalFacts): RenewalDecision {
  const { today, member, loan, terms, settings, policy } = f;
  if (!member || !loan || !loan.isOpen || loan.memberId !== member.memberId) {
    return { ok: false, reason: "not_on_loan" };
  }
  if (member.expireDate === null || today > member.expireDate)
    return { ok: false, reason: "membership_expired" };
  if (member.isPending && policy.refusePendingMembers) return { ok: false, reason: "member_pending" };
  if (loan.renewed >= terms.renewLimit) return { ok: false, reason: "limit_reached" };
  if (loan.returnDate === today) return { ok: false, reason: "renewed_today" };
  if (f.reservedByOther) return { ok: false, reason: "reserved" };
  const described = describeLoan(loan, terms, today, settings);
  if (described.daysLate > 0 && !policy.allowOverdue) return { ok: false, reason: "overdue_not_allowed" };
  const fine = described.fineEstimate;
  return {
    ok: true,
    newDueDate: dueDateFor(today, terms.loanPeriod, settings.calendar, member.expireDate),
    overdueDays: described.overdueDays,
    fine,
    fineCharged: policy.waiveFines ? 0 : fine,
    fineWaived: policy.waiveFines ? fine : 0,
  };
}

/** The `fines.description` SLiMS writes for an overdue fine (returnItem). */
export function overdueFineDescription(itemCode: string): string {
  return `Overdue fines for item ${itemCode}`;
}

/** The `system_log.log_msg` of a renewal made through the relay (SLiMS's English wording). */
export function renewalLogMessage(member: Pick<Member, "memberId" | "name">, itemCode: string): string {
  return `Member ${member.name} (${member.memberId}) extend loan for item ${itemCode} via pustaka-relay`;
}

/** PHP-serialised setting value (`b:1;`, `i:1;`, `s:1:"1";`, `d:1;`, `N;`) → boolean, as PHP's `=== true || > 0`. */
export function phpSerializedTruthy(value: string | null | undefined): boolean {
  if (!value) return false;
  const v = value.trim();
  let m = /^b:([01]);?$/.exec(v);
  if (m) return m[1] === "1";
  m = /^[id]:(-?[\d.]+(?:[eE][-+]?\d+)?);?$/.exec(v);
  if (m) return Number(m[1]) > 0;
  m = /^s:\d+:"(.*)";?$/s.exec(v);
  if (m) return stringTruthy(m[1]!);
  if (v === "N;") return false;
  return stringTruthy(v); // not serialised at all: read the raw text
}

/** PHP-serialised string (`s:12:"Asia/Jakarta";`) → its text; unserialised text as is; NULL/`N;` → null. */
export function phpSerializedString(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === "N;") return null;
  const m = /^s:\d+:"(.*)";?$/s.exec(value.trim());
  return m ? m[1]! : value;
}

function stringTruthy(s: string): boolean {
  const t = s.trim().toLowerCase();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) > 0;
  return t === "true" || t === "yes" || t === "on";
}
