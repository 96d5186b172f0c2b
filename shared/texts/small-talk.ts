/**
 * Small talk: answers to a greeting, a salam, thanks and an acknowledgment. Short and friendly on
 * purpose — the menu comes only with /start, /bantuan or when asked for — so a patron who writes
 * "ok" or "makasih kak" is not buried under a list of commands.
 */
import type { Language } from "../envelope";
import { texts } from "./general";

/** The parts of the day a patron greets with ("pagi kak", "good evening"). */
export type DayPart = "morning" | "midday" | "afternoon" | "evening";

const DAY_PARTS: Record<Language, Record<DayPart, string>> = {
  id: {
    morning: "Selamat pagi",
    midday: "Selamat siang",
    afternoon: "Selamat sore",
    evening: "Selamat malam",
  },
  en: {
    morning: "Good morning",
    midday: "Good afternoon",
    afternoon: "Good afternoon",
    evening: "Good evening",
  },
};

const offer = (lang: Language) => (lang === "en" ? "How can I help?" : "Ada yang bisa saya bantu?");

/** ", Siti" — or nothing for a patron without a name in English ("Good morning, there!" is odd; "Kak" is not). */
const to = (lang: Language, name: string) =>
  lang === "en" && name === texts.anonymousPatron(lang) ? "" : `, ${name}`;

export const smallTalkTexts = {
  hello: (lang: Language, name: string) =>
    (lang === "en" ? `Hello ${name}! ` : `Halo ${name}! `) + offer(lang),
  /** the answer to "assalamualaikum" */
  salam: (lang: Language, name: string) => `Wa'alaikumsalam${to(lang, name)}! ${offer(lang)}`,
  /** "pagi kak" → "Selamat pagi, Kak!": the part of the day the patron named */
  dayPart: (lang: Language, part: DayPart, name: string) =>
    `${DAY_PARTS[lang][part]}${to(lang, name)}! ${offer(lang)}`,
  thanks: (lang: Language) =>
    lang === "en"
      ? "You're welcome! Just write here if there is anything else."
      : "Sama-sama! Tulis saja di sini kalau ada yang lain.",
  /** an emoji on its own (not 👍) */
  emoji: (lang: Language) =>
    lang === "en"
      ? "🙂 Just write here if you have a question."
      : "🙂 Tulis saja di sini kalau ada pertanyaan.",
  /** "ok", "sip", "👍" */
  ack: (lang: Language) =>
    lang === "en" ? "👍 I'm here if you need anything else." : "Siap 👍 Saya di sini kalau ada yang lain.",
};
