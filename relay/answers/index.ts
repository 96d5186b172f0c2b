/**
 * The one list of automated answers. Everything that names answers — the router's command
 * table, dialog owners and intents, the help menu, the channel's "/" menu — is derived from it
 * (./registry.ts). Adding an answer: its file in this folder (`defineAnswer({...})`), one line
 * here. The order of the list does not matter: menus follow `menu.order`, intents
 * `intent.precedence`.
 */
import { faq, faqRating } from "./faq";
import { edited, nonText, notWithLibrarian, silent, tooLong, unknown } from "./fallbacks";
import { fines } from "./fines";
import { acknowledgment, greeting, thanks } from "./greeting";
import { help } from "./help";
import { hours } from "./hours";
import { howto } from "./howto";
import { language } from "./language";
import { librarian } from "./librarian";
import { cancel, link, unlink } from "./link";
import { loans } from "./loans";
import { buildRegistry } from "./registry";
import { reminders } from "./reminders";
import { renew } from "./renew";
import { start } from "./start";

export const ANSWER_LIST = [
  start,
  help,
  hours,
  howto,
  language,
  librarian,
  greeting,
  thanks,
  acknowledgment,
  link,
  unlink,
  cancel,
  loans,
  fines,
  renew,
  reminders,
  faq,
  faqRating,
  unknown,
  nonText,
  edited,
  tooLong,
  notWithLibrarian,
  silent,
] as const;

export type AnswerName = (typeof ANSWER_LIST)[number]["name"];

export const ANSWER_REGISTRY = buildRegistry(ANSWER_LIST);

/** Every answer by name, ready to run. */
export const ANSWERS = ANSWER_REGISTRY.answers;
