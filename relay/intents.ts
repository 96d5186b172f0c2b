/**
 * Free text → intent, in Indonesian and English, tolerant of common typos ("jam bukak",
 * "perpustkaan", "helo"). Deliberately small and explainable: keywords and short phrases per
 * intent, matched on normalised tokens with an edit distance that grows with word length.
 * The FAQ issue brings an editable knowledge base and stemming; this covers the fixed answers.
 * The cues themselves are declared by each answer (relay/answers/*.ts, `intent`), and the list
 * in precedence order is derived from the answer list (relay/answers/registry.ts).
 */
import { distance } from "fastest-levenshtein";
import type { Language } from "../shared/envelope";
import { tokens } from "../shared/faq/tokens";

export interface Cue {
  /** tokens that must all appear, in order (adjacent not required) */
  words: string[];
  weight: number;
  lang?: Language;
}

/** `cue("jam buka", 3, "id")`: the phrase's words, its weight, and the language it is in, if it tells. */
export const cue = (phrase: string, weight: number, lang?: Language): Cue => ({
  words: phrase.split(" "),
  weight,
  ...(lang ? { lang } : {}),
});

/** One answer's cues; a list of these, in precedence order, is what `matchIntent` matches against. */
export interface IntentCues<N extends string = string> {
  name: N;
  cues: readonly Cue[];
  /** messages longer than this many words score half (a greeting inside a longer message is not a greeting) */
  halfWeightOver?: number;
  /** small talk ("ok", "👍"): not a question, so it never takes over a pending dialog step */
  smallTalk?: boolean;
}

/** A cue word that matches any emoji ("👍", "🙏🏻", "❤️"): emoji are tokens of their own. */
export const ANY_EMOJI = "<emoji>";
const EMOJI = /\p{Extended_Pictographic}/u;

// The one tokenizer of free text, shared with the FAQ's matcher (shared/faq/normalize.ts).
export { tokens } from "../shared/faq/tokens";

/** Edit distance allowed for a keyword: none for short words, where typos collide with real words. */
function tolerance(word: string): number {
  return word.length >= 8 ? 2 : word.length >= 5 ? 1 : 0;
}

/**
 * A token that is the keyword with letters missing or added only at one end is another word
 * form, not a typo: Indonesian builds words with affixes ("pinjam" → "pinjaman" loans,
 * "meminjam", "pinjamkan"), so "pinjam buku" must not read as "pinjaman". One letter at an end
 * is still a typo ("hell" for "hello"); a letter slipped in the middle is too ("pinjman").
 */
function isOtherWordForm(token: string, word: string): boolean {
  const [short, long] = token.length < word.length ? [token, word] : [word, token];
  if (long.length - short.length < 2) return false;
  return long.startsWith(short) || long.endsWith(short);
}

/** Is `token` the cue word `word`, allowing for typos (see `tolerance`) but not other word forms? */
export function matches(token: string, word: string): boolean {
  if (word === ANY_EMOJI) return EMOJI.test(token);
  if (token === word) return true;
  const allowed = tolerance(word);
  if (allowed === 0 || isOtherWordForm(token, word)) return false;
  // The length difference alone bounds the distance: most pairs need no Levenshtein at all.
  return Math.abs(token.length - word.length) <= allowed && distance(token, word) <= allowed;
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

export interface IntentMatch<N extends string = string> {
  intent: N;
  /** the intent is small talk (IntentCues.smallTalk) */
  smallTalk?: true;
  /** the language the matching words were in, when they tell */
  lang?: Language;
  score: number;
}

/**
 * The best-scoring intent of `text`, or null. `intents` is in precedence order: on equal scores
 * the earlier one wins.
 */
export function matchIntent<N extends string>(
  text: string,
  intents: readonly IntentCues<N>[],
): IntentMatch<N> | null {
  const words = tokens(text);
  if (words.length === 0) return null;
  let best: IntentMatch<N> | null = null;
  for (const intent of intents) {
    let score = 0;
    const langScore: Record<Language, number> = { id: 0, en: 0 };
    for (const c of intent.cues) {
      if (!cueMatches(words, c.words)) continue;
      score += c.weight;
      if (c.lang) langScore[c.lang] += c.weight;
    }
    if (intent.halfWeightOver !== undefined && words.length > intent.halfWeightOver) score /= 2;
    if (score >= 1.5 && (!best || score > best.score)) {
      const lang = langScore.en > langScore.id ? "en" : langScore.id > langScore.en ? "id" : undefined;
      best = {
        intent: intent.name,
        score,
        ...(lang ? { lang } : {}),
        ...(intent.smallTalk ? { smallTalk: true as const } : {}),
      };
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
