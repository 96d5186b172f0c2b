/**
 * Is a message, on its own, a member ID or a phone number? An unlinked patron who types one
 * (often right after being told to link) is answering "who are you?", not asking a question:
 * the link dialog takes it (relay/answers/link.ts) and the next message is the password step.
 *
 * Member IDs in an Indonesian academic library are the NIM (students, 10 digits, e.g.
 * 2021110001) or the NIP (staff, 18 digits, e.g. 197903152005012001; often written in groups,
 * "19790315 200501 2 001"): digits, 8 to 20 of them (SLiMS's member_id is 20 characters). A
 * phone number starts with 0, +62 or 62 and is one shared/library/phone.ts accepts. Anything
 * with letters or other words is neither (a question, a title, a year).
 */
import { normalisePhone } from "../shared/library/phone";

export type IdentityShape = { kind: "member_id"; memberId: string } | { kind: "phone"; phone: string };

const DIGIT_GROUPS = /^\d+(?:[ .-]\d+)*$/;

export function identityShape(text: string): IdentityShape | null {
  const typed = text.trim();
  if (/^\+/.test(typed) || /^(?:0|62)\d/.test(typed.replace(/[\s().-]/g, ""))) {
    const phone = normalisePhone(typed);
    if (phone && /^\+?[\d\s().-]+$/.test(typed)) return { kind: "phone", phone: typed };
  }
  if (!DIGIT_GROUPS.test(typed)) return null;
  const digits = typed.replace(/\D/g, "");
  return digits.length >= 8 && digits.length <= 20 ? { kind: "member_id", memberId: digits } : null;
}

/** Words that say a number is the patron's identity: "nim saya …", "my member id is …", "no hp …". */
const IDENTITY_WORDS =
  /\b(?:nim|nip|nik|nomor|nomer|no|anggota|member|id|hp|wa|whatsapp|telepon|telp|phone|number)\b/i;

/**
 * A member ID or phone number said in a short sentence ("ini nim saya 2021110001", "my member id
 * is 2021110001"): the one identity-shaped number in at most eight words that name it as one.
 * Null when there is none, or more than one (the patron is not saying who they are).
 */
export function identityIn(text: string): IdentityShape | null {
  const typed = text.trim();
  if (typed.split(/\s+/).length > 8 || !IDENTITY_WORDS.test(typed)) return null;
  const found = (typed.match(/\+?\d[\d\s().-]{6,}\d/g) ?? [])
    .map((candidate) => identityShape(candidate))
    .filter((shape): shape is IdentityShape => shape !== null);
  return found.length === 1 ? found[0]! : null;
}
