import { WEEKDAYS } from "../../shared/time/calendar";
import { formatMinutes, openState } from "../../shared/time/service-hours";
import { dayName, texts } from "../../shared/texts";
import { cue } from "../intents";
import { defineAnswer } from "./answer";

/** Service hours from config, and whether the library is open right now, in the library's time zone. */
export const hours = defineAnswer({
  name: "hours",
  commands: { id: "jam", en: "hours" },
  menu: {
    order: 60,
    help: { id: "jam layanan perpustakaan", en: "library service hours" },
    commandList: { id: "Jam layanan perpustakaan", en: "Library service hours" },
  },
  intent: {
    precedence: 80,
    cues: [
      cue("jam buka", 3, "id"),
      cue("jam layanan", 3, "id"),
      cue("jam operasional", 3, "id"),
      cue("jam tutup", 3, "id"),
      cue("jadwal", 2, "id"),
      cue("buka", 2, "id"),
      cue("bukak", 2, "id"),
      cue("tutup", 2, "id"),
      cue("kapan", 1, "id"),
      cue("jam", 1.5, "id"),
      cue("opening hours", 3, "en"),
      cue("hours", 2.5, "en"),
      cue("open", 2, "en"),
      cue("opening", 2, "en"),
      cue("closed", 2, "en"),
      cue("close", 1.5, "en"),
      cue("schedule", 2, "en"),
      cue("when", 1, "en"),
    ],
  },
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
});
