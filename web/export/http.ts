/**
 * The auditors' export over HTTP, under /api/export (beside the console's JSON API). Auditors and
 * admins only (admins answer for the service and may need to hand records over); librarians and
 * anyone else get 403, no session 401. GETs, so a plain download link works; the session cookie
 * is SameSite=Strict, so another site cannot make an auditor's browser start one.
 *
 *   GET /api/export?from=YYYY-MM-DD&to=YYYY-MM-DD&format=csv|jsonl|html|pdf[&channel&librarian&memberId&conversation]
 *       the file (html and pdf: the printable transcript of the same records), streamed from a
 *       cursor with back-pressure to the response; its export id in `x-export-id`. Its manifest
 *       header is made as the file is written and recorded in the audit event.
 *   GET /api/export/transcript/:conversationId?format=html|pdf
 *       the printable transcript of one whole conversation (also an audit event, with its sha256,
 *       and an export id in `x-export-id`).
 *   GET /api/export/:id/manifest
 *       that export's manifest, signed, with the per-row hashes (recomputed: row-hashes.ts says
 *       why), for `npm run export -- verify`; 409 EXPORT_RECORDS_CHANGED if they no longer match.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply } from "fastify";
import type { FastifyRequest } from "fastify";
import { PassThrough } from "node:stream";
import type { Pool } from "pg";
import type { Sql } from "../../shared/db";
import { errorMessage } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import { HttpError } from "../http-error";
import { sessionToken } from "../console/auth";
import { requireRole } from "../console/guards";
import type { Session, StaffStore } from "../console/staff";
import {
  EXPORT_FORMATS,
  ExportInputError,
  parseFilters,
  type ExportFilters,
  type ExportFormat,
} from "./filters";
import { formatter } from "./formats";
import type { ManifestHeader } from "./manifest";
import { ExportRecordsChangedError, servedManifest } from "./row-hashes";
import { runExport } from "./run";

export interface ExportApiOptions {
  pool: Pool;
  db: Sql;
  staff: StaffStore;
  manifestKey: Buffer;
  timeZone: string;
  /** LIBRARY_NAME, on a transcript's first page */
  library?: string;
  logger: Logger;
}

export const EXPORT_ROLES = ["auditor", "admin"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function exportApi(options: ExportApiOptions): FastifyPluginAsync {
  const { staff } = options;
  const auditor = async (request: FastifyRequest): Promise<Session> =>
    requireRole(await staff.session(sessionToken(request.raw)), EXPORT_ROLES);
  const actorOf = (s: Session) => ({
    kind: "staff" as const,
    id: String(s.staff.id),
    label: `${s.staff.displayName} (${s.staff.username}, ${s.staff.role})`,
  });

  return async (app) => {
    app.addHook("onRequest", async (_request, reply) => {
      reply.header("cache-control", "no-store");
    });
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof HttpError) return reply.code(err.status).send({ error: err.message });
      if (err instanceof ExportInputError) return reply.code(400).send({ error: err.message });
      if (err instanceof ExportRecordsChangedError)
        return reply.code(409).send({ error: err.message, code: err.code });
      options.logger.error({ err: errorMessage(err), path: request.url.split("?")[0] }, "web: export failed");
      if (reply.sent) return reply.raw.destroy();
      return reply.code(500).send();
    });

    app.get<{ Querystring: Record<string, string> }>(
      "/",
      { exposeHeadRoute: false },
      async (request, reply) => {
        const session = await auditor(request);
        const { format: rawFormat = "csv", ...rest } = request.query;
        if (!EXPORT_FORMATS.includes(rawFormat as ExportFormat))
          throw new ExportInputError(`format: one of ${EXPORT_FORMATS.join(", ")}`);
        const format = rawFormat as ExportFormat;
        const filters = parseFilters(rest);
        const fileName = `export-${filters.from}-${filters.to}.${format}`;
        return stream(reply, session, { filters, format, fileName });
      },
    );

    app.get<{ Params: { id: string } }>(
      "/:id/manifest",
      { exposeHeadRoute: false },
      async (request, reply) => {
        await auditor(request);
        if (!UUID.test(request.params.id)) throw new HttpError(404, "no such export");
        // A range export's event is `export` on `export:<id>`; a conversation's transcript is
        // `export.transcript` on the conversation, its export id in the detail.
        const { rows } = await options.db.query<{ detail: { manifest?: ManifestHeader } }>(
          `SELECT detail FROM audit_event
           WHERE (action = 'export' AND subject = $1) OR (action = 'export.transcript' AND detail ->> 'exportId' = $2)
           ORDER BY id DESC LIMIT 1`,
          [`export:${request.params.id}`, request.params.id],
        );
        const header = rows[0]?.detail.manifest;
        if (!header) throw new HttpError(404, "no such export (or it has not finished)");
        const body = await servedManifest(options.pool, header, options.manifestKey);
        return reply
          .header("content-type", "application/json; charset=utf-8")
          .header("content-disposition", `attachment; filename="${header.file}.manifest.json"`)
          .send(body);
      },
    );

    app.get<{ Params: { id: string }; Querystring: { format?: string } }>(
      "/transcript/:id",
      { exposeHeadRoute: false },
      async (request, reply) => {
        const session = await auditor(request);
        const conversationId = Number(request.params.id);
        if (!Number.isSafeInteger(conversationId) || conversationId <= 0 || conversationId > 2 ** 31 - 1)
          throw new HttpError(404, "no such conversation");
        const format = request.query.format ?? "html";
        if (format !== "html" && format !== "pdf") throw new ExportInputError("format: html or pdf");
        const { rows } = await options.db.query(`SELECT 1 FROM conversation WHERE id = $1`, [conversationId]);
        if (!rows[0]) throw new HttpError(404, "no such conversation");
        // every record of the conversation: the whole range the filters allow
        const filters = parseFilters({ from: "1970-01-01", to: "9999-12-30", conversation: conversationId });
        return stream(
          reply,
          session,
          { filters, format, fileName: `transcript-${conversationId}.${format}` },
          true,
        );
      },
    );

    /** Send an export as the response body: it reads from a pipe runExport fills, with back-pressure. */
    const stream = (
      reply: FastifyReply,
      session: Session,
      what: { filters: ExportFilters; format: ExportFormat; fileName: string },
      wholeConversation = false,
    ) => {
      const body = new PassThrough({ highWaterMark: 64 * 1024 });
      const exportId = crypto.randomUUID();
      const contentType =
        what.format === "pdf"
          ? "application/pdf"
          : what.format === "html"
            ? "text/html; charset=utf-8"
            : formatter(what.format, options.timeZone).contentType;
      // the HTML print view opens in the browser; everything else downloads
      const disposition = what.format === "html" ? "inline" : "attachment";
      reply
        .header("content-type", contentType)
        .header("content-disposition", `${disposition}; filename="${what.fileName}"`)
        .header("x-export-id", exportId);
      runExport(
        { pool: options.pool, db: options.db, manifestKey: options.manifestKey },
        {
          ...what,
          timeZone: options.timeZone,
          actor: actorOf(session),
          exportId,
          wholeConversation,
          ...(options.library ? { library: options.library } : {}),
        },
        body,
      )
        .then(() => body.end())
        .catch((err: unknown) => {
          options.logger.error({ err: errorMessage(err) }, "web: export stopped");
          body.destroy(err as Error);
        });
      return reply.send(body);
    };
  };
}
