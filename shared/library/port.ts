/**
 * The library-system port (docs/slims.md): what the chat relay may ask of the library's
 * circulation system. Two implementations: SlimsLibrary (SLiMS over MySQL/MariaDB) and
 * DemoLibrary (in memory, for the quickstart). Expected outcomes ("refused: reserved",
 * "wrong password") are results; only unexpected failures (database down) throw.
 *
 * Dates are calendar dates `YYYY-MM-DD` in the library's time zone. Every method taking
 * `today` uses it instead of the clock (tests, and "as of" answers); without it, today is
 * computed in the time zone given to the implementation (the library's LIBRARY_TIMEZONE).
 * Money is in the library's currency unit (rupiah), as SLiMS stores it (integers).
 */

import type { HolidayCalendar } from "../time/calendar";

export interface Member {
  memberId: string;
  name: string;
  memberTypeId: number;
  /** null when SLiMS holds a legacy zero date: such a membership counts as expired. */
  expireDate: string | null;
  isPending: boolean;
  /** false when `mpasswd` is NULL or empty: the member cannot log in with a password. */
  hasPassword: boolean;
  email: string | null;
  /** The free-text `member_phone` field as stored (it may hold several numbers). */
  phone: string | null;
}

export interface Loan {
  loanId: number;
  itemCode: string;
  /** Title of the item's bibliographic record; "" if the item or record is missing. */
  title: string;
  /** null for a legacy zero date. */
  loanDate: string | null;
  /** null for a legacy zero date (then the loan is never counted as overdue). */
  dueDate: string | null;
  /** Renewals so far. */
  renewed: number;
  /** Maximum renewals (docs/slims.md §2: rule matched on member type + collection type, else member type). */
  renewLimit: number;
  /** Calendar days after the due date as of today (0 if not late); may be > 0 with no fine (grace). */
  daysLate: number;
  /** Fine-chargeable days as of today (0 if not overdue or within the grace period). */
  overdueDays: number;
  finePerDay: number;
  /** overdueDays × finePerDay: what a return or renewal today would charge. Not yet owed. */
  fineEstimate: number;
}

export type RenewRefusal =
  | "not_on_loan" // no such open loan of this member (also: another member's loan)
  | "membership_expired"
  | "member_pending"
  | "limit_reached"
  | "renewed_today"
  | "reserved" // another member reserved this very copy
  | "overdue_not_allowed"; // policy allowOverdue=false and the loan is past its due date

export type RenewalResult =
  | {
      ok: true;
      loanId: number;
      itemCode: string;
      title: string;
      oldDueDate: string | null;
      newDueDate: string;
      /** Renewal count after this renewal. */
      renewed: number;
      /** Fine-chargeable days at renewal. */
      overdueDays: number;
      /** Fine written to the member's account (a `fines` row), 0 if none. */
      fineCharged: number;
      /** Fine that was due but waived by policy (no `fines` row written). */
      fineWaived: number;
    }
  | { ok: false; reason: RenewRefusal; loanId: number };

export type RenewableLoan =
  (Loan & { renewable: true }) | (Loan & { renewable: false; reason: RenewRefusal });

export interface FinesSummary {
  /** Stored outstanding fines: sum(debet − credit) of the member's `fines` rows. */
  balance: number;
  /** Sum of fineEstimate over current loans: not owed yet, charged on return or renewal. */
  overdueEstimate: number;
  /** The current loans that are past their due date (daysLate > 0). */
  loans: Loan[];
}

export type VerifyResult =
  { ok: true; member: Member } | { ok: false; reason: "no_member" | "no_password" | "wrong_password" };

/** Renewal policy switches (the SOP's "late returns are extended online" rule). */
export interface RenewalPolicy {
  /** RENEWAL_ALLOW_OVERDUE: renew loans past their due date (SLiMS staff renewal does). Default true. */
  allowOverdue: boolean;
  /** RENEWAL_WAIVE_FINES: do not write the overdue fine on renewal; report it as waived. Default false. */
  waiveFines: boolean;
  /**
   * Refuse renewal to members with `is_pending = 1` (SLiMS: "locks new loans"; the staff
   * Extend button does not check it). Default true: a locked member sees a librarian.
   */
  refusePendingMembers: boolean;
}

export const DEFAULT_RENEWAL_POLICY: Readonly<RenewalPolicy> = Object.freeze({
  allowOverdue: true,
  waiveFines: false,
  refusePendingMembers: true,
});

/**
 * A renewal as recorded before the library system is written, and how far it got. SLiMS tables
 * are often MyISAM (no transactions): the loan UPDATE, the fine and the log row are separate
 * writes, so a failure between them must leave enough behind for a retry to finish the job.
 */
export interface RenewalIntent {
  memberId: string;
  loanId: number;
  itemCode: string;
  /** the loan's `renewed` before this renewal (the guard of the UPDATE) */
  renewedBefore: number;
  oldDueDate: string | null;
  newDueDate: string;
  /** the renewal's day (YYYY-MM-DD): the fine's `fines_date` */
  renewalDate: string;
  /**
   * the renewal's moment on the library's wall clock (`YYYY-MM-DD HH:MM:SS`): `loan.last_update`
   * and `system_log.log_date`, as SLiMS's PHP `date()` writes them; null on intents recorded
   * before it was kept (a resumed one then writes the moment it completes)
   */
  renewedAt: string | null;
  /** the fine this renewal writes (0: none) */
  fine: number;
  fineWaived: number;
  overdueDays: number;
  stage: "planned" | "loan_updated" | "fine_written" | "done";
}

/** Where a renewal's intent is kept (PostgreSQL: shared/renewal-intents.ts), one per request. */
export interface RenewalJournal {
  load(): Promise<RenewalIntent | null>;
  save(intent: RenewalIntent): Promise<void>;
}

export interface LibrarySystem {
  readonly kind: "slims" | "demo";
  /** Members whose `member_phone` holds this number (normalised, exact match; never a suffix match). */
  findMembersByPhone(phone: string): Promise<Member[]>;
  getMember(memberId: string): Promise<Member | null>;
  /** SLiMS's password rules (bcrypt, MD5 legacy); never rewrites the stored hash. */
  verifyPassword(memberId: string, password: string): Promise<VerifyResult>;
  /** The member's open loans (is_lent=1, is_return=0), earliest due first. Never another member's. */
  currentLoans(memberId: string, today?: string): Promise<Loan[]>;
  fines(memberId: string, today?: string): Promise<FinesSummary>;
  /** Each current loan with whether it can be renewed today, and why not. Writes nothing. */
  renewableLoans(memberId: string, today?: string): Promise<RenewableLoan[]>;
  /**
   * Renew one loan. With a `journal`, the renewal is recorded before it is written and advanced
   * after each write; called again with the same journal after a failure, it completes what was
   * left (the missing fine and log row), never renewing or charging twice. `now` is the moment
   * of the renewal (default: the clock), written as the library's wall-clock time; `today`
   * defaults to its date in the library's zone.
   */
  renew(
    memberId: string,
    loanId: number,
    options?: { today?: string; now?: Date; journal?: RenewalJournal },
  ): Promise<RenewalResult>;
  /** The library's weekly closing days and dated holidays (SLiMS `holiday`): when nobody answers. */
  holidays(): Promise<HolidayCalendar>;
  /**
   * The time zone the library system itself dates its records in, where it keeps one (SLiMS: the
   * `timezone` setting, Asia/Jakarta when unset), so start-up can warn when it is not ours.
   */
  timeZoneSetting?(): Promise<string>;
  /** Idempotent. */
  close(): Promise<void>;
}
