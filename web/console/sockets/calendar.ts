/**
 * The service calendar (docs/calendar.md): everyone signed in reads it (librarians tell patrons
 * the hours; auditors check them against the report); only admins change it — the weekly hours,
 * adding and removing dated exceptions. Each change is checked (a refusal names its problems) and
 * audited in its own transaction by the store (shared/service-calendar-store.ts).
 */
import { todayIn } from "../../../shared/time/zone";
import { calendarView, type CalendarAck } from "../calendar-view";
import type { SocketContext } from "./context";

export function register(ctx: SocketContext): void {
  const { store, reader, timeZone } = ctx.calendar;
  const admin = () => ctx.me.role === "admin";
  const answer = async (ack: CalendarAck) => {
    const reading = await reader.current();
    ack({ ok: true, calendar: calendarView(reading, todayIn(timeZone), admin()) });
  };

  ctx.on("calendar:get", false, async (ack) => answer(ack));

  ctx.on("calendar:weekly:set", true, async (input, ack) => {
    if (!admin()) return ack({ ok: false, error: "forbidden" });
    const result = await store.setWeekly(input?.weekly, ctx.me.id);
    if (!result.ok) return ack(result);
    await answer(ack);
  });

  ctx.on("calendar:exception:add", true, async (input, ack) => {
    if (!admin()) return ack({ ok: false, error: "forbidden" });
    const result = await store.addException(input, ctx.me.id);
    if (!result.ok) return ack(result);
    await answer(ack);
  });

  ctx.on("calendar:exception:remove", true, async (input, ack) => {
    if (!admin()) return ack({ ok: false, error: "forbidden" });
    const result = await store.removeException(Number(input?.id), ctx.me.id);
    if (!result.ok) return ack(result);
    await answer(ack);
  });
}
