/**
 * Free text → intent, in Indonesian and English, tolerant of common typos ("jam bukak",
 * "perpustkaan", "helo"). Deliberately small and explainable: keywords and short phrases per
 * intent, matched on normalised tokens with an edit distance that grows with word length.
 * The FAQ issue brings an editable knowledge base and stemming; this covers the fixed answers.
 */
import { distance } from "fastest-levenshtein";
import type { Language } from "../shared/envelope";

export type IntentName =
  | "greeting"
  | "help"
  | "hours"
  | "language"
  | "librarian"
  | "thanks"
  | "loans"
  | "fines"
  | "renew"
  | "link"
  | "unlink";

interface Cue {
  /** tokens that must all appear, in order (adjacent not required) */
  words: string[];
  weight: number;
  lang?: Language;
}

const cue = (phrase: string, weight: number, lang?: Language): Cue => ({
  words: phrase.split(" "),
  weight,
  ...(lang ? { lang } : {}),
});

const INTENTS: Record<IntentName, Cue[]> = {
  renew: [
    cue("perpanjang", 3.5, "id"),
    cue("perpanjangan", 3.5, "id"),
    cue("memperpanjang", 3.5, "id"),
    cue("renew", 3.5, "en"),
    cue("renewal", 3.5, "en"),
    cue("extend", 3, "en"),
  ],
  fines: [
    cue("denda", 3.5, "id"),
    cue("berapa denda", 1, "id"),
    cue("fine", 3, "en"),
    cue("fines", 3.5, "en"),
    cue("owe", 3, "en"),
  ],
  loans: [
    cue("pinjaman", 3, "id"),
    cue("pinjam", 2, "id"),
    cue("dipinjam", 2.5, "id"),
    cue("peminjaman", 3, "id"),
    cue("harus kembali", 3, "id"),
    cue("dikembalikan", 2.5, "id"),
    cue("jatuh tempo", 3, "id"),
    cue("buku saya", 2, "id"),
    cue("loans", 3, "en"),
    cue("loan", 2.5, "en"),
    cue("borrowed", 2.5, "en"),
    cue("due date", 3, "en"),
    cue("my books", 2.5, "en"),
  ],
  link: [
    cue("tautkan", 3, "id"),
    cue("hubungkan akun", 3, "id"),
    cue("verifikasi", 2, "id"),
    cue("link account", 3, "en"),
    cue("link my", 3, "en"),
    cue("verify", 2, "en"),
  ],
  unlink: [cue("lepas tautan", 4, "id"), cue("putuskan akun", 4, "id"), cue("unlink", 4, "en")],
  hours: [
    cue("jam buka", 3, "id"),
    cue("jam layanan", 3, "id"),
    cue("jam operasional", 3, "id"),
    cue("jam tutup", 3, "id"),
    cue("jadwal", 2, "id"),
    cue("buka", 2, "id"),
    cue("bukak", 2, "id"),
    cue("tutup", 2, "id"),
    cue("kapan", 1, "id"),
    cue("jam", 1.5, "id"),
    cue("opening hours", 3, "en"),
    cue("hours", 2.5, "en"),
    cue("open", 2, "en"),
    cue("opening", 2, "en"),
    cue("closed", 2, "en"),
    cue("close", 1.5, "en"),
    cue("schedule", 2, "en"),
    cue("when", 1, "en"),
  ],
  librarian: [
    cue("pustakawan", 3, "id"),
    cue("petugas", 3, "id"),
    cue("bicara dengan orang", 3, "id"),
    cue("manusia", 2.5, "id"),
    cue("operator", 2.5),
    cue("admin", 2),
    cue("librarian", 3, "en"),
    cue("human", 3, "en"),
    cue("real person", 3, "en"),
    cue("talk to someone", 3, "en"),
    cue("staff", 2, "en"),
  ],
  language: [
    cue("bahasa", 3, "id"),
    cue("language", 3, "en"),
    cue("english", 2.5, "en"),
    cue("inggris", 2.5, "id"),
  ],
  help: [
    cue("bantuan", 3, "id"),
    cue("bantu", 2, "id"),
    cue("tolong", 2, "id"),
    cue("menu", 2.5),
    cue("panduan", 2.5, "id"),
    cue("bisa apa", 2.5, "id"),
    cue("apa saja", 1.5, "id"),
    cue("help", 3, "en"),
    cue("what can you do", 3, "en"),
    cue("guide", 2, "en"),
  ],
  greeting: [
    cue("halo", 2, "id"),
    cue("hallo", 2, "id"),
    cue("hai", 2, "id"),
    cue("selamat pagi", 2, "id"),
    cue("selamat siang", 2, "id"),
    cue("selamat sore", 2, "id"),
    cue("selamat malam", 2, "id"),
    cue("assalamualaikum", 2, "id"),
    cue("permisi", 1.5, "id"),
    cue("hello", 2, "en"),
    cue("hi", 2, "en"),
    cue("hey", 2, "en"),
    cue("good morning", 2, "en"),
    cue("good afternoon", 2, "en"),
    cue("good evening", 2, "en"),
  ],
  thanks: [
    cue("terima kasih", 3, "id"),
    cue("terimakasih", 3, "id"),
    cue("makasih", 3, "id"),
    cue("trims", 2.5, "id"),
    cue("thanks", 3, "en"),
    cue("thank you", 3, "en"),
    cue("thx", 2.5, "en"),
  ],
};

