/** Reading untrusted event arguments from the page. */
import type { Language } from "../../../shared/envelope";

/** A positive database id from untrusted input, else null. */
export function toId(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : null;
}

/** A conversation's stored language as one the bot's texts know (Bahasa Indonesia by default). */
export const lang = (value: string | null): Language => (value === "en" ? "en" : "id");
