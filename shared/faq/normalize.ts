/**
 * Patron text → the tokens the FAQ matcher compares: lower case, punctuation dropped (the
 * intents' `tokens`), chat abbreviations and slang spelled out ("gmn" → "bagaimana"), filler
 * words dropped, and each word reduced to its stem — Indonesian by @nlpjs/lang-id's StemmerId
 * ("peminjaman", "meminjam" → "pinjam"), English by a light suffix rule. Docs: docs/faq.md.
 */
import { StemmerId } from "@nlpjs/lang-id";
import type { Language } from "../envelope";
import { tokens } from "./tokens";

/** How people type Indonesian in chat → the word they mean (one word each; see docs/faq.md). */
export const SLANG: Readonly<Record<string, string>> = {
  gmn: "bagaimana",
  gmna: "bagaimana",
  gimana: "bagaimana",
  bgmn: "bagaimana",
  gmana: "bagaimana",
  bsk: "besok",
  besuk: "besok",
  kpn: "kapan",
  perpus: "perpustakaan",
  perpust: "perpustakaan",
  tdk: "tidak",
  gak: "tidak",
  ga: "tidak",
  gk: "tidak",
  nggak: "tidak",
  ngga: "tidak",
  enggak: "tidak",
  engga: "tidak",
  yg: "yang",
  dgn: "dengan",
  utk: "untuk",
  sy: "saya",
  aku: "saya",
  gue: "saya",
  blm: "belum",
  sdh: "sudah",
  udh: "sudah",
  udah: "sudah",
  jg: "juga",
  krn: "karena",
  karna: "karena",
  bgt: "banget",
  brp: "berapa",
  dmn: "dimana",
  mana: "dimana",
  knp: "kenapa",
  klo: "kalau",
  kalo: "kalau",
  kl: "kalau",
  bs: "bisa",
  bisakah: "bisa",
  dpt: "dapat",
  tgl: "tanggal",
  skrg: "sekarang",
  hr: "hari",
  mhs: "mahasiswa",
  pinjem: "pinjam",
  minjem: "pinjam",
  minjam: "pinjam",
  balikin: "kembali",
  ilang: "hilang",
  ngeprint: "print",
  nge: "",
  ol: "online",
  daring: "online",
  ttg: "tentang",
  ato: "atau",
  pake: "pakai",
  makasih: "terima",
  tp: "tapi",
  sm: "sama",
  dr: "dari",
  wi: "wifi",
  fi: "",
  ejournal: "jurnal",
  ta: "skripsi",
};

/**
 * Words that tell nothing about the topic: particles, polite address, pronouns, the commonest
 * prepositions, and "tidak" (every "ga"/"gak" a patron types, which says nothing of the topic).
 * Question words ("bagaimana", "kapan", "how") stay: BM25's weights already make
 * them count little, and "kapan" against "bagaimana" can separate two entries.
 */
const STOPWORDS = new Set([
  // Indonesian
  "yang",
  "dan",
  "di",
  "ke",
  "dari",
  "untuk",
  "dengan",
  "saya",
  "kak",
  "kakak",
  "min",
  "mimin",
  "admin",
  "mas",
  "mbak",
  "pak",
  "bu",
  "ibu",
  "bapak",
  "ya",
  "dong",
  "sih",
  "nih",
  "deh",
  "kah",
  "nya",
  "ini",
  "itu",
  "ada",
  "apa",
  "apakah",
  "mau",
  "ingin",
  "tolong",
  "mohon",
  "halo",
  "hai",
  "permisi",
  "juga",
  "atau",
  "tapi",
  "sama",
  "kalau",
  "karena",
  "banget",
  "aja",
  "saja",
  "lagi",
  "pada",
  "oleh",
  "jika",
  "akan",
  "sudah",
  "belum",
  "tentang",
  "kami",
  "kita",
  "anda",
  "gan",
  "sis",
  "bro",
  "sini",
  "hallo",
  "tidak",
  "selamat",
  "pagi",
  "siang",
  "sore",
  "malam",
  "assalamualaikum",
  // English
  "the",
  "a",
  "an",
  "i",
  "my",
  "me",
  "to",
  "of",
  "in",
  "is",
  "are",
  "am",
  "do",
  "does",
  "can",
  "could",
  "for",
  "on",
  "at",
  "please",
  "it",
  "be",
  "and",
  "or",
  "you",
  "your",
  "we",
  "our",
  "there",
  "this",
  "that",
  "with",
  "hi",
  "hello",
  "would",
  "should",
  "want",
  "get",
  "any",
  "about",
  "from",
  "what",
  "if",
  "here",
]);

const stemmer = new StemmerId();

/** English: plural and verb endings off ("printing", "printed", "prints" → "print"). */
export function stemEnglish(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** The stem of a word of `lang`; short words and words with digits stay as they are. */
export function stem(word: string, lang: Language): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  return lang === "id" ? stemmer.stemWord(word) || word : stemEnglish(word);
}

/** The words of `text` with slang spelled out and filler dropped, before stemming. */
export function words(text: string): string[] {
  return tokens(text)
    .flatMap((t) => (SLANG[t] ?? t).split(" "))
    .filter((t) => t.length > 1 && !STOPWORDS.has(t) && !/\p{Extended_Pictographic}/u.test(t));
}

/** The matcher's tokens of `text` read as `lang`. */
export function stems(text: string, lang: Language): string[] {
  return words(text).map((w) => stem(w, lang));
}
