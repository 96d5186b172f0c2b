/**
 * The built-in answers as entries of the FAQ index: each answer's intent cues (its file's
 * `intent`, relay/answers/*.ts) become the example questions of an entry keyed
 * "builtin:<answer>", so one matcher ranks "jam buka" and "bebas pustaka" against each other and
 * a question for a built-in answer is never answered from an FAQ entry. A cue without a
 * language counts for both. Small talk is left out: it is not a question.
 */
import type { IntentCues } from "../intents";
import type { MatchDocument } from "../../shared/faq/matcher";

export const BUILTIN_PREFIX = "builtin:";

export function builtinDocuments(intents: readonly IntentCues[]): MatchDocument[] {
  return intents
    .filter((intent) => !intent.smallTalk)
    .map((intent) => {
      const questions = { id: [] as string[], en: [] as string[] };
      for (const c of intent.cues) {
        const phrase = c.words.join(" ");
        if (c.lang !== "en") questions.id.push(phrase);
        if (c.lang !== "id") questions.en.push(phrase);
      }
      return { key: BUILTIN_PREFIX + intent.name, questions, keywords: [] };
    });
}
