/**
 * Where a secret the patron typed (an OPAC password) waits for the relay, so that it is never
 * written to the message log: the log row holds a redaction marker, the clear text sits in
 * Redis for a few minutes and is deleted when read (GETDEL) or when it expires.
 */
import type { Redis } from "ioredis";

export const REDACTED_TEXT = "[disembunyikan: kata sandi / redacted: password]";

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
