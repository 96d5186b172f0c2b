/**
 * Which day a question about opening hours is about: "besok buka ga?" (tomorrow), "is the library
 * open on saturday?", "tanggal 25 buka?", "akhir pekan", "sekarang buka?" (now), "jadwal" (the
 * weekly schedule). Pure: the text and today's date in the library's time zone in, an `AskedDay`
 * out; no clock, no holidays (the answer, relay/answers/hours.ts, applies those).
 *
 * Tolerant of slang and typos ("bsk", "hr ini", "tmrw", "wensday", "tgl 25 des"), by explicit
 * short forms plus the intents' edit distance for longer words. Table-tested in
 * test/unit/asked-day.spec.ts.
 */
import { addDays, daysBetween, isIsoDate, WEEKDAYS, weekdayOf, type Weekday } from "../shared/time/calendar";
import { matches, tokens } from "./intents";

/** How the patron named a day: the answer says "Besok (Rabu)" for a tomorrow, "Sabtu, 6 Des" for a weekday. */
export type DaySaid = "today" | "tomorrow" | "day_after" | "weekday" | "date";

export interface AskedDate {
  /** YYYY-MM-DD, in the library's time zone */
  date: string;
  said: DaySaid;
}

export type AskedDay =
  /** the weekly table: "jadwal", "jam buka perpustakaan", "/jam" with nothing after it */
  | { kind: "schedule" }
  /** open right now? "sekarang buka?", "buka ga?", "are you open now?" */
  | { kind: "now" }
  /** one day or several ("akhir pekan": Saturday and Sunday), in the order asked */
  | { kind: "days"; days: AskedDate[] }
  /** a date that is not in the calendar ("tanggal 31 februari", "tgl 32") */
  | { kind: "no_such_date" };

/** Words of one meaning: exact forms (short slang, where edit distance would collide) and fuzzy ones. */
interface Words {
  exact: readonly string[];
  fuzzy?: readonly string[];
}

const isWord = (token: string | undefined, words: Words): boolean =>
  token !== undefined &&
  (words.exact.includes(token) || (token.length >= 5 && (words.fuzzy ?? []).some((w) => matches(token, w))));

const WEEKDAY_WORDS: Record<Weekday, Words> = {
  mon: { exact: ["senin", "snin", "sen", "mon", "monday"], fuzzy: ["monday"] },
  tue: { exact: ["selasa", "slasa", "sel", "tue", "tues", "tuesday"], fuzzy: ["selasa", "tuesday"] },
  wed: { exact: ["rabu", "wed", "weds", "wednesday"], fuzzy: ["wednesday", "wensday"] },
  thu: { exact: ["kamis", "kemis", "kms", "thu", "thur", "thurs", "thursday"], fuzzy: ["thursday"] },
  fri: { exact: ["jumat", "jumaat", "jmat", "jum", "fri", "friday"], fuzzy: ["jumaat", "friday"] },
  sat: { exact: ["sabtu", "sbtu", "sab", "sat", "saturday"], fuzzy: ["saturday", "saturdy"] },
  sun: { exact: ["minggu", "mingu", "ahad", "sun", "sunday"], fuzzy: ["minggu", "sunday"] },
};

const MONTH_WORDS: readonly Words[] = [
  { exact: ["jan", "januari", "january"], fuzzy: ["januari", "january"] },
  { exact: ["feb", "februari", "pebruari", "february"], fuzzy: ["februari", "february"] },
  { exact: ["mar", "maret", "march"], fuzzy: ["maret", "march"] },
  { exact: ["apr", "april"], fuzzy: ["april"] },
  { exact: ["mei", "may"] },
  { exact: ["jun", "juni", "june"] },
  { exact: ["jul", "juli", "july"] },
  { exact: ["agu", "agt", "ags", "agus", "aug", "agustus", "august"], fuzzy: ["agustus", "august"] },
  { exact: ["sep", "sept", "september"], fuzzy: ["september"] },
  { exact: ["okt", "oct", "oktober", "october"], fuzzy: ["oktober", "october"] },
  { exact: ["nov", "nop", "november", "nopember"], fuzzy: ["november", "nopember"] },
  { exact: ["des", "dec", "desember", "december"], fuzzy: ["desember", "december"] },
];

