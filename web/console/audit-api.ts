/**
 * The auditor's page's API, under /api/audit (beside the JSON API, with the same guards:
 * ./guards.ts — our Origin, a live session and its CSRF token on every POST):
 *
 *   POST /api/audit/verify  auditors and admins (403 for librarians): runs audit:verify on the
 *                           database now and returns its report (docs/audit.md); audited.
 *   POST /api/audit/erase   admins: a member's erasure request `{ memberId }`; 404 when no patron
 *                           is linked to it; audited (shared/evidence/retention.ts).
 *
 * POST for verify too: it is an action worth an audit event, and it costs a scan.
 */
import type { FastifyPluginAsync } from "fastify";
import type { Db } from "../../shared/db";
import { erasePatron } from "../../shared/evidence/retention";
import { verifyEvidence } from "../../shared/evidence/verify";
import type { Logger } from "../../shared/logger";
import { HttpError } from "../http-error";
import type { ApiBody, ApiError, ApiReply, ApiRoute } from "./api";
import { requestGuards, requireRole } from "./guards";
import { jsonOnly, useJsonApi } from "./json-api";
import type { StaffStore } from "./staff";

export interface AuditApiOptions {
  db: Db;
  staff: StaffStore;
  logger: Logger;
  allowedOrigins: readonly string[];
  /** AUDIT_CHECKPOINT_KEY: checkpoints' HMACs are checked too when set */
  checkpointKey?: string | undefined;
  /** MEDIA_DIR: an erasure removes the patron's files there too */
  mediaDir?: string | undefined;
}

type Route<R extends ApiRoute> = { Body: Partial<ApiBody<R>>; Reply: ApiReply<R> | ApiError };

export function auditApi(options: AuditApiOptions): FastifyPluginAsync {
  const { staff, db } = options;
  const { signedInWithCsrf } = requestGuards(staff, options.allowedOrigins);

  const post = { onRequest: signedInWithCsrf, preValidation: jsonOnly, bodyLimit: 4096 };

  return async (app) => {
    useJsonApi(app, options.logger, "web: audit request");

    app.post<Route<"POST /api/audit/verify">>("/verify", post, async (request) => {
      const session = requireRole(request.staffSession, ["auditor", "admin"]);
      const report = await verifyEvidence(db, { checkpointKey: options.checkpointKey });
      await staff.audit(session.staff.id, "audit.verify", null, {
        ok: report.ok,
        findings: report.issues.length,
        chainedRows: report.chainedRows,
        checkpoints: report.checkpoints,
      });
      return { report };
    });

    app.post<Route<"POST /api/audit/erase">>("/erase", post, async (request, reply) => {
      const session = requireRole(request.staffSession, ["admin"]);
      const memberId = String(request.body?.memberId ?? "").trim();
      if (!/^[A-Za-z0-9._-]{1,40}$/.test(memberId)) throw new HttpError(400, "a member ID is required");
      const result = await erasePatron(db, { memberId }, session.staff.id, { mediaDir: options.mediaDir });
      if (!result) return reply.code(404).send({ error: "no patron is linked to this member ID" });
      return { result };
    });
  };
}
