/**
 * Staff accounts and their sessions. Passwords are hashed with argon2id; a session is a random
 * token the browser keeps in an httpOnly cookie, stored here only as its SHA-256, with its own
 * CSRF token. Used by the console (web role) and by the staff CLI.
 */
import { createHash, randomBytes } from "node:crypto";
import argon2 from "argon2";
import { recordAudit } from "../../shared/audit";
import { AppError } from "../../shared/errors";
import type { Db } from "../../shared/db";
import { STAFF_ROLES, type StaffRole } from "../../shared/entities/staff-user";

// The role list lives with the entity (and the CHECK constraint); re-exported for the console and CLI.
export { STAFF_ROLES };
export const MIN_PASSWORD_LENGTH = 10;

export interface Staff {
  id: number;
  username: string;
  displayName: string;
  role: StaffRole;
  active: boolean;
}

export interface Session {
  staff: Staff;
  csrfToken: string;
  /** sha256 of the cookie token: the session's id for rooms and logout */
  id: string;
  expiresAt: Date;
}

export type StaffErrorCode = "STAFF_INVALID" | "STAFF_USERNAME_TAKEN" | "STAFF_NOT_FOUND";

/** A staff account could not be added or changed; the message is for the admin (page or CLI). */
export class StaffError extends AppError {
  constructor(
    override readonly code: StaffErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = "StaffError";
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;

// A hash to verify against when the username does not exist, so timing does not tell.
let dummyHash: Promise<string> | undefined;

export function validatePassword(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 200) return "must be at most 200 characters";
  return null;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

type StaffRow = { id: number; username: string; display_name: string; role: StaffRole; active: boolean };
const toStaff = (r: StaffRow): Staff => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  active: r.active,
});

export class StaffStore {
  constructor(private readonly db: Db) {}

