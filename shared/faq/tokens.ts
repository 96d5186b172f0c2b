/** The words of free text, as both the intents (relay/intents.ts) and the FAQ matcher read them. */

/**
 * Lower-case words and digits, accents and punctuation dropped; an apostrophe joins its word
 * ("jum'at" → "jumat", "assalamu'alaikum" → "assalamualaikum"); each emoji is a token of its
 * own (skin tones and joiners dropped), so "👍" can be a cue and an emoji-only message has words.
 */
export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/['\u2019`]/g, "")
    .replace(/\p{Extended_Pictographic}/gu, " $& ")
    .replace(/[^a-z0-9\s\p{Extended_Pictographic}]/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
}
