/**
 * What the bot says about service hours: one day as asked ("Besok (Rabu) buka 08:00–16:00",
 * "Saturday: closed; we open again Monday at 08:00"), open right now, and the weekly table.
 * Times are the library's wall clock; days and dates arrive as YYYY-MM-DD in its time zone.
 */
import type { Language } from "../envelope";
import { weekdayOf } from "../time/calendar";
import type { Opening } from "../time/day-hours";
import { formatMinutes, type Span } from "../time/service-hours";
import { dayName } from "./days";
import { formatDate } from "./library";

/** How the patron named the day (relay/asked-day.ts), so the answer names it the same way. */
export type DayLabel = "today" | "tomorrow" | "day_after" | "weekday" | "date";

const spansText = (spans: readonly Span[]) =>
  spans.map((s) => `${formatMinutes(s.from)}–${formatMinutes(s.to)}`).join(", ");

/** "Besok (Rabu)", "Sabtu, 6 Des", "Kamis, 25 Des 2025" */
function label(lang: Language, said: DayLabel, date: string): string {
  const day = dayName(lang, weekdayOf(date));
  switch (said) {
    case "today":
      return lang === "en" ? `Today (${day})` : `Hari ini (${day})`;
    case "tomorrow":
      return lang === "en" ? `Tomorrow (${day})` : `Besok (${day})`;
    case "day_after":
      return lang === "en" ? `The day after tomorrow (${day})` : `Lusa (${day})`;
    case "weekday":
      return `${day}, ${formatDate(lang, date, { year: false })}`;
    case "date":
      return `${day}, ${formatDate(lang, date)}`;
  }
}

/** When the library opens next, seen from today: "besok pukul 08:00", "Monday at 08:00". */
function opening(lang: Language, next: Opening): string {
  const at = formatMinutes(next.from);
  const day = dayName(lang, next.weekday);
  // More than a week away (a long holiday): the weekday alone would mislead; add the date.
  const date = next.daysAhead > 6 ? ` ${formatDate(lang, next.date, { year: false })}` : "";
  if (lang === "en") {
    const when = next.daysAhead === 0 ? "today" : next.daysAhead === 1 ? "tomorrow" : `${day}${date}`;
    return `${when} at ${at}`;
  }
  const when = next.daysAhead === 0 ? "hari ini" : next.daysAhead === 1 ? "besok" : `hari ${day}${date}`;
  return `${when} pukul ${at}`;
}

/** " (Hari Raya Nyepi)": a holiday's or period's name, when the library gave one */
const named = (name: string | undefined) => (name ? ` (${name})` : "");

const againEn = (next: Opening | null) => (next ? `; we open again ${opening("en", next)}` : "");
const againId = (next: Opening | null) => (next ? `; buka lagi ${opening("id", next)}` : "");

