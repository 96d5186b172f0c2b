/**
 * Member password check as SLiMS does it (lib/Auth/Methods/Native.php, docs/slims.md §1):
 * bcrypt first (PHP writes `$2y$`, the same algorithm as `$2b$`), then the legacy fallback
 * "the stored value is the MD5 hex of the password". SLiMS rewrites an MD5 hash as bcrypt
 * on login; we never write to `mpasswd` (our account has no UPDATE on `member`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";

export type PasswordCheck = "ok" | "no_password" | "wrong_password";

const BCRYPT_RE = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const MD5_RE = /^[0-9a-f]{32}$/i;

export async function checkPassword(
  stored: string | null | undefined,
  password: string,
): Promise<PasswordCheck> {
  const hash = stored?.trim() ?? "";
  if (hash === "") return "no_password";
  if (BCRYPT_RE.test(hash)) {
    // $2y$ (PHP) and $2a$ are read as $2b$; bcryptjs compares in constant time.
    const normalised = "$2b$" + hash.slice(4);
    try {
      if (await bcrypt.compare(password, normalised)) return "ok";
    } catch {
      // a malformed hash is not an error of the member's: fall through to "wrong"
    }
    return "wrong_password";
  }
  if (MD5_RE.test(hash)) {
    const expected = Buffer.from(hash.toLowerCase(), "utf8");
    const actual = Buffer.from(createHash("md5").update(password, "utf8").digest("hex"), "utf8");
    return timingSafeEqual(expected, actual) ? "ok" : "wrong_password";
  }
  return "wrong_password";
}
