/**
 * The auditors' export over HTTP, under /api/export (beside the console's JSON API). Auditors and
 * admins only (admins answer for the service and may need to hand records over); librarians and
 * anyone else get 403, no session 401. GETs, so a plain download link works; the session cookie
 * is SameSite=Strict, so another site cannot make an auditor's browser start one.
 *
 *   GET /api/export?from=YYYY-MM-DD&to=YYYY-MM-DD&format=csv|jsonl[&channel&librarian&memberId&conversation]
 *       the file, streamed from a cursor with back-pressure to the response; its export id in
 *       `x-export-id`. Its manifest is made as the file is written and recorded in the audit event.
 *   GET /api/export/:id/manifest
 *       that export's manifest (signed; without per-row hashes, which the CLI's manifest lists:
 *       the file's sha256 and row count prove it whole), for `npm run export -- verify`.
 *   GET /api/export/transcript/:conversationId?format=html|pdf
 *       the printable transcript of one conversation (also an audit event, with its sha256).
 */
import { createHash } from "node:crypto";
import { PassThrough, Transform } from "node:stream";
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { Pool } from "pg";
import { recordAudit } from "../../shared/audit";
import type { Sql } from "../../shared/db";
import { errorMessage } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import { HttpError } from "../http-error";
import { sessionToken } from "../console/auth";
import { requireRole } from "../console/guards";
import type { Session, StaffStore } from "../console/staff";
import { EXPORT_FORMATS, ExportInputError, parseFilters, type ExportFormat } from "./filters";
import { formatter } from "./formats";
import { sign, type ManifestHeader } from "./manifest";
import { openRecords, type ExportRecord } from "./records";
import { runExport } from "./run";
import { HTML_END, htmlRow, htmlStart, pdfRow, pdfStart, type TranscriptHead } from "./transcript";

export interface ExportApiOptions {
  pool: Pool;
  db: Sql;
  staff: StaffStore;
  manifestKey: Buffer;
  timeZone: string;
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
        const fmt = formatter(format, options.timeZone);
        const fileName = `export-${filters.from}-${filters.to}.${fmt.extension}`;
        const body = new PassThrough({ highWaterMark: 64 * 1024 });
        const exportId = crypto.randomUUID();
        reply
          .header("content-type", fmt.contentType)
          .header("content-disposition", `attachment; filename="${fileName}"`)
          .header("x-export-id", exportId);
        // The response reads from `body`; runExport waits on its back-pressure, row by row.
        runExport(
          { pool: options.pool, db: options.db, manifestKey: options.manifestKey },
          { filters, format, timeZone: options.timeZone, fileName, actor: actorOf(session), exportId },
          body,
        )
          .then(() => body.end())
          .catch((err: unknown) => {
            options.logger.error({ err: errorMessage(err) }, "web: export stopped");
            body.destroy(err as Error);
          });
        return reply.send(body);
      },
    );

    app.get<{ Params: { id: string } }>("/:id/manifest", { exposeHeadRoute: false }, async (request) => {
      await auditor(request);
      if (!UUID.test(request.params.id)) throw new HttpError(404, "no such export");
      const { rows } = await options.db.query<{ detail: { manifest?: ManifestHeader } }>(
        `SELECT detail FROM audit_event WHERE action = 'export' AND subject = $1 ORDER BY id DESC LIMIT 1`,
        [`export:${request.params.id}`],
      );
      const header = rows[0]?.detail.manifest;
      if (!header) throw new HttpError(404, "no such export (or it has not finished)");
      return { ...header, signature: sign(header, options.manifestKey) };
    });

    app.get<{ Params: { id: string }; Querystring: { format?: string } }>(
      "/transcript/:id",
      { exposeHeadRoute: false },
      async (request, reply) => {
        const session = await auditor(request);
        const conversationId = Number(request.params.id);
        if (!Number.isSafeInteger(conversationId) || conversationId <= 0)
          throw new HttpError(404, "no such conversation");
        const format = request.query.format ?? "html";
        if (format !== "html" && format !== "pdf") throw new ExportInputError("format: html or pdf");
        const { rows } = await options.db.query<{ channel: string; member_id: string | null }>(
          `SELECT c.channel, p.member_id FROM conversation c JOIN patron p ON p.id = c.patron_id WHERE c.id = $1`,
          [conversationId],
        );
        if (!rows[0]) throw new HttpError(404, "no such conversation");
        const head: TranscriptHead = {
          conversationId,
          channel: rows[0].channel,
          memberId: rows[0].member_id,
          timeZone: options.timeZone,
          exportedBy: actorOf(session).label,
          exportedAt: new Date(),
        };
        return sendTranscript(reply, format, head, session);
      },
    );

    const sendTranscript = async (
      reply: FastifyReply,
      format: "html" | "pdf",
      head: TranscriptHead,
      session: Session,
    ) => {
      const filters = parseFilters({
        from: "1970-01-01",
        to: "9999-12-30",
        conversation: head.conversationId,
      });
      const records = await openRecords(options.pool, filters, options.timeZone);
      const hash = createHash("sha256");
      let count = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      const audit = () =>
        recordAudit(options.db, [
          {
            actorKind: "staff",
            actorId: String(session.staff.id),
            action: "export.transcript",
            subject: `conversation:${head.conversationId}`,
            detail: { format, rows: count, sha256: hash.digest("hex") },
          },
        ]);
      hashing.on("finish", () => {
        audit().catch((err: unknown) =>
          options.logger.error({ err: errorMessage(err) }, "web: export audit failed"),
        );
      });
      reply.header(
        "content-disposition",
        `${format === "pdf" ? "attachment" : "inline"}; filename="transcript-${head.conversationId}.${format}"`,
      );
      if (format === "html") {
        reply.header("content-type", "text/html; charset=utf-8");
        void (async () => {
          try {
            hashing.write(htmlStart(head));
            for await (const r of records as AsyncIterable<ExportRecord>) {
              count++;
              if (!hashing.write(htmlRow(r, options.timeZone)))
                await new Promise((ok) => hashing.once("drain", ok));
            }
            hashing.end(HTML_END);
          } catch (err) {
            hashing.destroy(err as Error);
          }
        })();
        return reply.send(hashing);
      }
      reply.header("content-type", "application/pdf");
      const doc = pdfStart(head, hashing);
      void (async () => {
        try {
          for await (const r of records as AsyncIterable<ExportRecord>) {
            count++;
            pdfRow(doc, r, options.timeZone);
          }
          doc.end();
        } catch (err) {
          hashing.destroy(err as Error);
        }
      })();
      return reply.send(hashing);
    };
  };
}
