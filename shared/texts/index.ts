/**
 * Everything the bot says to patrons, in Bahasa Indonesia (default) and English, in one folder
 * split by topic. Shared, because the web console sends patron notices too (a librarian claimed
 * or closed the chat).
 *
 * The rule: every sentence a reply is made of lives here — answers, the relay and the handoff
 * only put these sentences together with data. Beside an answer (its manifest in
 * relay/answers/*.ts) lives only how a patron *finds* it: its command words, its labels in the
 * help menu and in the channel's "/" menu, and its intent cues.
 */
export { dayName } from "./days";
export { texts } from "./general";
export { handoffTexts, type LibrariansWhen } from "./handoff";
export { hoursTexts } from "./hours";
export { smallTalkTexts, type DayPart } from "./small-talk";
export { formatDate, formatMoney, libraryTexts, loanLine, refusal } from "./library";
export { HOWTO_TOPICS, howtoTexts, type HowtoTopic } from "./howto";
export { faqTexts } from "./faq";
