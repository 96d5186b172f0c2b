/**
 * The pure circulation rules (renewal-rules.ts, circulation-dates.ts) against the table of what
 * SLiMS 9's Extend does (test/helpers/slims-extend-cases.ts). The same table runs against a real
 * SLiMS database in test/integration/slims-extend-fidelity.spec.ts.
 */
import { expect } from "chai";
import { holidayCalendar } from "../../shared/library/circulation-dates";
import { DEFAULT_RENEWAL_POLICY, type Member } from "../../shared/library/port";
import {
  decideRenewal,
  resolveLoanTerms,
  type LoanRecord,
  type LoanRule,
  type MemberTypeTerms,
} from "../../shared/library/renewal-rules";
import { EXTEND_CASES, TODAY, type ExtendCase } from "../helpers/slims-extend-cases";

const MEMBER_TYPE = 2;

function decide(c: ExtendCase) {
  const today = c.today ?? TODAY;
  const rules: LoanRule[] = (c.rules ?? []).map((r, i) => ({
    loanRulesId: 100 + i,
    memberTypeId: MEMBER_TYPE,
    collTypeId: r.collTypeId,
    gmdId: 0,
    loanPeriod: r.loanPeriod,
    renewLimit: r.renewLimit,
    finePerDay: r.finePerDay,
    graceDays: r.graceDays,
  }));
  const ruleId = (key: string | undefined) => {
    if (key === undefined) return 0;
    const index = (c.rules ?? []).findIndex((r) => r.key === key);
    if (index < 0) throw new Error(`case "${c.name}": no rule "${key}"`);
    return 100 + index;
  };
  const memberType: MemberTypeTerms = {
    memberTypeId: MEMBER_TYPE,
    loanPeriod: 7,
    renewLimit: 2,
    finePerDay: 0,
    graceDays: 0,
    ...c.memberType,
  };
  const member: Member = {
    memberId: "M1",
    name: "Anggota",
    memberTypeId: MEMBER_TYPE,
    expireDate: c.expireDate ?? "2030-12-31",
    isPending: false,
    hasPassword: true,
    email: null,
    phone: null,
  };
  const loan: LoanRecord = {
    loanId: 1,
    memberId: "M1",
    itemCode: "B00001",
    title: "Judul",
    loanDate: "2025-06-01",
    dueDate: c.loan.dueDate,
    renewed: c.loan.renewed ?? 0,
    loanRulesId: ruleId(c.loan.rule),
    returnDate: c.loan.returnDate ?? null,
    isOpen: true,
    collTypeId: c.loan.collTypeId ?? 1,
    gmdId: 1,
  };
  const calendar = holidayCalendar(
    (c.holidays ?? []).map((h) => ({ dayname: h.dayname, date: h.date ?? null })),
  );
  return decideRenewal({
    today,
    member,
    loan,
    terms: resolveLoanTerms(loan, MEMBER_TYPE, memberType, rules),
    reservedByOther: c.loan.reservedByOther ?? false,
    settings: { calendar, ignoreHolidaysInFines: c.ignoreHolidaysFineCalc ?? false },
    policy: DEFAULT_RENEWAL_POLICY,
  });
}

describe("renewal rules against SLiMS 9's Extend (table)", () => {
  for (const c of EXTEND_CASES) {
    it(`${c.name} [${c.mirrors}]`, () => {
      const decision = decide(c);
      if ("refused" in c.expected) {
        expect(decision).to.deep.equal({ ok: false, reason: c.expected.refused });
        return;
      }
      expect(decision.ok, JSON.stringify(decision)).to.equal(true);
      if (!decision.ok) return;
      expect({
        dueDate: decision.newDueDate,
        overdueDays: decision.overdueDays,
        // SlimsLibrary writes a fines row exactly when there are overdue days (returnItem).
        fine: decision.overdueDays > 0 ? decision.fineCharged : null,
      }).to.deep.equal(c.expected);
    });
  }
});
