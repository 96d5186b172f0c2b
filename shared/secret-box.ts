/**
 * Where a secret the patron typed (an OPAC password) waits for the relay, so that it is never
 * written to the message log: the log row holds a redaction marker, the clear text sits in
 * Redis for a few minutes and is deleted when read (GETDEL) or when it expires.
 */
import type { Redis } from "ioredis";

export const REDACTED_TEXT = "[disembunyikan: kata sandi / redacted: password]";

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
    private readonly ttlSeconds = 300,
  ) {}

  async put(messageId: string, secret: string): Promise<void> {
    await this.redis.set(this.key(messageId), secret, "EX", this.ttlSeconds);
  }

  /** The secret, once; null when it expired or was already taken. */
  async take(messageId: string): Promise<string | null> {
    return this.redis.getdel(this.key(messageId));
  }

  private key(messageId: string): string {
    return `${this.prefix}:secret:${messageId}`;
  }
}
