/**
 * The console's files, under /api/media (beside the JSON API, with the same guards: ./guards.ts).
 *
 *   GET  /api/media/:id   a patron's file or an attachment, to any signed-in staff member (401
 *                         otherwise), as ../media-response.ts serves every stored file: inline
 *                         only when it really is a raster image, else a download; `nosniff`, a
 *                         CSP that runs nothing.
 *   POST /api/media       a librarian's attachment: the raw bytes (`application/octet-stream`),
 *                         the name in `x-file-name` (URI-encoded); our Origin, the session and
 *                         its CSRF token as for every POST; at most MEDIA_MAX_BYTES (413); a PDF,
 *                         PNG, JPEG or WebP by its first bytes, not by its name (415). 201 with
 *                         the stored file; a reply then carries its id (socket `message:send`).
 */
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from "fastify";
import { errorMessage } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import { attachableType, plainFileName, type AttachableType } from "../../shared/media/sniff";
import type { MediaStore } from "../../shared/media/store";
import { HttpError } from "../http-error";
import { sendStoredFile } from "../media-response";
import type { AttachmentInfo } from "./api";
import { sessionToken } from "./auth";
import { requestGuards, requireRole } from "./guards";
import type { Session, StaffStore } from "./staff";

export interface MediaApiOptions {
  media: MediaStore;
  staff: StaffStore;
  logger: Logger;
  allowedOrigins: readonly string[];
}

const EXTENSION: Record<AttachableType, string> = {
  "application/pdf": ".pdf",
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/webp": ".webp",
};

export function mediaApi(options: MediaApiOptions): FastifyPluginAsync {
  const { media, staff } = options;
  const { signedInWithCsrf } = requestGuards(staff, options.allowedOrigins);

  return async (app) => {
    app.decorateRequest("staffSession", null);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("application/octet-stream", { parseAs: "buffer" }, (_request, body, done) =>
      done(null, body),
    );
    // Any other type is refused before it is read (octetOnly).
    app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof HttpError) return reply.code(err.status).send({ error: err.message });
      if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
        return reply.code(413).send({ error: `the file is larger than ${media.maxBytes} bytes` });
      if (err.code === "FST_ERR_CTP_EMPTY_BODY") return reply.code(400).send({ error: "the file is empty" });
      options.logger.error(
        { err: errorMessage(err), path: request.url.split("?")[0] },
        "web: media request failed",
      );
      return reply.code(500).send();
    });

    app.get<{ Params: { id: string } }>("/:id", { exposeHeadRoute: false }, async (request, reply) => {
      requireRole(await staff.session(sessionToken(request.raw)), ["admin", "librarian", "auditor"]);
      const loaded = /^\d{1,18}$/.test(request.params.id) ? await media.load(request.params.id) : null;
      if (!loaded) throw new HttpError(404, "no such file");
      return sendStoredFile(reply, loaded);
    });

    app.post(
      "/",
      { onRequest: signedInWithCsrf, preValidation: octetOnly, bodyLimit: media.maxBytes },
      async (request, reply) => {
        const session: Session = requireRole(request.staffSession, ["admin", "librarian"]);
        const bytes = request.body as Buffer | undefined;
        if (!bytes?.length) throw new HttpError(400, "the file is empty");
        const type = attachableType(bytes);
        if (!type)
          throw new HttpError(
            415,
            "only PDF, PNG, JPEG or WebP files can be attached (judged by the file's content, not its name)",
          );
        const stored = await media.put({
          bytes,
          mimeType: type,
          fileName: withExtension(fileNameHeader(request), type),
          staffId: session.staff.id,
        });
        await staff.audit(session.staff.id, "media.upload", `media:${stored.id}`, {
          sha256: stored.sha256,
          size: stored.size,
          mimeType: stored.mimeType,
        });
        const body: { media: AttachmentInfo } = {
          media: {
            id: stored.id,
            fileName: stored.fileName ?? `attachment${EXTENSION[type]}`,
            mimeType: stored.mimeType,
            size: stored.size,
            sha256: stored.sha256,
          },
        };
        return reply.code(201).header("cache-control", "no-store").send(body);
      },
    );
  };
}

async function octetOnly(request: FastifyRequest): Promise<void> {
  if (!String(request.headers["content-type"] ?? "").startsWith("application/octet-stream"))
    throw new HttpError(415, "expected application/octet-stream (the file's bytes)");
}

function fileNameHeader(request: FastifyRequest): string | null {
  const raw = request.headers["x-file-name"];
  if (typeof raw !== "string") return null;
  try {
    return plainFileName(decodeURIComponent(raw));
  } catch {
    return plainFileName(raw);
  }
}

/** The name ends in the extension of what the file really is (a PDF named .html becomes x.html.pdf). */
function withExtension(name: string | null, type: AttachableType): string {
  const ext = EXTENSION[type];
  const base = name ?? "attachment";
  const lower = base.toLowerCase();
  if (lower.endsWith(ext) || (type === "image/jpeg" && lower.endsWith(".jpeg"))) return base;
  return `${base}${ext}`;
}
