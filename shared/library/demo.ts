/**
 * DemoLibrary: the library port in memory, for the quickstart and for trying the bot
 * without a SLiMS server. It is seeded relative to "today" (the seed date), so there is
 * always a loan due soon, an overdue one, one reserved by another member and one at its
 * renewal limit. It applies the same rules as SlimsLibrary (renewal-rules.ts, dates.ts)
 * to records shaped like SLiMS's rows; only storage differs. Nothing is persisted.
 */
import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";
import { addDays, assertIsoDate, type HolidayCalendar } from "../time/calendar";
import { assertTimeZone, todayIn } from "../time/zone";
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
  type LoanRule,
  type MemberTypeTerms,
  overdueFineDescription,
  renewalLogMessage,
  resolveLoanTerms,
} from "./renewal-rules";

/** The demo's members, for the README and the quickstart. Loans are relative to the seed date. */
export interface DemoMemberInfo {
  memberId: string;
  name: string;
  phone: string;
  /** null: this member has no password (cannot be verified; shows the "no password" path). */
  password: string | null;
  loans: string;
}

export const DEMO_PASSWORD = "demo1234";

export const DEMO_MEMBERS: readonly DemoMemberInfo[] = Object.freeze([
  {
    memberId: "2021110001",
    name: "Siti Rahmawati",
    phone: "081234567801",
    password: DEMO_PASSWORD,
    loans:
      "one loan due in 2 days (renewable); one copy reserved by Dr. Ratna Dewi (renewal refused: reserved)",
  },
  {
    memberId: "2020120002",
    name: "Budi Santoso",
    phone: "081234567802",
    password: DEMO_PASSWORD,
    loans:
      "5 days overdue, Rp500/day after 1 grace day (renewal charges Rp2.500); a reserve-collection loan at its " +
      "renewal limit (refused: limit_reached); Rp2.000 unpaid fines",
  },
  {
    memberId: "197903152005012001",
    name: "Dr. Ratna Dewi",
    phone: "081234567803",
    password: null,
    loans: "lecturer; one loan due in 12 days; has reserved Siti's copy of Pengantar Ekonomi Mikro",
  },
  {
    memberId: "2019130004",
    name: "Andi Pratama",
    phone: "081234567804",
    password: DEMO_PASSWORD,
    loans:
      "membership expired 20 days ago (legacy MD5 password); one loan 25 days overdue (refused: membership_expired)",
  },
]);

export interface DemoLibraryOptions extends Partial<RenewalPolicy> {
  /** The library's IANA time zone: "today" for loans and fines. */
  timeZone: string;
  /** The date the seed is built around. Default: today in `timeZone`. */
  seedDate?: string;
}

interface DemoMemberRow extends Member {
  mpasswd: string | null;
}

interface DemoItem {
  itemCode: string;
  biblioId: number;
  title: string;
  collTypeId: number;
  gmdId: number;
}

interface DemoFine {
  finesDate: string;
  memberId: string;
  debet: number;
  credit: number;
  description: string;
}

/** Collection types of the demo: 1 textbook, 2 reserve collection ("Tandon": short loans). */
const TEXTBOOK = 1;
const TANDON = 2;
const MAHASISWA = 1;
const DOSEN = 2;

