/**
 * The service report over HTTP, under /api/report: auditors and admins (there is no "library
 * head" role: the head signs in as an admin); librarians 403.
 *
 *   GET /api/report?from=YYYY-MM-DD&to=YYYY-MM-DD&period=day|week|month[&format=json|csv]
 *   GET /api/report/chart/volume|response|renewals?from&to&period[&lang=id|en]   image/svg+xml
 *
 * Response minutes count the library's open time: weekly hours minus the library system's
 * holidays (SLiMS `holiday`). When those cannot be read the report is still served, over the
 * weekly hours alone, and says so: `holidaysApplied: false` (JSON) or the header
 * `x-holidays-applied: false` (CSV, charts) — an unreachable SLiMS must not take the report down.
 */
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Sql } from "../../shared/db";
import { errorMessage } from "../../shared/errors";
import type { Logger } from "../../shared/logger";
import { isIsoDate } from "../../shared/time/calendar";
import { NO_HOLIDAYS, type HolidayCalendar } from "../../shared/time/calendar";
import type { WeeklyHours } from "../../shared/time/service-hours";
import { sessionToken } from "../console/auth";
import { requireRole } from "../console/guards";
import type { StaffStore } from "../console/staff";
import { HttpError } from "../http-error";
import { chart, REPORT_CHARTS, reportCsv, type ReportChart } from "./charts";
import { PERIODS, serviceReport } from "./report";
import type { CalendarReading } from "../../shared/service-calendar-reader";

export interface ReportApiOptions {
  db: Sql;
  staff: StaffStore;
  timeZone: string;
  hours: WeeklyHours;
  /** the library system's holidays (LibrarySystem.holidays); absent: weekly hours only */
  holidays?: () => Promise<HolidayCalendar>;
  /**
   * The service calendar (shared/service-calendar-reader.ts): when given it is what response
   * minutes follow — the console's weekly hours and exceptions with the library system's
   * holidays — and `hours`/`holidays` are not used.
   */
  calendar?: () => Promise<CalendarReading>;
  logger: Logger;
}

const day = z.string().refine(isIsoDate, "must be a date YYYY-MM-DD");
const querySchema = z
  .object({
    from: day,
    to: day,
    period: z.enum(PERIODS).default("day"),
    format: z.enum(["json", "csv"]).default("json"),
    lang: z.enum(["id", "en"]).default("id"),
  })
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["from"] });

/** At most this many days in one report: a year of days is already 365 bars. */
const MAX_DAYS = 400;

export function reportApi(options: ReportApiOptions): FastifyPluginAsync {
  const allowed = async (request: FastifyRequest) =>
    requireRole(await options.staff.session(sessionToken(request.raw)), ["auditor", "admin"]);
  const parse = (query: unknown) => {
    const r = querySchema.safeParse(query);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new HttpError(400, `${issue.path.join(".") || "query"}: ${issue.message}`);
    }
    if ((Date.parse(r.data.to) - Date.parse(r.data.from)) / 86_400_000 > MAX_DAYS)
      throw new HttpError(400, `to: at most ${MAX_DAYS} days in one report`);
    return r.data;
  };
  /** The calendar, or the weekly hours alone (said in the response) when it cannot be read. */
  const calendar = async (): Promise<{ calendar: HolidayCalendar; applied: boolean }> => {
    if (!options.holidays) return { calendar: NO_HOLIDAYS, applied: false };
    try {
      return { calendar: await options.holidays(), applied: true };
    } catch (err) {
      options.logger.warn(
        { err: errorMessage(err) },
        "web: report without holidays (library system unreadable)",
      );
      return { calendar: NO_HOLIDAYS, applied: false };
    }
  };
  const rowsFor = async (q: ReturnType<typeof parse>) => {
    if (options.calendar) {
      const reading = await options.calendar();
      if (!reading.importedKnown)
        options.logger.warn("web: report without the library system's holidays (unreadable)");
      const rows = await serviceReport(options.db, {
        ...q,
        timeZone: options.timeZone,
        hours: options.hours,
        serviceCalendar: reading.calendar,
      });
      return { rows, holidaysApplied: reading.importedKnown };
    }
    const { calendar: cal, applied } = await calendar();
    const rows = await serviceReport(options.db, {
      ...q,
      timeZone: options.timeZone,
      hours: options.hours,
      calendar: cal,
    });
    return { rows, holidaysApplied: applied };
  };

  return async (app) => {
    app.addHook("onRequest", async (_request, reply) => {
      reply.header("cache-control", "no-store");
    });
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof HttpError) return reply.code(err.status).send({ error: err.message });
      options.logger.error({ err: errorMessage(err), path: request.url.split("?")[0] }, "web: report failed");
      return reply.code(500).send();
    });

    app.get("/", { exposeHeadRoute: false }, async (request, reply) => {
      await allowed(request);
      const q = parse(request.query);
      const { rows, holidaysApplied } = await rowsFor(q);
      reply.header("x-holidays-applied", String(holidaysApplied));
      if (q.format === "csv")
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="report-${q.period}-${q.from}-${q.to}.csv"`)
          .send(reportCsv(rows));
      return { timeZone: options.timeZone, period: q.period, holidaysApplied, rows };
    });

    app.get<{ Params: { kind: string } }>(
      "/chart/:kind",
      { exposeHeadRoute: false },
      async (request, reply) => {
        await allowed(request);
        if (!REPORT_CHARTS.includes(request.params.kind as ReportChart))
          throw new HttpError(404, "no such chart");
        const q = parse(request.query);
        const { rows, holidaysApplied } = await rowsFor(q);
        const svg = chart(request.params.kind as ReportChart, rows, q.lang);
        return reply
          .header("x-holidays-applied", String(holidaysApplied))
          .header("content-type", "image/svg+xml; charset=utf-8")
          .send(svg);
      },
    );
  };
}
