/**
 * The client address of a widget's handshake, believing X-Forwarded-For only as far as
 * TRUST_PROXY says, with the same library (and so the same rules) Fastify uses for `request.ip`.
 */
import type { IncomingMessage } from "node:http";
import proxyaddr from "@fastify/proxy-addr";

export type TrustProxy = false | number | readonly string[];

export function handshakeAddress(req: IncomingMessage, trust: TrustProxy): string {
  if (trust === false) return req.socket.remoteAddress ?? "unknown";
  const check =
    typeof trust === "number"
      ? (_address: string, hop: number) => hop < trust
      : proxyaddr.compile([...trust]);
  return proxyaddr(req, check) || "unknown";
}
