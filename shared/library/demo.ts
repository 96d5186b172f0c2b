/**
 * DemoLibrary: the library port in memory, for the quickstart and for trying the bot
 * without a SLiMS server. It is seeded relative to "today" (the seed date), so there is
 * always a loan due soon, an overdue one, one reserved by another member and one at its
 * renewal limit (demo-seed.ts). It applies the same rules as SlimsLibrary (renewal-rules.ts,
 * circulation-dates.ts) to records shaped like SLiMS's rows; only storage differs. Nothing is
 * persisted.
 */
import { assertIsoDate, type HolidayCalendar } from "../time/calendar";
import { assertTimeZone, todayIn } from "../time/zone";
import { demoCalendar, seedDemoRecords, type DemoMemberRow, type DemoRecords } from "./demo-seed";
import { checkPassword } from "./password";
import { fieldHasPhone, normalisePhone } from "./phone";
import {
  DEFAULT_RENEWAL_POLICY,
  type FinesSummary,
  type LibrarySystem,
  type Loan,
  type Member,
  type RenewableLoan,
  type RenewalPolicy,
  type RenewalResult,
  type VerifyResult,
} from "./port";
import {
  type CirculationSettings,
  decideRenewal,
  describeLoan,
  type LoanRecord,
  overdueFineDescription,
  renewalLogMessage,
  resolveLoanTerms,
} from "./renewal-rules";

export interface DemoLibraryOptions extends Partial<RenewalPolicy> {
  /** The library's IANA time zone: "today" for loans and fines. */
  timeZone: string;
  /** The date the seed is built around. Default: today in `timeZone`. */
  seedDate?: string;
}

export class DemoLibrary implements LibrarySystem {
  readonly kind = "demo";
  private readonly timeZone: string;
  private readonly policy: RenewalPolicy;
  private readonly members: DemoRecords["members"];
  private readonly types: DemoRecords["types"];
  private readonly rules: DemoRecords["rules"];
  private readonly items: DemoRecords["items"];
  private readonly loans: DemoRecords["loans"];
  private readonly reserves: DemoRecords["reserves"];
  private readonly fineRows: DemoRecords["fineRows"];
  /** system_log rows the demo "wrote" (renewals). */
  readonly systemLog: Array<{ memberId: string; message: string; date: string }> = [];
  private readonly settings: CirculationSettings;

  constructor(options: DemoLibraryOptions) {
    this.timeZone = assertTimeZone(options.timeZone);
    this.policy = {
      allowOverdue: options.allowOverdue ?? DEFAULT_RENEWAL_POLICY.allowOverdue,
      waiveFines: options.waiveFines ?? DEFAULT_RENEWAL_POLICY.waiveFines,
      refusePendingMembers: options.refusePendingMembers ?? DEFAULT_RENEWAL_POLICY.refusePendingMembers,
    };
    const t =
      options.seedDate === undefined ? todayIn(this.timeZone) : assertIsoDate(options.seedDate, "seedDate");
    this.settings = { calendar: demoCalendar(t), ignoreHolidaysInFines: false };
    ({
      members: this.members,
      types: this.types,
      rules: this.rules,
      items: this.items,
      loans: this.loans,
      reserves: this.reserves,
      fineRows: this.fineRows,
    } = seedDemoRecords(t));
  }

  async findMembersByPhone(phone: string): Promise<Member[]> {
    const canonical = normalisePhone(phone);
    if (!canonical) return [];
    return [...this.members.values()].filter((m) => fieldHasPhone(m.phone, canonical)).map(publicMember);
  }

  async getMember(memberId: string): Promise<Member | null> {
    const row = this.members.get(memberId);
    return row ? publicMember(row) : null;
  }

  async verifyPassword(memberId: string, password: string): Promise<VerifyResult> {
    const row = this.members.get(memberId);
    if (!row) return { ok: false, reason: "no_member" };
    const check = await checkPassword(row.mpasswd, password);
    return check === "ok" ? { ok: true, member: publicMember(row) } : { ok: false, reason: check };
  }

