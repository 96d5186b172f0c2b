import type { Answer } from "./answer";
import { edited, nonText, silent, tooLong, unknown } from "./fallbacks";
import { greeting, thanks } from "./greeting";
import { help } from "./help";
import { hours } from "./hours";
import { language } from "./language";
import { librarian } from "./librarian";
import { start } from "./start";

export const ANSWERS = {
  start,
  help,
  hours,
  language,
  librarian,
  greeting,
  thanks,
  unknown,
  non_text: nonText,
  edited,
  too_long: tooLong,
  silent,
} satisfies Record<string, Answer>;

export type AnswerName = keyof typeof ANSWERS;
