/**
 * The service calendar as everything that tells time reads it (`/jam`, the handoff's "when
 * librarians answer", the console, the service report): the stored weekly hours (or LIBRARY_HOURS
 * until an admin saves them), the library's own exceptions, and the library system's holidays.
 *
 * The stored part is reused for `cacheMs` (SERVICE_CALENDAR_CACHE_MS, default 30 s; 0 reads each
 * time), so a console change reaches every relay within that, without a query per message. The
 * library system's holidays are read on every call through its own cache (SLiMS:
 * SLIMS_HOLIDAY_CACHE_MS) and bounded by `holidaysWaitMs`: SLiMS's edits show without an import
 * step, and a slow SLiMS costs only its holidays (`importedKnown: false`), never the library's own
 * calendar. A failed read of our own tables falls back to the last good one (or LIBRARY_HOURS).
 */
import { withTimeout } from "./lifecycle";
import type { Logger } from "./logger";
import type { ServiceCalendarStore, StoredCalendar } from "./service-calendar-store";
import { NO_HOLIDAYS, type HolidayCalendar } from "./time/calendar";
import type { ServiceCalendar } from "./time/service-calendar";
import type { WeeklyHours } from "./time/service-hours";

export interface ServiceCalendarReaderOptions {
  store: ServiceCalendarStore;
  /** LIBRARY_HOURS: the weekly hours until an admin saves them */
  seed: WeeklyHours;
  /** the library system's holidays (LibrarySystem.holidays()); absent: none */
  holidays?: () => Promise<HolidayCalendar>;
  cacheMs: number;
  /** how long to wait for the library system's holidays */
  holidaysWaitMs?: number;
  logger?: Logger;
  now?: () => number;
}

export interface CalendarReading {
  calendar: ServiceCalendar;
  /** the library system's holidays were read (false: it failed or was slow; its holidays are missing) */
  importedKnown: boolean;
  /** the weekly hours come from the console (false: LIBRARY_HOURS) */
  weeklyStored: boolean;
}

const EMPTY: StoredCalendar = { weekly: null, exceptions: [] };

export class ServiceCalendarReader {
  private cached: { until: number; stored: Promise<StoredCalendar> } | undefined;
  private lastGood: StoredCalendar = EMPTY;

  constructor(private readonly options: ServiceCalendarReaderOptions) {}

  /** The calendar now (stored part at most `cacheMs` old). */
  async current(): Promise<CalendarReading> {
    const [stored, imported] = await Promise.all([this.stored(), this.imported()]);
    return {
      calendar: {
        weekly: stored.weekly ?? this.options.seed,
        exceptions: stored.exceptions,
        imported: imported ?? NO_HOLIDAYS,
      },
      importedKnown: imported !== undefined,
      weeklyStored: stored.weekly !== null,
    };
  }

  /** Forget the cached stored part (this process just changed it). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async stored(): Promise<StoredCalendar> {
    const now = this.options.now?.() ?? Date.now();
    if (this.cached && now < this.cached.until) return this.cached.stored;
    const stored = this.options.store.read().then((s) => (this.lastGood = s));
    const entry = { until: now + this.options.cacheMs, stored };
    if (this.options.cacheMs > 0) this.cached = entry;
    try {
      return await stored;
    } catch (err) {
      if (this.cached === entry) this.cached = undefined;
      this.options.logger?.warn(
        { err: (err as Error).message },
        "service calendar: read failed, using the last one",
      );
      return this.lastGood;
    }
  }

  private async imported(): Promise<HolidayCalendar | undefined> {
    if (!this.options.holidays) return NO_HOLIDAYS;
    try {
      return await withTimeout(
        this.options.holidays(),
        this.options.holidaysWaitMs ?? 2000,
        "reading the library system's holidays",
      );
    } catch {
      return undefined;
    }
  }
}
