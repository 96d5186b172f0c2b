import type { Answer } from "./answer";
import { edited, nonText, notWithLibrarian, silent, tooLong, unknown } from "./fallbacks";
import { greeting, thanks } from "./greeting";
import { help } from "./help";
import { hours } from "./hours";
import { language } from "./language";
import { librarian } from "./librarian";
import { cancel, link, unlink } from "./link";
import { fines } from "./fines";
import { loans } from "./loans";
import { renew } from "./renew";
import { start } from "./start";

export const ANSWERS = {
  start,
  help,
  hours,
  language,
  librarian,
  greeting,
  thanks,
  link,
  unlink,
  cancel,
  loans,
  fines,
  renew,
  unknown,
  non_text: nonText,
  edited,
  too_long: tooLong,
  not_with_librarian: notWithLibrarian,
  silent,
} satisfies Record<string, Answer>;

export type AnswerName = keyof typeof ANSWERS;
