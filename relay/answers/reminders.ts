import { reminderSetting, setReminders } from "../../shared/reminders/preferences";
import { reminderTexts as say } from "../../shared/texts/reminders";
import { cue } from "../intents";
import { defineAnswer } from "./answer";

const ON = /^(on|ya|aktif|aktifkan|nyala|nyalakan|hidup|yes|enable)$/i;
const OFF = /^(off|tidak|mati|matikan|nonaktif|nonaktifkan|stop|berhenti|no|disable)$/i;

/**
 * /pengingat /reminders [on|off]: the patron's opt-in to due-date reminders and announcements
 * (docs/reminders.md). Off for everybody until they say on; only a linked member can say it,
 * because a reminder is about their loans. Without an argument: the current setting and how to
 * change it. The change is audited (`reminders_on` / `reminders_off`).
 */
export const reminders = defineAnswer({
  name: "reminders",
  privateOnly: true,
  commands: { id: "pengingat", en: "reminders" },
  menu: {
    order: 47,
    help: {
      id: "pengingat jatuh tempo dan pengumuman (on/off)",
      en: "due-date reminders and announcements (on/off)",
    },
    commandList: { id: "Pengingat jatuh tempo", en: "Due-date reminders" },
  },
  intent: {
    precedence: 57,
    cues: [
      cue("pengingat", 3.5, "id"),
      cue("ingatkan", 3, "id"),
      cue("reminder", 3.5, "en"),
      cue("reminders", 3.5, "en"),
      cue("remind me", 3, "en"),
    ],
  },
  answer: async (ctx) => {
    if (!ctx.memberId) return { replies: [{ text: say.needLink(ctx.lang) }] };
    const setting = await reminderSetting(ctx.services.db, ctx.channel, ctx.senderId);
    // A linked member always has a patron row; none would mean the link vanished meanwhile.
    if (!setting) return { replies: [{ text: say.needLink(ctx.lang) }] };
    const word = ctx.args.trim().split(/\s+/)[0] ?? "";
    if (word === "") return { replies: [{ text: say.status(ctx.lang, setting.enabled) }] };
    const wanted = ON.test(word) ? true : OFF.test(word) ? false : undefined;
    if (wanted === undefined)
      return {
        replies: [{ text: `${say.badArgument(ctx.lang)}\n\n${say.status(ctx.lang, setting.enabled)}` }],
      };
    const changed = await setReminders(ctx.services.db, setting.patronId, wanted);
    return {
      replies: [{ text: wanted ? say.turnedOn(ctx.lang) : say.turnedOff(ctx.lang) }],
      ...(changed
        ? {
            audit: [
              {
                actorKind: "patron" as const,
                actorId: ctx.memberId,
                action: wanted ? "reminders_on" : "reminders_off",
                subject: `patron:${setting.patronId}`,
                detail: { channel: ctx.channel },
              },
            ],
          }
        : {}),
    };
  },
});
