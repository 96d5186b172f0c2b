/**
 * Announcements, under /api/announcements (docs/reminders.md), beside the JSON API with the same
 * guards (./guards.ts):
 *
 *   GET  /api/announcements       librarians, auditors and admins: the latest 20 with their counts
 *                                 (queued / sent / failed), and the channels one can go to
 *   GET  /api/announcements/:id   the same, one announcement (the page polls it while it sends)
 *   POST /api/announcements       admins only: `{ textId, textEn?, channels }`; 201; written with its
 *                                 audit event, then handed to the relay's proactive queue
 *
 * Only admins send: a notice goes to every opted-in member at once and cannot be called back, so
 * it is the same trust as adding staff; librarians see what went out and how far it got.
 */
import type { FastifyPluginAsync } from "fastify";
import type { Db } from "../../shared/db";
import type { ChannelName } from "../../shared/envelope";
import type { Logger } from "../../shared/logger";
import {
  ANNOUNCEMENT_MAX_LENGTH,
  announcementView,
  createAnnouncement,
  listAnnouncements,
} from "../../shared/reminders/announcements";
import type { AnnouncementRequests } from "../../shared/reminders/queue";
import { HttpError } from "../http-error";
import type { ApiBody, ApiError, ApiReply, ApiRoute } from "./api";
import { sessionToken } from "./auth";
import { requestGuards, requireRole } from "./guards";
import { jsonOnly, useJsonApi } from "./json-api";
import type { StaffStore } from "./staff";

export interface AnnouncementsApiOptions {
  db: Db;
  staff: StaffStore;
  logger: Logger;
  allowedOrigins: readonly string[];
  /** the configured channels: an announcement may choose among them */
  channels: readonly ChannelName[];
  requests: Pick<AnnouncementRequests, "request">;
}

type Route<R extends ApiRoute> = { Body: Partial<ApiBody<R>>; Reply: ApiReply<R> | ApiError };

export function announcementsApi(options: AnnouncementsApiOptions): FastifyPluginAsync {
  const { staff, db } = options;
  const { signedInWithCsrf } = requestGuards(staff, options.allowedOrigins);
  const viewers = ["admin", "librarian", "auditor"] as const;

  return async (app) => {
    useJsonApi(app, options.logger, "web: announcements request");

    app.get<Route<"GET /api/announcements">>("/", { exposeHeadRoute: false }, async (request) => {
      requireRole(await staff.session(sessionToken(request.raw)), viewers);
      return { announcements: await listAnnouncements(db), channels: [...options.channels] };
    });

    app.get<{ Params: { id: string }; Reply: ApiReply<"GET /api/announcements/:id"> | ApiError }>(
      "/:id",
      { exposeHeadRoute: false },
      async (request, reply) => {
        requireRole(await staff.session(sessionToken(request.raw)), viewers);
        const id = Number(request.params.id);
        if (!Number.isSafeInteger(id) || id < 1) throw new HttpError(400, "not an announcement id");
        const found = await announcementView(db, id);
        if (!found) return reply.code(404).send({ error: "no such announcement" });
        return { announcement: found };
      },
    );

    app.post<Route<"POST /api/announcements">>(
      "/",
      { onRequest: signedInWithCsrf, preValidation: jsonOnly, bodyLimit: 64 * 1024 },
      async (request, reply) => {
        const session = requireRole(request.staffSession, ["admin"]);
        const body = request.body ?? {};
        const textId = typeof body.textId === "string" ? body.textId.trim() : "";
        const textEn = typeof body.textEn === "string" ? body.textEn.trim() : "";
        if (textId === "") throw new HttpError(400, "the Indonesian text is required");
        if (textId.length > ANNOUNCEMENT_MAX_LENGTH || textEn.length > ANNOUNCEMENT_MAX_LENGTH)
          throw new HttpError(400, `a text may have at most ${ANNOUNCEMENT_MAX_LENGTH} characters`);
        const channels = Array.isArray(body.channels) ? [...new Set(body.channels.map(String))] : [];
        if (channels.length === 0) throw new HttpError(400, "choose at least one channel");
        const unknown = channels.find((c) => !options.channels.includes(c as ChannelName));
        if (unknown !== undefined) throw new HttpError(400, `channel "${unknown}" is not configured`);
        const id = await createAnnouncement(db, {
          textId,
          textEn,
          channels: channels as ChannelName[],
          staffId: session.staff.id,
        });
        // Written and audited first: if this request to Redis fails, the relay's start-up recovery
        // (pending announcements) queues it; the admin sees it pending meanwhile.
        await options.requests
          .request(id)
          .catch((err: unknown) =>
            options.logger.warn({ err: String(err), id }, "announcement request failed"),
          );
        return reply.code(201).send({ announcement: (await announcementView(db, id))! });
      },
    );
  };
}
