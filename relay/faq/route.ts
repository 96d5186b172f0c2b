/**
 * Free text no built-in cue understood goes to the one matcher (service.ts): a built-in answer
 * it recognises (a stemmed or misspelt "jam buka") takes the message; an FAQ entry it is
 * confident of, or a few close ones, go to the FAQ answer; anything else stays "not understood"
 * (today's fallback, with the handoff's offer of a librarian on the second time).
 */
import type { Route } from "../router";
import type { AnswerName } from "../answers";
import type { FaqService } from "./service";
import { BUILTIN_PREFIX } from "./builtins";

export async function faqRoute(
  routed: Route,
  message: { kind: string; text: string | null },
  faq: FaqService,
  answers: Readonly<Record<string, unknown>>,
): Promise<Route> {
  if (routed.answer !== "unknown" || message.kind !== "text" || routed.args) return routed;
  const text = (message.text ?? "").trim();
  if (!text || text.startsWith("/")) return routed;
  const verdict = await faq.verdict(text);
  const lang = verdict.kind === "answer" ? { lang: verdict.best.lang } : {};
  if (verdict.kind === "answer" && verdict.best.key.startsWith(BUILTIN_PREFIX)) {
    const name = verdict.best.key.slice(BUILTIN_PREFIX.length);
    return Object.hasOwn(answers, name) ? { answer: name as AnswerName, args: "", ...lang } : routed;
  }
  if (verdict.kind === "none") return routed;
  return { answer: "faq", args: "", ...lang };
}
