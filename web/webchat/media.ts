/**
 * A librarian's file for the patron of one widget session. The console's /api/media is for staff
 * only and the widget has no cookie (it lives on other sites), so the link carries its own proof:
 * `/webchat/media/<id>?t=<session id>.<MAC over (media id, session id)>`, the MAC keyed from
 * SECRET_BOX_KEY like the session tokens (another HKDF label: a session token is no file token).
 * Only the web role makes these links, and only for a file sent to that session (a live push, or
 * its history), so a link works for that file and that session and nothing else: a wrong, altered
 * or missing token is 403. The file is served as the console serves it (../media-response.ts).
 *
 * The link is a bearer link, like the session token the same browser already keeps: whoever has
 * the patron's link has that one file. It names the session id, which opens nothing by itself.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import { errorMessage } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import type { MediaStore } from "../../shared/media/store";
import type { WidgetAttachment, WidgetFile } from "../../shared/webchat";
import { sendStoredFile } from "../media-response";

export const WIDGET_MEDIA_PATH = "/webchat/media";

const MAC_BYTES = 16;
const SESSION = /^[A-Za-z0-9_-]{24}$/;
const MEDIA_ID = /^\d{1,18}$/;

export class WidgetMediaLinks {
  private readonly key: Buffer;

  constructor(secretKey: Buffer) {
    this.key = Buffer.from(hkdfSync("sha256", secretKey, "", "pustaka-relay webchat media v1", 32));
  }

  /** What the widget shows of a file sent to `sessionId`, with the link only that session gets. */
  file(attachment: WidgetAttachment, sessionId: string): WidgetFile {
    const token = `${sessionId}.${this.mac(attachment.mediaId, sessionId)}`;
    return {
      fileName: attachment.fileName,
      mimeType: attachment.mimeType,
      size: attachment.size,
      url: `${WIDGET_MEDIA_PATH}/${attachment.mediaId}?t=${token}`,
    };
  }

  /** True when `token` is the one we made for this media id (and so for the session it names). */
  verify(mediaId: string, token: unknown): boolean {
    if (typeof token !== "string" || !MEDIA_ID.test(mediaId)) return false;
    const dot = token.indexOf(".");
    const sessionId = token.slice(0, dot);
    if (dot < 0 || !SESSION.test(sessionId)) return false;
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(mediaId, sessionId));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(mediaId: string, sessionId: string): string {
    return createHmac("sha256", this.key)
      .update(`${mediaId}\n${sessionId}`)
      .digest()
      .subarray(0, MAC_BYTES)
      .toString("base64url");
  }
}

/** GET /webchat/media/:id?t=… — the file, to the session its token names; 403 to anyone else. */
export function widgetMediaRoute(
  links: WidgetMediaLinks,
  media: MediaStore,
  logger: Logger,
): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { id: string }; Querystring: { t?: unknown } }>(
      `${WIDGET_MEDIA_PATH}/:id`,
      { exposeHeadRoute: false },
      async (request, reply) => {
        // The link is in the URL: it must not leak on, through a Referer, from anything opened.
        reply.header("referrer-policy", "no-referrer");
        if (!links.verify(request.params.id, request.query.t))
          return reply.code(403).type("text/plain; charset=utf-8").send("This link is not valid.\n");
        let loaded: Awaited<ReturnType<MediaStore["load"]>>;
        try {
          loaded = await media.load(request.params.id);
        } catch (err) {
          // A file changed or missing on disk: refused, never served (the store checks the hash).
          logger.error({ err: errorMessage(err), mediaId: request.params.id }, "webchat: file unreadable");
          return reply.code(500).type("text/plain; charset=utf-8").send("The file cannot be read.\n");
        }
        if (!loaded) return reply.code(404).type("text/plain; charset=utf-8").send("No such file.\n");
        return sendStoredFile(reply, loaded);
      },
    );
  };
}