export const hoursTexts = {
  /** a day with service hours ("Besok (Rabu) buka 08:00–16:00.") */
  dayOpen: (lang: Language, said: DayLabel, date: string, spans: readonly Span[]) =>
    lang === "en"
      ? `${label(lang, said, date)}: open ${spansText(spans)}.`
      : `${label(lang, said, date)} buka ${spansText(spans)}.`,
  /** a day without service hours (weekly) */
  dayClosed: (lang: Language, said: DayLabel, date: string, next: Opening | null) =>
    lang === "en"
      ? `${label(lang, said, date)}: closed${againEn(next)}.`
      : `${label(lang, said, date)} tutup${againId(next)}.`,
  /** a dated holiday of the library system */
  dayHoliday: (lang: Language, said: DayLabel, date: string, next: Opening | null, name?: string) =>
    lang === "en"
      ? `${label(lang, said, date)}: a holiday${named(name)}, the library is closed${againEn(next)}.`
      : `${label(lang, said, date)} libur${named(name)}, perpustakaan tutup${againId(next)}.`,
  /** the day's hours are the library's special hours of a period (Ramadan), not the weekly ones */
  specialHours: (lang: Language, name: string | undefined, from: string, to: string) =>
    lang === "en"
      ? `(Special hours${named(name)} from ${formatDate(lang, from)} to ${formatDate(lang, to)}.)`
      : `(Jam layanan khusus${named(name)} ${formatDate(lang, from)} s.d. ${formatDate(lang, to)}.)`,
  /** the weekly table: a period of special hours in effect or starting soon */
  specialPeriod: (
    lang: Language,
    name: string | undefined,
    from: string,
    to: string,
    spans: readonly Span[],
  ) =>
    lang === "en"
      ? `Special hours${named(name)} ${formatDate(lang, from, { year: false })} – ${formatDate(lang, to)}: ${spansText(spans)}.`
      : `Jam layanan khusus${named(name)} ${formatDate(lang, from, { year: false })} – ${formatDate(lang, to)}: ${spansText(spans)}.`,
  /** today, open at this moment */
  todayOpenNow: (lang: Language, until: number, spans: readonly Span[]) =>
    lang === "en"
      ? `We are open today until ${formatMinutes(until)} (hours today: ${spansText(spans)}).`
      : `Hari ini kami buka sampai pukul ${formatMinutes(until)} (jam layanan hari ini ${spansText(spans)}).`,
  /** today, before the first opening */
  todayNotYet: (lang: Language, date: string, spans: readonly Span[]) =>
    lang === "en"
      ? `${label(lang, "today", date)}: open ${spansText(spans)}; not open yet.`
      : `${label(lang, "today", date)} buka ${spansText(spans)}; saat ini belum buka.`,
  /** today, between two openings (a break) */
  todayBreak: (lang: Language, spans: readonly Span[], next: Opening) =>
    lang === "en"
      ? `We are on a break now; we open again ${opening(lang, next)} (hours today: ${spansText(spans)}).`
      : `Saat ini sedang istirahat; buka lagi ${opening(lang, next)} (jam layanan hari ini ${spansText(spans)}).`,
  /** today, after the last closing */
  todayClosed: (lang: Language, spans: readonly Span[], next: Opening | null) =>
    lang === "en"
      ? `We have closed for today (hours today: ${spansText(spans)})${againEn(next)}.`
      : `Hari ini sudah tutup (jam layanan tadi ${spansText(spans)})${againId(next)}.`,
  dayPast: (lang: Language, date: string) =>
    lang === "en"
      ? `${label(lang, "date", date)} has already passed.`
      : `${label(lang, "date", date)} sudah lewat.`,
  /** one line of several days asked at once ("akhir pekan") */
  dayLine: (
    lang: Language,
    said: DayLabel,
    date: string,
    state: "closed" | "holiday" | readonly Span[],
    name?: string,
  ) => {
    const what =
      state === "closed"
        ? lang === "en"
          ? "closed"
          : "tutup"
        : state === "holiday"
          ? lang === "en"
            ? `a holiday${named(name)}, closed`
            : `libur${named(name)}`
          : `${lang === "en" ? "open" : "buka"} ${spansText(state)}`;
    return `${label(lang, said, date)}: ${what}`;
  },
  openAgain: (lang: Language, next: Opening) =>
    lang === "en" ? `We open again ${opening(lang, next)}.` : `Buka lagi ${opening(lang, next)}.`,
  /** "sekarang buka?" */
  nowOpen: (lang: Language, until: number) =>
    lang === "en"
      ? `Yes, we are open now, until ${formatMinutes(until)}.`
      : `Ya, saat ini kami buka, sampai pukul ${formatMinutes(until)}.`,
  noSuchDate: (lang: Language) =>
    lang === "en" ? "I cannot find that date in the calendar." : "Tanggal itu tidak ada di kalender.",
  /** the holidays could not be read from the library system: the weekly hours are all we know */
  holidaysUnknown: (lang: Language) =>
    lang === "en"
      ? "(I could not check the library's holidays just now; these are the regular hours.)"
      : "(Hari libur perpustakaan belum dapat saya periksa saat ini; ini jam layanan biasa.)",

  // The weekly table ("jadwal", "/jam").
  title: (lang: Language, library: string) =>
    lang === "en" ? `${library} service hours:` : `Jam layanan ${library}:`,
  tableLine: (lang: Language, weekday: string, spans: readonly Span[]) =>
    `${dayName(lang, weekday)}: ${spans.length ? spansText(spans) : lang === "en" ? "closed" : "tutup"}`,
  openNow: (lang: Language, until: number) =>
    lang === "en"
      ? `We are open now, until ${formatMinutes(until)}.`
      : `Saat ini kami buka, sampai pukul ${formatMinutes(until)}.`,
  /** closed at this moment: the table's status line, and the answer to "sekarang buka?" */
  closedNow: (lang: Language, holiday: boolean, next: Opening | null, name?: string) =>
    next
      ? lang === "en"
        ? `We are closed now${holiday ? ` (today is a holiday${name ? `: ${name}` : ""})` : ""}; we open again ${opening(lang, next)}.`
        : `Saat ini kami tutup${holiday ? ` (hari ini libur${name ? `: ${name}` : ""})` : ""}; buka kembali ${opening(lang, next)}.`
      : lang === "en"
        ? "No service hours are set."
        : "Jam layanan belum diatur.",
  /** dated holidays in the coming days */
  comingHolidays: (lang: Language, days: ReadonlyArray<{ date: string; name?: string }>) => {
    const list = days.map(
      (d) =>
        `${dayName(lang, weekdayOf(d.date))} ${formatDate(lang, d.date, { year: false })}${named(d.name)}`,
    );
    return lang === "en"
      ? `Holidays (closed): ${list.join(", ")}.`
      : `Hari libur (tutup): ${list.join(", ")}.`;
  },
  timeZoneNote: (lang: Language, zone: string) =>
    lang === "en" ? `(Times in ${zone}.)` : `(Waktu ${zone}.)`,
};