  async add(input: {
    username: string;
    displayName: string;
    role: StaffRole;
    password: string;
  }): Promise<Staff> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username))
      throw new StaffError("STAFF_INVALID", "username: 2–40 characters of a-z, 0-9, '.', '_' and '-'");
    if (!STAFF_ROLES.includes(input.role))
      throw new StaffError("STAFF_INVALID", `role must be one of ${STAFF_ROLES.join(", ")}`);
    const displayName = input.displayName.trim();
    if (!displayName || displayName.length > 100)
      throw new StaffError("STAFF_INVALID", "name: 1–100 characters");
    const bad = validatePassword(input.password);
    if (bad) throw new StaffError("STAFF_INVALID", `password ${bad}`);
    const hash = await argon2.hash(input.password, { type: argon2.argon2id });
    const { rows } = await this.db.query<StaffRow>(
      `INSERT INTO staff_user (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING
       RETURNING id, username, display_name, role, active`,
      [username, displayName, input.role, hash],
    );
    if (!rows[0])
      throw new StaffError("STAFF_USERNAME_TAKEN", `a staff user named "${username}" already exists`);
    return toStaff(rows[0]);
  }

  async setPassword(username: string, password: string): Promise<void> {
    const bad = validatePassword(password);
    if (bad) throw new StaffError("STAFF_INVALID", `password ${bad}`);
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    const res = await this.db.transaction(async (tx) => {
      const updated = await tx.query<{ id: number }>(
        `UPDATE staff_user SET password_hash = $2 WHERE username = $1 RETURNING id`,
        [username.toLowerCase(), hash],
      );
      // A new password signs every existing session out.
      if (updated.rows[0])
        await tx.query(`DELETE FROM staff_session WHERE staff_id = $1`, [updated.rows[0].id]);
      return updated.rowCount;
    });
    if (res !== 1) throw new StaffError("STAFF_NOT_FOUND", `no staff user named "${username}"`);
  }

  async setActive(username: string, active: boolean): Promise<Staff> {
    const staff = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<StaffRow>(
        `UPDATE staff_user SET active = $2 WHERE username = $1 RETURNING id, username, display_name, role, active`,
        [username.toLowerCase(), active],
      );
      if (rows[0] && !active) await tx.query(`DELETE FROM staff_session WHERE staff_id = $1`, [rows[0].id]);
      return rows[0];
    });
    if (!staff) throw new StaffError("STAFF_NOT_FOUND", `no staff user named "${username}"`);
    return toStaff(staff);
  }

  async list(): Promise<Staff[]> {
    const { rows } = await this.db.query<StaffRow>(
      `SELECT id, username, display_name, role, active FROM staff_user ORDER BY username`,
    );
    return rows.map(toStaff);
  }

  async byId(id: number): Promise<Staff | null> {
    const { rows } = await this.db.query<StaffRow>(
      `SELECT id, username, display_name, role, active FROM staff_user WHERE id = $1`,
      [id],
    );
    return rows[0] ? toStaff(rows[0]) : null;
  }

  /** The active staff user with this username and password, or null (same timing either way). */
  async verify(username: string, password: string): Promise<Staff | null> {
    const { rows } = await this.db.query<StaffRow & { password_hash: string }>(
      `SELECT id, username, display_name, role, active, password_hash FROM staff_user WHERE username = $1`,
      [username.trim().toLowerCase()],
    );
    const row = rows[0];
    dummyHash ??= argon2.hash(randomBytes(16).toString("hex"), { type: argon2.argon2id });
    const hash = row?.password_hash ?? (await dummyHash);
    const ok = await argon2.verify(hash, password).catch(() => false);
    if (!ok || !row || !row.active) return null;
    return toStaff(row);
  }

  async createSession(
    staff: Staff,
    ttlMs: number,
    userAgent?: string,
  ): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(24).toString("base64url");
    const expiresAt = new Date(Date.now() + ttlMs);
    // Sessions are only ever added here, so purging the expired ones at each sign-in keeps the
    // table at the sessions alive within STAFF_SESSION_HOURS, with no timer to run.
    await this.purgeExpiredSessions();
    await this.db.query(
      `INSERT INTO staff_session (token_hash, staff_id, csrf_token, expires_at, user_agent) VALUES ($1, $2, $3, $4, $5)`,
      [hashToken(token), staff.id, csrfToken, expiresAt, userAgent?.slice(0, 300) ?? null],
    );
    return { token, session: { staff, csrfToken, id: hashToken(token), expiresAt } };
  }

  /** The live session of a cookie token: not expired, its staff user still active. */
  async session(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 100) return null;
    return this.sessionById(hashToken(token));
  }

  /** The same question by session id (a long-lived socket re-checks its session with it). */
  async sessionById(id: string): Promise<Session | null> {
    const { rows } = await this.db.query<StaffRow & { csrf_token: string; expires_at: Date }>(
      `SELECT s.csrf_token, s.expires_at, u.id, u.username, u.display_name, u.role, u.active
       FROM staff_session s JOIN staff_user u ON u.id = s.staff_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return { staff: toStaff(r), csrfToken: r.csrf_token, id, expiresAt: r.expires_at };
  }

  /** Which of these sessions are still valid (not ended, not expired, account active). */
  async validSessionIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.db.query<{ token_hash: string }>(
      `SELECT s.token_hash FROM staff_session s JOIN staff_user u ON u.id = s.staff_id
       WHERE s.token_hash = ANY($1::text[]) AND s.expires_at > now() AND u.active`,
      [ids],
    );
    return new Set(rows.map((r) => r.token_hash));
  }

  /** Delete the sessions past their expiry (they no longer sign anyone in); how many went. */
  async purgeExpiredSessions(): Promise<number> {
    const { rowCount } = await this.db.query(`DELETE FROM staff_session WHERE expires_at <= now()`);
    return rowCount;
  }

  async endSession(sessionId: string): Promise<void> {
    await this.db.query(`DELETE FROM staff_session WHERE token_hash = $1`, [sessionId]);
  }

  async audit(
    staffId: number | null,
    action: string,
    subject: string | null,
    detail: Record<string, unknown> = {},
  ) {
    await recordAudit(this.db, [
      {
        actorKind: staffId === null ? "system" : "staff",
        actorId: staffId === null ? null : String(staffId),
        action,
        subject,
        detail,
      },
    ]);
  }
}
