/**
 * Anonymous widget sessions. The server issues the session id (144 random bits, base64url) and a
 * MAC over it; the widget keeps both in localStorage as one token and presents it when it
 * connects. A token we did not issue (made up, or altered) is not accepted: the patron gets a
 * fresh session, so nobody can choose a guessable chat id, nor read a session without its token.
 * The MAC key is derived from SECRET_BOX_KEY, which every web node shares.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

const ID_BYTES = 18;
const MAC_BYTES = 16;
const TOKEN = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{22})$/;

export class WidgetSessions {
  private readonly key: Buffer;

  constructor(secretKey: Buffer) {
    this.key = Buffer.from(hkdfSync("sha256", secretKey, "", "pustaka-relay webchat session v1", 32));
  }

  /** A new session: its id (the chat id) and the token the widget keeps. */
  issue(): { sessionId: string; token: string } {
    const sessionId = randomBytes(ID_BYTES).toString("base64url");
    return { sessionId, token: `${sessionId}.${this.mac(sessionId)}` };
  }

  /** The session id of a token we issued, else undefined. */
  verify(token: unknown): string | undefined {
    if (typeof token !== "string") return undefined;
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const [, sessionId, mac] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.mac(sessionId));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? sessionId : undefined;
  }

  private mac(sessionId: string): string {
    return createHmac("sha256", this.key)
      .update(sessionId)
      .digest()
      .subarray(0, MAC_BYTES)
      .toString("base64url");
  }
}