/** Spoken order of precedence when two intents score the same. */
const PRECEDENCE: IntentName[] = [
  "librarian",
  "unlink",
  "link",
  "renew",
  "fines",
  "loans",
  "language",
  "hours",
  "help",
  "thanks",
  "greeting",
];

export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9\s]/g, " ")
    .split(/\s+/)
    .filter(Boolean);
}

/** Edit distance allowed for a keyword: none for short words, where typos collide with real words. */
function tolerance(word: string): number {
  return word.length >= 8 ? 2 : word.length >= 5 ? 1 : 0;
}

function matches(token: string, word: string): boolean {
  return token === word || (tolerance(word) > 0 && distance(token, word) <= tolerance(word));
}

function cueMatches(words: string[], cueWords: string[]): boolean {
  let from = 0;
  for (const w of cueWords) {
    const at = words.findIndex((t, i) => i >= from && matches(t, w));
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}

export interface IntentMatch {
  intent: IntentName;
  /** the language the matching words were in, when they tell */
  lang?: Language;
  score: number;
}

export function matchIntent(text: string): IntentMatch | null {
  const words = tokens(text);
  if (words.length === 0) return null;
  let best: IntentMatch | null = null;
  for (const intent of PRECEDENCE) {
    let score = 0;
    const langScore: Record<Language, number> = { id: 0, en: 0 };
    for (const c of INTENTS[intent]) {
      if (!cueMatches(words, c.words)) continue;
      score += c.weight;
      if (c.lang) langScore[c.lang] += c.weight;
    }
    // Long messages that merely contain a greeting are not greetings.
    if (intent === "greeting" && words.length > 4) score /= 2;
    if (score >= 1.5 && (!best || score > best.score)) {
      const lang = langScore.en > langScore.id ? "en" : langScore.id > langScore.en ? "id" : undefined;
      best = { intent, score, ...(lang ? { lang } : {}) };
    }
  }
  return best;
}

/** Which language a patron is asking for ("english please", "bahasa indonesia", "/bahasa en"). */
export function requestedLanguage(text: string): Language | undefined {
  const words = tokens(text);
  if (words.some((w) => ["en", "english", "inggris", "eng"].includes(w) || matches(w, "english")))
    return "en";
  if (words.some((w) => ["id", "indonesia", "indonesian", "ind"].includes(w) || matches(w, "indonesia")))
    return "id";
  return undefined;
}

export interface Command {
  name: string;
  args: string;
}

/** "/jam@pustaka_bot besok" → { name: "jam", args: "besok" } */
export function parseCommand(text: string): Command | null {
  const m = /^\/([a-z0-9_]{1,32})(?:@[a-z0-9_]+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  return m ? { name: m[1]!.toLowerCase(), args: (m[2] ?? "").trim() } : null;
}
