/**
 * Indonesian phone numbers in one canonical form: international digits without "+",
 * e.g. `6281234567801`. Accepted inputs: `0812-3456-7801`, `+62 812 3456 7801`,
 * `62812…`, `812…`, `(022) 250 0935`, `+62 (0)812…`, `0062…`, WhatsApp's `62812…@c.us`.
 * Numbers of other countries are accepted only with an explicit `+` or `00` prefix.
 *
 * Matching is exact equality of canonical forms. Never a suffix or substring match: a
 * short fragment or a different number can not find a member (docs/slims.md §5 warns that
 * an existing bot matches the last 10 digits and takes the first hit).
 */

/** Length limits of the national significant number (after 62): landlines 8+, mobiles up to 13. */
const MIN_NSN = 8;
const MAX_NSN = 13;

/** Canonical digits (`628…`) of one phone number, or null if it is not a plausible number. */
export function normalisePhone(input: string): string | null {
  let text = input.trim().replace(/@.*$/, ""); // WhatsApp ids: 628…@c.us
  if (!/^[+\d\s().-]*$/.test(text) || !/\d/.test(text)) return null;
  if (text.indexOf("+") > 0 || (text.match(/\+/g)?.length ?? 0) > 1) return null;
  let international = text.startsWith("+");
  text = text.replace(/\(0\)/g, ""); // "+62 (0)812…": the trunk 0 written in brackets
  let digits = text.replace(/\D/g, "");
  if (!international && digits.startsWith("00")) {
    international = true;
    digits = digits.slice(2);
  }
  let nsn: string;
  if (digits.startsWith("62")) nsn = digits.slice(2);
  else if (international)
    return /^[1-9]\d{6,14}$/.test(digits) ? digits : null; // another country
  else if (digits.startsWith("0")) nsn = digits.slice(1);
  else if (digits.startsWith("8")) nsn = digits;
  else return null;
  if (nsn.startsWith("0")) nsn = nsn.slice(1); // "62 0812…": a stray trunk 0 after the country code
  if (!/^[1-9]\d*$/.test(nsn) || nsn.length < MIN_NSN || nsn.length > MAX_NSN) return null;
  return `62${nsn}`;
}

/**
 * Every number in a free-text `member_phone` field, canonical and without duplicates.
 * Numbers may be separated by `/`, `,`, `;`, `|`, new lines or words ("HP: 0812… atau
 * 0857…"); a piece of text that is not a number as a whole is tried word by word.
 */
export function phonesInField(field: string | null | undefined): string[] {
  if (!field) return [];
  const found = new Set<string>();
  for (const piece of field.split(/[/,;|\n\r]+/)) {
    // runs of digits and number punctuation; letters (labels, "ext") end a run
    for (const run of piece.match(/\+?\(?\d[\d\s().-]*\d\)?/g) ?? []) {
      const whole = normalisePhone(run);
      if (whole) {
        found.add(whole);
        continue;
      }
      for (const word of run.split(/\s+/)) {
        const one = normalisePhone(word);
        if (one) found.add(one);
      }
    }
  }
  return [...found];
}

/** Does the free-text `member_phone` field hold `phone` (both normalised; exact match only)? */
export function fieldHasPhone(field: string | null | undefined, phone: string): boolean {
  const wanted = normalisePhone(phone);
  return wanted !== null && phonesInField(field).includes(wanted);
}

/**
 * A few trailing digits of a canonical number, for a coarse SQL pre-filter
 * (`LIKE '%…%'` on the field stripped of separators). Only a pre-filter: every candidate
 * is then checked with `fieldHasPhone`.
 */
export function phoneSearchKey(canonical: string): string {
  return canonical.slice(-7);
}
