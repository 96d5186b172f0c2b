/**
 * What SLiMS 9's own Extend (admin/modules/circulation: loan_list.php's button, then
 * circulation::extendItemLoan → returnItem → countOverdueValue) writes, case by case, derived
 * by hand from that code — not from ours. Each case names the SLiMS function it mirrors
 * (docs/slims.md §2, §4). Two specs run the same table: test/unit/slims-extend-rules.spec.ts
 * against the pure rules, test/integration/slims-extend-fidelity.spec.ts against a real SLiMS
 * database, field by field.
 *
 * Reference week, June 2025: Wed 4 · Fri 6 · Sat 7 · Sun 8 · Mon 9 · Tue 10 · Wed 11 (default
 * today) · Sat 14 · Sun 15 · Mon 16 · Tue 17 · Wed 18.
 */
import type { RenewRefusal } from "../../shared/library/port";

/** A row of mst_loan_rules for the case's member type; `key` names it within the case. */
export interface CaseRule {
  key: string;
  collTypeId: number;
  loanPeriod: number;
  renewLimit: number;
  finePerDay: number;
  graceDays: number;
}

export interface ExtendCase {
  name: string;
  /** the SLiMS code path the expectation is read from */
  mirrors: string;
  /** the day of the Extend click (default 2025-06-11) */
  today?: string;
  /** mst_member_type (defaults: 7 days, 2 renewals, no fine, no grace: the installer's "Standard") */
  memberType?: Partial<{ loanPeriod: number; renewLimit: number; finePerDay: number; graceDays: number }>;
  rules?: CaseRule[];
  /** member.expire_date (default 2030-12-31) */
  expireDate?: string;
  loan: {
    dueDate: string;
    renewed?: number;
    /** loan.loan_rules_id: the key of one of `rules`; absent → 0 (the member type's terms) */
    rule?: string;
    /** item.coll_type_id (default 1) */
    collTypeId?: number;
    /** loan.return_date (set to the renewal day by an earlier renewal) */
    returnDate?: string;
    /** a `reserve` row of another member holds this copy */
    reservedByOther?: boolean;
  };
  /** `holiday` rows: a weekly closing day by name, or a dated holiday */
  holidays?: Array<{ dayname: string; date?: string }>;
  /** setting ignore_holidays_fine_calc */
  ignoreHolidaysFineCalc?: boolean;
  expected:
    | { refused: RenewRefusal }
    | {
        /** loan.due_date after the renewal */
        dueDate: string;
        /** the overdue days countOverdueValue reports (0 on grace or not late) */
        overdueDays: number;
        /** the `fines` row's debet; null: returnItem writes no fines row */
        fine: number | null;
      };
}

export const TODAY = "2025-06-11";

