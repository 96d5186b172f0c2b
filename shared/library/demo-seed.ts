/**
 * The demo library's records (DemoLibrary, demo.ts), shaped like SLiMS's rows and seeded relative to
 * the seed date, so every answer can be tried: a loan due soon, an overdue one, one reserved by
 * another member, one at its renewal limit, a member without a password, an expired membership.
 */
import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";
import type { HolidayCalendar } from "../time/calendar";
import { addDays } from "../time/calendar";
import type { Member } from "./port";
import {
  type LoanRecord,
  type LoanRule,
  type MemberTypeTerms,
  overdueFineDescription,
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

export interface DemoMemberRow extends Member {
  mpasswd: string | null;
}

export interface DemoItem {
  itemCode: string;
  biblioId: number;
  title: string;
  collTypeId: number;
  gmdId: number;
}

export interface DemoFine {
  finesDate: string;
  memberId: string;
  debet: number;
  credit: number;
  description: string;
}

/** Collection types of the demo: 1 textbook, 2 reserve collection ("Tandon": short loans). */
export interface DemoRecords {
  members: Map<string, DemoMemberRow>;
  types: Map<number, MemberTypeTerms>;
  rules: LoanRule[];
  items: Map<string, DemoItem>;
  loans: LoanRecord[];
  reserves: Array<{ memberId: string; itemCode: string; biblioId: number }>;
  fineRows: DemoFine[];
}

const TEXTBOOK = 1;
const TANDON = 2;
const MAHASISWA = 1;
const DOSEN = 2;

/** The seed, built around date `t`: loans due soon, overdue, reserved by another member, at their limit. */
export function seedDemoRecords(t: string): DemoRecords {
  const records: DemoRecords = {
    members: new Map(),
    types: new Map(),
    rules: [],
    items: new Map(),
    loans: [],
    reserves: [],
    fineRows: [],
  };
  const d = (days: number) => addDays(t, days);
  records.types.set(MAHASISWA, {
    memberTypeId: MAHASISWA,
    loanPeriod: 7,
    renewLimit: 2,
    finePerDay: 500,
    graceDays: 1,
  });
  records.types.set(DOSEN, {
    memberTypeId: DOSEN,
    loanPeriod: 14,
    renewLimit: 3,
    finePerDay: 0,
    graceDays: 0,
  });
  // Students borrow the reserve collection for 3 days, renew once, Rp1.000/day.
  records.rules.push({
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
    records.members.set(info.memberId, {
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
    records.items.set(itemCode, {
      itemCode,
      biblioId: Number(itemCode.slice(1, 5)),
      title,
      collTypeId,
      gmdId: 1,
    });
  }

  addLoan(records, siti, "B0001-1", d(-5), d(2), 0, 0);
  addLoan(records, siti, "B0002-1", d(-2), d(5), 0, 0);
  addLoan(records, budi, "B0003-1", d(-12), d(-5), 0, 0);
  addLoan(records, budi, "T0004-1", d(-4), d(1), 1, 1, d(-2));
  addLoan(records, ratna, "B0005-1", d(-2), d(12), 0, 0);
  addLoan(records, andi, "B0006-1", d(-32), d(-25), 0, 0);

  records.reserves.push({
    memberId: ratna,
    itemCode: "B0002-1",
    biblioId: records.items.get("B0002-1")!.biblioId,
  });
  records.fineRows.push({
    finesDate: d(-40),
    memberId: budi,
    debet: 3000,
    credit: 1000,
    description: overdueFineDescription("B0007-1"),
  });
  return records;
}

function addLoan(
  records: DemoRecords,
  memberId: string,
  itemCode: string,
  loanDate: string,
  dueDate: string,
  renewed: number,
  loanRulesId: number,
  returnDate: string | null = null,
): void {
  const item = records.items.get(itemCode)!;
  records.loans.push({
    loanId: records.loans.length + 1,
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

/** Closed on Sundays; New Year, Independence Day and Christmas of the seed year and the next. */
export function demoCalendar(seedDate: string): HolidayCalendar {
  const year = Number(seedDate.slice(0, 4));
  const dates = new Set<string>();
  for (const y of [year, year + 1]) for (const md of ["01-01", "08-17", "12-25"]) dates.add(`${y}-${md}`);
  return { closedWeekdays: new Set(["sun"]), dates };
}
