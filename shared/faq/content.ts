/**
 * An FAQ entry's texts as librarians write them, checked in one place (console, CLI, seed):
 * a slug, example questions and an answer per language, keywords. Answers are plain text: they
 * reach patrons as typed and the console shows them with textContent.
 */
import { AppError } from "../errors";
import type { Language } from "../envelope";

export class FaqError extends AppError {
  constructor(code: "FAQ_INVALID" | "FAQ_NOT_FOUND" | "FAQ_CSV_INVALID", message: string) {
    super(code, message);
    this.name = "FaqError";
  }
}

export interface FaqTexts {
  questions: string[];
  answer: string;
}

export interface FaqContent {
  id: FaqTexts;
  en: FaqTexts;
  keywords: string[];
}

export const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const MAX_ANSWER_CHARS = 2000;
const MAX_QUESTION_CHARS = 300;
const MAX_QUESTIONS = 20;

const clean = (list: unknown): string[] =>
  Array.isArray(list)
    ? [
        ...new Set(
          list.map((q) => (typeof q === "string" ? q.replace(/\s+/g, " ").trim() : "")).filter(Boolean),
        ),
      ]
    : [];

/** The content with whitespace tidied, or FAQ_INVALID saying what is wrong. */
export function checkContent(input: unknown): FaqContent {
  const raw = (input ?? {}) as Record<string, unknown>;
  const texts = (lang: Language): FaqTexts => {
    const t = (raw[lang] ?? {}) as Record<string, unknown>;
    const questions = clean(t.questions);
    const answer = typeof t.answer === "string" ? t.answer.trim() : "";
    if (questions.length === 0) throw new FaqError("FAQ_INVALID", `no example question in "${lang}"`);
    if (questions.length > MAX_QUESTIONS || questions.some((q) => q.length > MAX_QUESTION_CHARS))
      throw new FaqError("FAQ_INVALID", `too many or too long questions in "${lang}"`);
    if (!answer) throw new FaqError("FAQ_INVALID", `no answer in "${lang}"`);
    if (answer.length > MAX_ANSWER_CHARS)
      throw new FaqError("FAQ_INVALID", `the "${lang}" answer is over ${MAX_ANSWER_CHARS} characters`);
    return { questions, answer };
  };
  const keywords = clean(raw.keywords).slice(0, 50);
  return { id: texts("id"), en: texts("en"), keywords };
}

export function checkSlug(slug: unknown): string {
  const s = typeof slug === "string" ? slug.trim().toLowerCase() : "";
  if (!SLUG.test(s))
    throw new FaqError("FAQ_INVALID", `"${String(slug)}" is not an entry name (a-z, 0-9, -)`);
  return s;
}

export function sameContent(a: FaqContent, b: FaqContent): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A group of similar questions the bot could not answer (unanswered.ts). */
export interface UnansweredGroup {
  count: number;
  examples: string[];
  lastAt: string;
  tokens: string[];
}