const TODAY: Words = { exact: ["today", "tdy", "hariini", "tonight", "nanti"], fuzzy: ["today", "tonight"] };
/** "hari ini", "hr ini", "malam ini": a day word followed by "ini" */
const DAY_OF_THIS: Words = { exact: ["hari", "hr", "hri", "har", "malam", "mlm", "siang", "sore", "pagi"] };
const TOMORROW: Words = {
  exact: ["besok", "bsk", "besuk", "bsok", "besk", "esok", "tomorrow", "tmrw", "tmr", "tmrow", "tomoro"],
  fuzzy: ["besok", "tomorrow"],
};
const DAY_AFTER: Words = { exact: ["lusa", "lsa"] };
const WEEKEND: Words = { exact: ["weekend", "wiken", "wikend", "weekends"], fuzzy: ["weekend"] };
/** "akhir pekan", "akhir minggu", "week end" */
const WEEKEND_FIRST: Words = { exact: ["akhir", "akir", "ahir"] };
const WEEKEND_SECOND: Words = { exact: ["pekan", "minggu", "mingu"] };
/** "minggu ini", "minggu depan": "minggu" is then the week, not Sunday */
const AFTER_WEEK: Words = { exact: ["ini", "depan", "dpn", "lalu", "kemarin"] };
const NEXT: Words = { exact: ["depan", "dpn", "next"] };
const DATE_WORD: Words = { exact: ["tanggal", "tgl", "tg", "tangal", "tanggl", "tanggla", "date"] };
const NOW: Words = {
  exact: [
    "sekarang",
    "skrg",
    "skrng",
    "skr",
    "skrang",
    "now",
    "currently",
    "masih",
    "still",
    "udah",
    "sudah",
  ],
  fuzzy: ["sekarang", "currently"],
};
const CLOSE: Words = { exact: ["tutup", "ttp", "close", "closes", "closing"], fuzzy: ["closing"] };
const OPEN: Words = { exact: ["buka", "bukak", "bka", "open", "opened"] };
/** words that ask for the timetable rather than a yes or no ("jam buka?", "kapan buka?", "opening hours") */
const SCHEDULE: Words = {
  exact: ["jadwal", "jadual", "jam", "kapan", "hours", "schedule", "when", "timetable", "opening"],
  fuzzy: ["jadwal", "schedule"],
};
/** "sampai jam berapa?", "until when?": asking when it closes */
const UNTIL: Words = { exact: ["sampai", "sampe", "smp", "until", "till"] };

const ORDINAL = /^(\d{1,2})(?:st|nd|rd|th)?$/;
const AMBIGUOUS_DAY_FORMS = new Set(["sat", "sun", "mon", "wed", "sen", "sel"]);
const YEAR = /^(\d{4})$/;

