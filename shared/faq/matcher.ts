/**
 * The one matcher of free text: BM25 over the stemmed tokens (normalize.ts) of each entry's
 * example questions and keywords, one document per entry and language, so a question is
 * scored against the Indonesian texts stemmed as Indonesian and the English ones as English,
 * and the better of the two tells the language it was in. A query word the index does not
 * know is read as its nearest known stem within a small edit distance (a typo: "jurnl").
 *
 * The verdict is explainable (docs/faq.md): `confidence` is the share of the question's weight
 * (the IDF of its tokens) that the best entry contains; an entry answers when that share is at
 * least CONFIDENT and its BM25 score leads the runner-up's by MARGIN; a question sharing at
 * least CLOSE with some entries is offered the closest ones; anything else is unrelated.
 */
import { distance } from "fastest-levenshtein";
import type { Language } from "../envelope";
import { stems } from "./normalize";

export interface MatchDocument {
  /** the entry's id in the index ("faq:12", "builtin:hours") */
  key: string;
  /** example questions per language, and keywords (both languages) */
  questions: Record<Language, readonly string[]>;
  keywords: readonly string[];
}

export interface Candidate {
  key: string;
  lang: Language;
  score: number;
  confidence: number;
  /** the query tokens the entry contains (the explanation) */
  matched: string[];
}

export type Verdict =
  | { kind: "answer"; best: Candidate; runnerUp?: Candidate }
  | { kind: "close"; candidates: Candidate[] }
  | { kind: "none"; best?: Candidate };

/** Measured on test/fixtures/faq-questions.ts (docs/faq.md has the figures). */
export const THRESHOLDS = { CONFIDENT: 0.5, MARGIN: 0.2, CLOSE: 0.34, MIN_SCORE: 1.2 } as const;

const K1 = 1.2;
const B = 0.75;
const LANGS: readonly Language[] = ["id", "en"];

interface Doc {
  key: string;
  lang: Language;
  tf: Map<string, number>;
  length: number;
}

/** Typos: none for short stems (they collide with real words), one from 5 letters, two from 8. */
function tolerance(word: string): number {
  return word.length >= 8 ? 2 : word.length >= 5 ? 1 : 0;
}

export class MatchIndex {
  private readonly docs: Doc[] = [];
  private readonly df = new Map<string, number>();
  private readonly avgLength: Record<Language, number> = { id: 1, en: 1 };
  private readonly count: Record<Language, number> = { id: 0, en: 0 };
  private readonly vocabulary: Record<Language, string[]> = { id: [], en: [] };

  constructor(documents: readonly MatchDocument[]) {
    for (const d of documents) {
      for (const lang of LANGS) {
        const texts = [...d.questions[lang], ...d.keywords];
        if (d.questions[lang].length === 0) continue;
        const tf = new Map<string, number>();
        let length = 0;
        for (const t of texts.flatMap((q) => stems(q, lang))) {
          tf.set(t, (tf.get(t) ?? 0) + 1);
          length++;
        }
        this.docs.push({ key: d.key, lang, tf, length });
      }
    }
    for (const lang of LANGS) {
      const mine = this.docs.filter((d) => d.lang === lang);
      this.count[lang] = mine.length;
      this.avgLength[lang] = mine.reduce((n, d) => n + d.length, 0) / Math.max(1, mine.length);
      const vocab = new Set<string>();
      for (const d of mine)
        for (const t of d.tf.keys()) {
          vocab.add(t);
          this.df.set(`${lang}:${t}`, (this.df.get(`${lang}:${t}`) ?? 0) + 1);
        }
      this.vocabulary[lang] = [...vocab];
    }
  }

  get size(): number {
    return new Set(this.docs.map((d) => d.key)).size;
  }

  private idf(lang: Language, term: string): number {
    const n = this.count[lang];
    const df = this.df.get(`${lang}:${term}`) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** A query token the index does not know → its nearest known stem within `tolerance`, if one. */
  private known(lang: Language, term: string): string {
    if (this.df.has(`${lang}:${term}`)) return term;
    const allowed = tolerance(term);
    if (allowed === 0) return term;
    let best = term;
    let bestDistance = allowed + 1;
    for (const v of this.vocabulary[lang]) {
      if (Math.abs(v.length - term.length) > allowed) continue;
      const d = distance(v, term);
      if (d < bestDistance) [best, bestDistance] = [v, d];
    }
    return best;
  }

  /** Every entry's best candidate (its better language), best first. */
  rank(text: string): Candidate[] {
    const byKey = new Map<string, Candidate>();
    for (const lang of LANGS) {
      const query = [...new Set(stems(text, lang).map((t) => this.known(lang, t)))];
      if (query.length === 0) continue;
      const weight = query.reduce((n, t) => n + this.idf(lang, t), 0);
      for (const doc of this.docs) {
        if (doc.lang !== lang) continue;
        let score = 0;
        let covered = 0;
        const matched: string[] = [];
        for (const t of query) {
          const f = doc.tf.get(t);
          if (!f) continue;
          const idf = this.idf(lang, t);
          score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * doc.length) / this.avgLength[lang]));
          covered += idf;
          matched.push(t);
        }
        if (score === 0) continue;
        const candidate = { key: doc.key, lang, score, confidence: covered / weight, matched };
        const earlier = byKey.get(doc.key);
        if (!earlier || better(candidate, earlier)) byKey.set(doc.key, candidate);
      }
    }
    return [...byKey.values()].sort((a, b) => b.score - a.score);
  }

  verdict(text: string): Verdict {
    const ranked = this.rank(text);
    const [best, runnerUp] = ranked;
    if (!best) return { kind: "none" };
    const leads = !runnerUp || best.score - runnerUp.score >= THRESHOLDS.MARGIN * best.score;
    if (best.confidence >= THRESHOLDS.CONFIDENT && best.score >= THRESHOLDS.MIN_SCORE && leads)
      return runnerUp ? { kind: "answer", best, runnerUp } : { kind: "answer", best };
    const close = ranked.filter((c) => c.confidence >= THRESHOLDS.CLOSE).slice(0, 3);
    if (close.length > 0) return { kind: "close", candidates: close };
    return { kind: "none", best };
  }
}

function better(a: Candidate, b: Candidate): boolean {
  return a.confidence !== b.confidence ? a.confidence > b.confidence : a.score > b.score;
}
