/**
 * Where a secret the patron typed (an OPAC password) waits for the relay, so that it is never
 * written to the message log: the log row holds a redaction marker, the secret sits in Redis for
 * a few minutes and is deleted when read (GETDEL) or when it expires.
 *
 * In Redis it is encrypted (AES-256-GCM, a fresh IV each time, the Redis key as associated data so
 * a value cannot be moved to another message) with SECRET_BOX_KEY, which only our processes have:
 * someone who can read Redis (a local user of an open Redis, a backup, MONITOR) sees no password.
 * The bot (which puts) and the relay (which takes) must have the same key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "./errors";

export const REDACTED_TEXT = "[disembunyikan: kata sandi / redacted: password]";
export const SECRET_BOX_KEY_BYTES = 32;

/**
 * SECRET_BOX_KEY: 32 bytes as 64 hex digits or base64 / base64url (what `openssl rand -base64 32`
 * prints, or the quickstart's key file); undefined when it is not that.
 */
export function parseSecretBoxKey(value: string): Buffer | undefined {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) return undefined;
  const key = Buffer.from(v, "base64");
  return key.length === SECRET_BOX_KEY_BYTES ? key : undefined;
}

const VERSION = "v1";
const IV_BYTES = 12;

/**
 * While the bot waits for a password, everything the patron types is taken as the password and
 * redacted (a password may start with "/"), except these commands typed alone, which leave the
 * step: cancel, or ask for a librarian. Telegram may add "@botname" to a command in a menu.
 */
export const PASSWORD_STEP_EXITS = ["batal", "cancel", "pustakawan", "librarian"] as const;

const EXIT_COMMAND = new RegExp(`^/(?:${PASSWORD_STEP_EXITS.join("|")})(?:@[A-Za-z0-9_]+)?$`, "i");

/** Is this text, typed while a password is asked for, one of the commands that leave the step? */
export function isPasswordStepExit(text: string): boolean {
  return EXIT_COMMAND.test(text.trim());
}

export class SecretBox {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly encryptionKey: Buffer,
    private readonly ttlSeconds = 300,
  ) {
    if (encryptionKey.length !== SECRET_BOX_KEY_BYTES)
      throw new AppError("CONFIG_INVALID", `the secret box key must be ${SECRET_BOX_KEY_BYTES} bytes`);
  }

  async put(messageId: string, secret: string): Promise<void> {
    const key = this.key(messageId);
    await this.redis.set(key, this.seal(key, secret), "EX", this.ttlSeconds);
  }

  /**
   * The secret, once; null when it expired or was already taken. Throws SECRET_UNREADABLE when
   * the value cannot be opened (another key: the bot's and the relay's SECRET_BOX_KEY differ).
   */
  async take(messageId: string): Promise<string | null> {
    const key = this.key(messageId);
    const sealed = await this.redis.getdel(key);
    return sealed === null ? null : this.open(key, sealed);
  }

  private seal(key: string, secret: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(key));
    const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === "string" ? p : p.toString("base64")))
      .join(".");
  }

  private open(key: string, sealed: string): string {
    const [version, iv, tag, body] = sealed.split(".");
    try {
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined)
        throw new Error("not a sealed value");
      const decipher = createDecipheriv("aes-256-gcm", this.encryptionKey, Buffer.from(iv, "base64"));
      decipher.setAAD(Buffer.from(key));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
    } catch (err) {
      throw new AppError(
        "SECRET_UNREADABLE",
        "a stored secret could not be decrypted: do the bot and the relay have the same SECRET_BOX_KEY?",
        { cause: err },
      );
    }
  }

  private key(messageId: string): string {
    return `${this.prefix}:secret:${messageId}`;
  }
}
