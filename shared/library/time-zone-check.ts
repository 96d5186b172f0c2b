/**
 * One zone decides "today" and every timestamp written to the library system: LIBRARY_TIMEZONE
 * (docs/slims.md §1). SLiMS keeps its own (the `timezone` setting, Asia/Jakarta when unset) for
 * the desk's Extend click; when the two differ, a renewal by chat and one at the desk disagree
 * about the date for some hours each day and about every timestamp. Checked once at start-up:
 * a warning naming both zones, never a refusal to start (the library system may be down then).
 */
import { errorMessage } from "../errors";
import type { Logger } from "../logger";
import type { LibrarySystem } from "./port";

/** The warning to log when the library system's zone is not `configured`, else null. */
export async function timeZoneMismatch(
  library: Pick<LibrarySystem, "kind" | "timeZoneSetting">,
  configured: string,
): Promise<string | null> {
  if (!library.timeZoneSetting) return null;
  const theirs = await library.timeZoneSetting();
  if (theirs === configured) return null;
  return (
    `LIBRARY_TIMEZONE is ${configured} but ${library.kind}'s own timezone setting is ${theirs}: ` +
    `pustaka-relay computes "today" and writes every ${library.kind} timestamp in ${configured}, ` +
    `so renewals by chat and at the desk will disagree; set LIBRARY_TIMEZONE=${theirs} ` +
    `(or change the setting in ${library.kind}) so both use one zone`
  );
}

/** Logs the mismatch (warn) if there is one; a failure to ask is logged, never thrown. */
export async function warnOnTimeZoneMismatch(
  library: Pick<LibrarySystem, "kind" | "timeZoneSetting">,
  configured: string,
  logger: Logger,
): Promise<void> {
  try {
    const warning = await timeZoneMismatch(library, configured);
    if (warning) logger.warn({ configured }, warning);
  } catch (err) {
    logger.warn(`could not read ${library.kind}'s timezone setting at start: ${errorMessage(err)}`);
  }
}
