import { WEEKDAYS } from "../../shared/time/calendar";
import { formatMinutes, openState } from "../../shared/time/service-hours";
import { dayName, texts } from "../texts";
import type { Answer } from "./answer";

/** Service hours from config, and whether the library is open right now, in the library's time zone. */
export const hours: Answer = {
  name: "hours",
  answer: ({ lang, library, now }) => {
    // Monday first, as Indonesian timetables are written.
    const week = [...WEEKDAYS.slice(1), WEEKDAYS[0]];
    const lines = week.map((day) => {
      const spans = library.hours[day];
      const when = spans.length
        ? spans.map((s) => `${formatMinutes(s.from)}–${formatMinutes(s.to)}`).join(", ")
        : texts.closedDay(lang);
      return `${dayName(lang, day)}: ${when}`;
    });
    const state = openState(library.hours, now, library.timeZone);
    const status = state.open
      ? texts.openNow(lang, formatMinutes(state.closesAt))
      : state.next
        ? texts.closedNow(
            lang,
            dayName(lang, state.next.weekday),
            formatMinutes(state.next.from),
            state.next.daysAhead,
          )
        : texts.neverOpen(lang);
    return {
      replies: [
        {
          text: [
            texts.hoursTitle(lang, library.name),
            ...lines,
            "",
            status,
            texts.timeZoneNote(lang, library.timeZone),
          ].join("\n"),
        },
      ],
    };
  },
};
