/**
 * Buttons on channels that have none (shared/envelope.ts promises it): egress shows them as
 * numbered lines under the text, and a patron who then types just that number has pressed
 * the button — the relay sees a "callback" with the button's data, as on Telegram.
 *
 * The offered buttons' data is remembered in the conversation's `dialog` (key
 * OFFERED_BUTTONS), written by the relay in the transaction it already commits and read back
 * with the pending message, so it costs no query of its own. Only button-less channels write
 * it, so on Telegram a typed "2" stays text. An answer's own numbered step (renew's "type the
 * number") still works: its buttons carry the same meaning as its numbers.
 */
import type { Button, MessageKind } from "./envelope";

/** The dialog key holding the data of the buttons last shown as a numbered list. */
export const OFFERED_BUTTONS = "offeredButtons";

/** "text\n\n1. Bahasa Indonesia\n2. English": every button, row by row, numbered from 1. */
export function withNumberedButtons(text: string, buttons: readonly (readonly Button[])[]): string {
  const lines = buttons.flat().map((button, i) => {
    const n = `${i + 1}. `;
    // Some answers number their buttons already ("1. Laskar Pelangi"): do not say "1. 1.".
    return button.text.startsWith(n) ? button.text : n + button.text;
  });
  if (lines.length === 0) return text;
  return text ? `${text}\n\n${lines.join("\n")}` : lines.join("\n");
}

/**
 * A typed number that presses an offered button → the callback it stands for; undefined for
 * anything else (other text, a number out of range, no buttons offered).
 */
export function pressedButton(
  kind: MessageKind,
  text: string | null,
  dialog: Record<string, unknown>,
): { kind: "callback"; text: string } | undefined {
  const offered = dialog[OFFERED_BUTTONS];
  if (kind !== "text" || !Array.isArray(offered)) return undefined;
  const typed = (text ?? "").trim();
  if (!/^\d{1,2}$/.test(typed)) return undefined;
  const data: unknown = offered[Number(typed) - 1];
  return typeof data === "string" ? { kind: "callback", text: data } : undefined;
}

interface HandlingWithButtons {
  replies: ReadonlyArray<{ text: string; buttons?: Button[][] }>;
  /** the next dialog; null ends it; undefined leaves it as it is */
  dialog?: Record<string, unknown> | null;
}

/**
 * The handling with its dialog remembering the buttons its last reply with buttons offers
 * (or forgetting earlier ones when it offers none): a number typed later means one of these.
 * Unchanged when there is nothing to remember or forget.
 */
export function rememberOfferedButtons<H extends HandlingWithButtons>(
  handling: H,
  current: Record<string, unknown>,
): H {
  const offering = handling.replies.filter((r) => r.buttons?.length).at(-1)?.buttons;
  const next = handling.dialog === undefined ? current : (handling.dialog ?? {});
  if (!offering && !(OFFERED_BUTTONS in next)) return handling;
  const { [OFFERED_BUTTONS]: _earlier, ...rest } = next;
  const dialog = offering ? { ...rest, [OFFERED_BUTTONS]: offering.flat().map((b) => b.data) } : rest;
  return { ...handling, dialog: Object.keys(dialog).length ? dialog : null };
}