export class DemoLibrary implements LibrarySystem {
  readonly kind = "demo";
  private readonly timeZone: string;
  private readonly policy: RenewalPolicy;
  private readonly members = new Map<string, DemoMemberRow>();
  private readonly types = new Map<number, MemberTypeTerms>();
  private readonly rules: LoanRule[] = [];
  private readonly items = new Map<string, DemoItem>();
  private readonly loans: LoanRecord[] = [];
  private readonly reserves: Array<{ memberId: string; itemCode: string; biblioId: number }> = [];
  private readonly fineRows: DemoFine[] = [];
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
    this.seed(t);
  }

  private seed(t: string): void {
    const d = (days: number) => addDays(t, days);
    this.types.set(MAHASISWA, {
      memberTypeId: MAHASISWA,
      loanPeriod: 7,
      renewLimit: 2,
      finePerDay: 500,
      graceDays: 1,
    });
    this.types.set(DOSEN, {
      memberTypeId: DOSEN,
      loanPeriod: 14,
      renewLimit: 3,
      finePerDay: 0,
      graceDays: 0,
    });
    // Students borrow the reserve collection for 3 days, renew once, Rp1.000/day.
    this.rules.push({
      loanRulesId: 1,
      memberTypeId: MAHASISWA,
      collTypeId: TANDON,
      gmdId: 0,
      loanPeriod: 3,
      renewLimit: 1,
      finePerDay: 1000,
      graceDays: 0,
    });

    // bcrypt as PHP writes it ($2y$), and one legacy MD5 hash (SLiMS's fallback).
    const bcryptHash = "$2y$" + bcrypt.hashSync(DEMO_PASSWORD, 8).slice(4);
    const md5Hash = createHash("md5").update(DEMO_PASSWORD).digest("hex");
    const phones = ["0812-3456-7801", "+62 812 3456 7802 / (0274) 512345", "081234567803", "0812 3456 7804"];
    const expiry = [d(400), d(200), d(1000), d(-20)];
    const hashes = [bcryptHash, bcryptHash, null, md5Hash];
    const typeOf = [MAHASISWA, MAHASISWA, DOSEN, MAHASISWA];
    DEMO_MEMBERS.forEach((info, i) => {
      this.members.set(info.memberId, {
        memberId: info.memberId,
        name: info.name,
        memberTypeId: typeOf[i]!,
        expireDate: expiry[i]!,
        isPending: false,
        hasPassword: hashes[i] !== null,
        email: `${info.memberId}@example.ac.id`,
        phone: phones[i]!,
        mpasswd: hashes[i]!,
      });
    });
    const [siti, budi, ratna, andi] = DEMO_MEMBERS.map((m) => m.memberId) as [string, string, string, string];

    const titles: Array<[string, string, number]> = [
      ["B0001-1", "Metodologi Penelitian Kualitatif", TEXTBOOK],
      ["B0002-1", "Pengantar Ekonomi Mikro", TEXTBOOK],
      ["B0002-2", "Pengantar Ekonomi Mikro", TEXTBOOK],
      ["B0003-1", "Dasar-Dasar Statistika", TEXTBOOK],
      ["T0004-1", "Kalkulus Jilid 1", TANDON],
      ["B0005-1", "Hukum Tata Negara Indonesia", TEXTBOOK],
      ["B0006-1", "Sejarah Indonesia Modern 1200–2008", TEXTBOOK],
      ["B0007-1", "Pengantar Ilmu Komunikasi", TEXTBOOK],
    ];
    for (const [itemCode, title, collTypeId] of titles) {
      this.items.set(itemCode, {
        itemCode,
        biblioId: Number(itemCode.slice(1, 5)),
        title,
        collTypeId,
        gmdId: 1,
      });
    }

    this.addLoan(siti, "B0001-1", d(-5), d(2), 0, 0);
    this.addLoan(siti, "B0002-1", d(-2), d(5), 0, 0);
    this.addLoan(budi, "B0003-1", d(-12), d(-5), 0, 0);
    this.addLoan(budi, "T0004-1", d(-4), d(1), 1, 1, d(-2));
    this.addLoan(ratna, "B0005-1", d(-2), d(12), 0, 0);
    this.addLoan(andi, "B0006-1", d(-32), d(-25), 0, 0);

    this.reserves.push({
      memberId: ratna,
      itemCode: "B0002-1",
      biblioId: this.items.get("B0002-1")!.biblioId,
    });
    this.fineRows.push({
      finesDate: d(-40),
      memberId: budi,
      debet: 3000,
      credit: 1000,
      description: overdueFineDescription("B0007-1"),
    });
  }

  private addLoan(
    memberId: string,
    itemCode: string,
    loanDate: string,
    dueDate: string,
    renewed: number,
    loanRulesId: number,
    returnDate: string | null = null,
  ): void {
    const item = this.items.get(itemCode)!;
    this.loans.push({
      loanId: this.loans.length + 1,
      memberId,
      itemCode,
      title: item.title,
      loanDate,
      dueDate,
      renewed,
      loanRulesId,
      returnDate,
      isOpen: true,
      collTypeId: item.collTypeId,
      gmdId: item.gmdId,
    });
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

/** Closed on Sundays; New Year, Independence Day and Christmas of the seed year and the next. */
function demoCalendar(seedDate: string): HolidayCalendar {
  const year = Number(seedDate.slice(0, 4));
  const dates = new Set<string>();
  for (const y of [year, year + 1]) for (const md of ["01-01", "08-17", "12-25"]) dates.add(`${y}-${md}`);
  return { closedWeekdays: new Set(["sun"]), dates };
}