/** Which day `text` asks about, as of `today` (YYYY-MM-DD in the library's zone). */
export function askedDay(text: string, today: string): AskedDay {
  const numeric = numericDate(text, today);
  if (numeric) return numeric;
  const words = tokens(text);
  const days: AskedDate[] = [];
  let noSuchDate = false;
  let aboutWeek = false;
  const add = (date: string | null, said: DaySaid) => {
    if (date === null) noSuchDate = true;
    else if (!days.some((d) => d.date === date)) days.push({ date, said });
  };

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (isWord(w, WEEKEND_FIRST) && isWord(next, WEEKEND_SECOND)) {
      weekend(today).forEach((d) => add(d.date, d.said));
      i++;
    } else if (isWord(w, WEEKEND) || (w === "week" && next === "end")) {
      weekend(today).forEach((d) => add(d.date, d.said));
      if (w === "week") i++;
    } else if (w === "day" && next === "after" && words[i + 2] && isWord(words[i + 2], TOMORROW)) {
      add(addDays(today, 2), "day_after");
      i += 2;
    } else if (isWord(w, DAY_AFTER)) {
      add(addDays(today, 2), "day_after");
    } else if (isWord(w, TOMORROW)) {
      add(addDays(today, 1), "tomorrow");
    } else if (isWord(w, TODAY) || (isWord(w, DAY_OF_THIS) && next === "ini")) {
      add(today, "today");
      if (next === "ini") i++;
    } else if (dayNumberAt(words, i) !== null) {
      // "tanggal 25", "the 25th", "25 des": a day of the month, its month and year when given.
      const at = isWord(w, DATE_WORD) ? i + 1 : i;
      const month = monthAt(words, at + 1);
      const year = month !== null ? YEAR.exec(words[at + 2] ?? "") : null;
      add(
        dayOfMonth(today, Number(ORDINAL.exec(words[at]!)![1]), month, year ? Number(year[1]) : null),
        "date",
      );
      i = at + (month !== null ? (year ? 2 : 1) : 0);
    } else if (monthAt(words, i) !== null && ORDINAL.test(next ?? "")) {
      // "december 25", "desember 25th", with an optional year.
      const year = YEAR.exec(words[i + 2] ?? "");
      add(
        dayOfMonth(today, Number(ORDINAL.exec(next!)![1]), monthAt(words, i), year ? Number(year[1]) : null),
        "date",
      );
      i += year ? 2 : 1;
    } else if (
      (w.startsWith("ming") &&
        isWord(w, WEEKDAY_WORDS.sun) &&
        isWord(next, AFTER_WEEK) &&
        !isWord(words[i - 1], DAY_OF_THIS)) ||
      ((w === "pekan" || w === "week") && next !== "end")
    ) {
      // "minggu ini", "minggu depan", "this week": the week, answered with the weekly table
      // ("hari minggu ini" is this Sunday).
      aboutWeek = true;
    } else {
      const weekday = WEEKDAYS.find((d) => isWord(w, WEEKDAY_WORDS[d]));
      if (!weekday) continue;
      // "sat", "sun", "mon", "wed", "sen", "sel" are also words: days only after "on", "next",
      // "hari", or alone.
      if (AMBIGUOUS_DAY_FORMS.has(w) && !nearDayCue(words, i)) continue;
      const ahead = (WEEKDAYS.indexOf(weekday) - WEEKDAYS.indexOf(weekdayOf(today)) + 7) % 7;
      const nextWeek = ahead === 0 && (isWord(next, NEXT) || isWord(words[i - 1], NEXT));
      const date = addDays(today, ahead + (nextWeek ? 7 : 0));
      add(date, ahead === 0 && !nextWeek ? "today" : ahead === 1 ? "tomorrow" : "weekday");
    }
  }
  if (days.length) return { kind: "days", days };
  if (noSuchDate) return { kind: "no_such_date" };
  if (aboutWeek) return { kind: "schedule" };
  return undayed(words, today);
}

/** A question that names no day: when it closes (today), open now (a yes/no question), else the table. */
function undayed(words: string[], today: string): AskedDay {
  if (words.some((w) => isWord(w, NOW))) return { kind: "now" };
  const schedule = words.some((w) => isWord(w, SCHEDULE));
  const closes = words.some((w) => isWord(w, CLOSE));
  const until = words.some((w) => isWord(w, UNTIL));
  if ((closes || until) && !words.some((w) => w === "jadwal" || w === "schedule"))
    return { kind: "days", days: [{ date: today, said: "today" }] };
  if (!schedule && words.some((w) => isWord(w, OPEN))) return { kind: "now" };
  return { kind: "schedule" };
}

/** "on sat", "next mon", "sat?" alone: a three-letter day form used as a day. */
function nearDayCue(words: string[], i: number): boolean {
  const before = words[i - 1];
  return words.length === 1 || before === "on" || before === "next" || before === "hari" || before === "hr";
}

