/**
 * The guards of the console's HTTP requests, shared by its JSON API (./http-api.ts) and its file
 * routes (./media-api.ts): our own Origin (403), then a live session (401) and its CSRF token in
 * `x-csrf-token` (403). Run as onRequest hooks, before any body is read.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { StaffRole } from "../../shared/entities/staff-user";
import { HttpError } from "../http-error";
import { originAllowed, sessionToken } from "./auth";
import type { Session, StaffStore } from "./staff";

export function requestGuards(staff: StaffStore, allowedOrigins: readonly string[]) {
  const sameOrigin = async (request: FastifyRequest) => {
    if (!originAllowed(request.raw, allowedOrigins, true)) throw new HttpError(403, "origin not allowed");
  };
  const signedInWithCsrf = async (request: FastifyRequest) => {
    await sameOrigin(request);
    const session = await staff.session(sessionToken(request.raw));
    if (!session) throw new HttpError(401, "not signed in");
    if (!sameSecret(String(request.headers["x-csrf-token"] ?? ""), session.csrfToken))
      throw new HttpError(403, "missing or wrong CSRF token");
    request.staffSession = session;
  };
  return { sameOrigin, signedInWithCsrf };
}

export function requireRole(session: Session | null, roles: readonly StaffRole[]): Session {
  if (!session) throw new HttpError(401, "not signed in");
  if (!roles.includes(session.staff.role)) throw new HttpError(403, "not allowed for your role");
  return session;
}

/** Constant-time comparison of two secrets (CSRF tokens). */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