  async currentLoans(memberId: string, today?: string): Promise<Loan[]> {
    const day = this.today(today);
    const member = this.members.get(memberId);
    if (!member) return [];
    return this.openLoans(member).map((loan) =>
      describeLoan(loan, this.terms(member, loan), day, this.settings),
    );
  }

  async fines(memberId: string, today?: string): Promise<FinesSummary> {
    const loans = (await this.currentLoans(memberId, today)).filter((l) => l.daysLate > 0);
    return {
      balance: this.fineRows
        .filter((f) => f.memberId === memberId)
        .reduce((sum, f) => sum + f.debet - f.credit, 0),
      overdueEstimate: loans.reduce((sum, l) => sum + l.fineEstimate, 0),
      loans,
    };
  }

  async renewableLoans(memberId: string, today?: string): Promise<RenewableLoan[]> {
    const day = this.today(today);
    const member = this.members.get(memberId);
    if (!member) return [];
    return this.openLoans(member).map((loan): RenewableLoan => {
      const terms = this.terms(member, loan);
      const described = describeLoan(loan, terms, day, this.settings);
      const decision = this.decide(member, loan, day);
      return decision.ok
        ? { ...described, renewable: true }
        : { ...described, renewable: false, reason: decision.reason };
    });
  }

  async holidays(): Promise<HolidayCalendar> {
    return this.settings.calendar;
  }

  async renew(memberId: string, loanId: number, options: { today?: string } = {}): Promise<RenewalResult> {
    const today = this.today(options.today);
    const member = this.members.get(memberId) ?? null;
    const loan = this.loans.find((l) => l.loanId === loanId && l.memberId === memberId) ?? null;
    if (!member || !loan) return { ok: false, reason: "not_on_loan", loanId };
    // Check and write in one synchronous step: no other renewal can interleave.
    const decision = this.decide(member, loan, today);
    if (!decision.ok) return { ok: false, reason: decision.reason, loanId };
    const oldDueDate = loan.dueDate;
    loan.renewed += 1;
    loan.dueDate = decision.newDueDate;
    loan.returnDate = today;
    if (decision.fineCharged > 0) {
      this.fineRows.push({
        finesDate: today,
        memberId,
        debet: decision.fineCharged,
        credit: 0,
        description: overdueFineDescription(loan.itemCode),
      });
    }
    this.systemLog.push({ memberId, message: renewalLogMessage(member, loan.itemCode), date: today });
    return {
      ok: true,
      loanId,
      itemCode: loan.itemCode,
      title: loan.title,
      oldDueDate,
      newDueDate: decision.newDueDate,
      renewed: loan.renewed,
      overdueDays: decision.overdueDays,
      fineCharged: decision.fineCharged,
      fineWaived: decision.fineWaived,
    };
  }

  async close(): Promise<void> {}

  private decide(member: DemoMemberRow, loan: LoanRecord, today: string) {
    return decideRenewal({
      today,
      member,
      loan,
      terms: this.terms(member, loan),
      reservedByOther: this.reserves.some(
        (r) => r.itemCode === loan.itemCode && r.memberId !== member.memberId,
      ),
      settings: this.settings,
      policy: this.policy,
    });
  }

  private openLoans(member: Member): LoanRecord[] {
    return this.loans
      .filter((l) => l.memberId === member.memberId && l.isOpen)
      .sort((a, b) => (a.dueDate ?? "").localeCompare(b.dueDate ?? "") || a.loanId - b.loanId);
  }

  private terms(member: Member, loan: LoanRecord) {
    return resolveLoanTerms(
      loan,
      member.memberTypeId,
      this.types.get(member.memberTypeId) ?? null,
      this.rules,
    );
  }

  private today(today: string | undefined): string {
    return today === undefined ? todayIn(this.timeZone) : assertIsoDate(today, "today");
  }
}

function publicMember(row: DemoMemberRow): Member {
  const { mpasswd: _secret, ...member } = row;
  return { ...member };
}