/**
 * Does a day of the month start at `words[i]`: "tanggal 25" / "tgl 25", an ordinal ("25th"), or a
 * number before a month ("25 des")? A bare number is not a date ("jam 8", a member ID).
 */
function dayNumberAt(words: string[], i: number): number | null {
  const w = words[i]!;
  const number = (token: string | undefined) => {
    const m = ORDINAL.exec(token ?? "");
    return m ? Number(m[1]) : null;
  };
  if (isWord(w, DATE_WORD)) return number(words[i + 1]);
  const n = number(w);
  if (n === null) return null;
  return /\D/.test(w) || monthAt(words, i + 1) !== null ? n : null;
}

/** The month (0–11) named by `words[i]`, or null. */
function monthAt(words: string[], i: number): number | null {
  const w = words[i];
  if (w === undefined) return null;
  const m = MONTH_WORDS.findIndex((words) => isWord(w, words));
  return m < 0 ? null : m;
}

/** The coming weekend: Saturday and Sunday, or just today on a Sunday. */
function weekend(today: string): AskedDate[] {
  const weekday = weekdayOf(today);
  if (weekday === "sun") return [{ date: today, said: "today" }];
  const sat = addDays(today, (6 - WEEKDAYS.indexOf(weekday) + 7) % 7);
  const said = (date: string): DaySaid =>
    date === today ? "today" : daysBetween(today, date) === 1 ? "tomorrow" : "weekday";
  return [
    { date: sat, said: said(sat) },
    { date: addDays(sat, 1), said: said(addDays(sat, 1)) },
  ];
}

/**
 * Day `day` of `month` (0–11, or null: this month if that day is still to come, else the next month
 * that has it) of `year` (null: this year if still to come, else next year). Null when no such date.
 */
function dayOfMonth(today: string, day: number, month: number | null, year: number | null): string | null {
  const [ty, tm] = [Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1];
  const iso = (y: number, m: number) =>
    `${y}-${String(m + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  if (month === null) {
    for (let k = 0; k < 12; k++) {
      const m = (tm + k) % 12;
      const candidate = iso(ty + Math.floor((tm + k) / 12), m);
      if (isIsoDate(candidate) && candidate >= today) return candidate;
    }
    return null;
  }
  if (year !== null) return isIsoDate(iso(year, month)) ? iso(year, month) : null;
  const thisYear = iso(ty, month);
  if (isIsoDate(thisYear) && thisYear >= today) return thisYear;
  // 29 February: the next year that has it.
  for (let y = ty + 1; y <= ty + 8; y++) if (isIsoDate(iso(y, month))) return iso(y, month);
  return null;
}

/** "25/12", "25-12-2025", "2025-12-25": dates written with digits (not "jam 16.00", a time). */
function numericDate(text: string, today: string): AskedDay | null {
  const lower = text.toLowerCase();
  const iso = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(lower);
  if (iso) {
    const date = `${iso[1]}-${iso[2]!.padStart(2, "0")}-${iso[3]!.padStart(2, "0")}`;
    return isIsoDate(date) ? { kind: "days", days: [{ date, said: "date" }] } : { kind: "no_such_date" };
  }
  const dm = /(?:^|[^\d.:/-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d.:/-]*\d)/.exec(lower);
  if (!dm) return null;
  // "jam 16.00", "pukul 8.30": a time, not a date.
  if (/(?:jam|pukul|pkl|at)\s*$/.test(lower.slice(0, dm.index + dm[0].indexOf(dm[1]!)))) return null;
  const month = Number(dm[2]) - 1;
  if (month < 0 || month > 11) return null;
  const year = dm[3] ? Number(dm[3].length === 2 ? `20${dm[3]}` : dm[3]) : null;
  const date = dayOfMonth(today, Number(dm[1]), month, year);
  return date ? { kind: "days", days: [{ date, said: "date" }] } : { kind: "no_such_date" };
}