export const EXTEND_CASES: readonly ExtendCase[] = [
  {
    name: "on time: the new due date counts from today, not from the old due date",
    mirrors: "circulation::extendItemLoan — simbio_date::getNextDate(loan_periode, date('Y-m-d'))",
    loan: { dueDate: "2025-06-13" },
    expected: { dueDate: "2025-06-18", overdueDays: 0, fine: null },
  },
  {
    name: "a due date on a weekly closing day moves to the next open day",
    mirrors: "simbio_date::getNextDateNotHoliday — holiday_dayname",
    memberType: { loanPeriod: 4 },
    holidays: [{ dayname: "sun" }],
    loan: { dueDate: "2025-06-13" },
    expected: { dueDate: "2025-06-16", overdueDays: 0, fine: null },
  },
  {
    name: "a closing day then a dated holiday: moved past both",
    mirrors: "simbio_date::getNextDateNotHoliday — holiday_date, checked again after each move",
    memberType: { loanPeriod: 4 },
    holidays: [{ dayname: "sun" }, { dayname: "mon", date: "2025-06-16" }],
    loan: { dueDate: "2025-06-13" },
    expected: { dueDate: "2025-06-17", overdueDays: 0, fine: null },
  },
  {
    name: "capped at the membership's expiry, even on a closing day (the cap is not moved)",
    mirrors: "circulation::extendItemLoan — simbio_date::compareDates(due, expire_date) → expire_date",
    holidays: [{ dayname: "sun" }],
    expireDate: "2025-06-15",
    loan: { dueDate: "2025-06-13" },
    expected: { dueDate: "2025-06-15", overdueDays: 0, fine: null },
  },
  {
    name: "member type's grace: the day before due + grace is free, and no fines row",
    mirrors: "circulation::countOverdueValue — grace_periode of the member type: on grace",
    memberType: { finePerDay: 1000, graceDays: 3 },
    loan: { dueDate: "2025-06-09" },
    expected: { dueDate: "2025-06-18", overdueDays: 0, fine: null },
  },
  {
    name: "member type's grace: on due + grace itself every overdue day is charged",
    mirrors: "circulation::countOverdueValue — compareDates returns null for equal dates: not on grace",
    memberType: { finePerDay: 1000, graceDays: 3 },
    loan: { dueDate: "2025-06-08" },
    expected: { dueDate: "2025-06-18", overdueDays: 3, fine: 3000 },
  },
  {
    name: "member type's grace: the day after due + grace, every overdue day is charged",
    mirrors: "circulation::countOverdueValue — grace days are not deducted",
    memberType: { finePerDay: 1000, graceDays: 3 },
    loan: { dueDate: "2025-06-07" },
    expected: { dueDate: "2025-06-18", overdueDays: 4, fine: 4000 },
  },
  {
    name: "the loan's rule's grace: the day before due + grace is free",
    mirrors: "circulation::countOverdueValue — mst_loan_rules.grace_periode of loan.loan_rules_id",
    memberType: { finePerDay: 1000 },
    rules: [{ key: "own", collTypeId: 1, loanPeriod: 7, renewLimit: 2, finePerDay: 200, graceDays: 3 }],
    loan: { dueDate: "2025-06-09", rule: "own" },
    expected: { dueDate: "2025-06-18", overdueDays: 0, fine: null },
  },
  {
    name: "the loan's rule's grace and fine: on due + grace, charged at the rule's rate",
    mirrors: "circulation::countOverdueValue — fine_each_day from the loan's rule",
    memberType: { finePerDay: 1000 },
    rules: [{ key: "own", collTypeId: 1, loanPeriod: 7, renewLimit: 2, finePerDay: 200, graceDays: 3 }],
    loan: { dueDate: "2025-06-08", rule: "own" },
    expected: { dueDate: "2025-06-18", overdueDays: 3, fine: 600 },
  },
  {
    name: "either grace counts: past the member type's, within the rule's",
    mirrors: "circulation::countOverdueValue — both grace tests may set on_grace_periode",
    memberType: { finePerDay: 1000, graceDays: 1 },
    rules: [{ key: "own", collTypeId: 1, loanPeriod: 7, renewLimit: 2, finePerDay: 200, graceDays: 3 }],
    loan: { dueDate: "2025-06-09", rule: "own" },
    expected: { dueDate: "2025-06-18", overdueDays: 0, fine: null },
  },
  {
    name: "loan_rules_id 0: a rule matching the item gives neither its grace nor its fine",
    mirrors: "circulation::countOverdueValue — the rule branch runs only when loan_rules_id is not empty",
    memberType: { finePerDay: 500 },
    rules: [{ key: "match", collTypeId: 1, loanPeriod: 7, renewLimit: 2, finePerDay: 100, graceDays: 5 }],
    loan: { dueDate: "2025-06-09" },
    expected: { dueDate: "2025-06-18", overdueDays: 2, fine: 1000 },
  },
  {
    name: "holidays are charged when ignore_holidays_fine_calc is off",
    mirrors: "circulation::countOverdueValue — simbio_date::calcDay, calendar days",
    memberType: { finePerDay: 500 },
    holidays: [{ dayname: "sun" }, { dayname: "tue", date: "2025-06-10" }],
    ignoreHolidaysFineCalc: false,
    loan: { dueDate: "2025-06-06" },
    expected: { dueDate: "2025-06-18", overdueDays: 5, fine: 2500 },
  },
  {
    name: "ignore_holidays_fine_calc on: holidays from the due date to today are not charged",
    mirrors: "circulation::countOverdueValue — simbio_date::countHolidayBetween(due, today), both ends",
    memberType: { finePerDay: 500 },
    holidays: [{ dayname: "sun" }, { dayname: "tue", date: "2025-06-10" }],
    ignoreHolidaysFineCalc: true,
    loan: { dueDate: "2025-06-06" },
    expected: { dueDate: "2025-06-18", overdueDays: 3, fine: 1500 },
  },
  {
    name: "ignore_holidays_fine_calc on, more holidays than days late: no fine and no fines row",
    mirrors: "circulation::countOverdueValue — a negative count returns false",
    today: "2025-06-09",
    memberType: { finePerDay: 500 },
    holidays: [{ dayname: "sun" }, { dayname: "mon", date: "2025-06-09" }],
    ignoreHolidaysFineCalc: true,
    loan: { dueDate: "2025-06-08" },
    expected: { dueDate: "2025-06-16", overdueDays: 0, fine: null },
  },
  {
    name: "overdue with fine_each_day 0 (the installer's Standard): a fines row of 0",
    mirrors:
      "circulation::returnItem — inserts when the overdue days are numeric and > 0, whatever the value",
    loan: { dueDate: "2025-06-04" },
    expected: { dueDate: "2025-06-18", overdueDays: 7, fine: 0 },
  },
  {
    name: "reborrow limit from the rule matching the item's collection, period from the loan's own rule",
    mirrors:
      "loan_list.php — reborrow_limit from mst_loan_rules on member type + item coll_type_id; " +
      "extendItemLoan — loan_periode from loan.loan_rules_id",
    memberType: { renewLimit: 1 },
    rules: [
      { key: "match", collTypeId: 5, loanPeriod: 14, renewLimit: 3, finePerDay: 0, graceDays: 0 },
      { key: "own", collTypeId: 9, loanPeriod: 3, renewLimit: 0, finePerDay: 0, graceDays: 0 },
    ],
    loan: { dueDate: "2025-06-13", renewed: 1, rule: "own", collTypeId: 5 },
    expected: { dueDate: "2025-06-14", overdueDays: 0, fine: null },
  },
  {
    name: "reborrow limit from the member type when no rule matches the item's collection",
    mirrors: "loan_list.php — no Extend button once renewed reaches mst_member_type.reborrow_limit",
    memberType: { renewLimit: 1 },
    rules: [{ key: "other", collTypeId: 9, loanPeriod: 7, renewLimit: 5, finePerDay: 0, graceDays: 0 }],
    loan: { dueDate: "2025-06-13", renewed: 1 },
    expected: { refused: "limit_reached" },
  },
  {
    name: "already renewed today",
    mirrors: "loan_list.php — no Extend button when return_date is today",
    loan: { dueDate: "2025-06-18", renewed: 1, returnDate: TODAY },
    expected: { refused: "renewed_today" },
  },
  {
    name: "this copy reserved by another member",
    mirrors: "circulation::extendItemLoan — a reserve row for the item_code of another member: ITEM_RESERVED",
    loan: { dueDate: "2025-06-13", reservedByOther: true },
    expected: { refused: "reserved" },
  },
  {
    name: "membership expired",
    mirrors: "loan_list.php — no Extend button for an expired member (member_base_lib isMemberExpired)",
    expireDate: "2025-06-10",
    loan: { dueDate: "2025-06-13" },
    expected: { refused: "membership_expired" },
  },
];
