/**
 * Where the browser tests find Chromium: CHROMIUM_PATH, else the usual install locations. A
 * missing browser fails the browser tests with one line saying what to do; it never skips them.
 */
import { accessSync, constants, statSync } from "node:fs";

export const CHROMIUM_LOCATIONS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/snap/bin/chromium",
];
export const CHROMIUM_NOT_FOUND = "Chromium not found: set CHROMIUM_PATH or apt-get install chromium";

/** The browser to launch; throws CHROMIUM_NOT_FOUND (naming a CHROMIUM_PATH that is not one). */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  locations: readonly string[] = CHROMIUM_LOCATIONS,
): string {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    if (isExecutableFile(chosen)) return chosen;
    throw oneLine(`${CHROMIUM_NOT_FOUND} (CHROMIUM_PATH=${chosen} is not an executable file)`);
  }
  const found = locations.find(isExecutableFile);
  if (found) return found;
  throw oneLine(CHROMIUM_NOT_FOUND);
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** An error whose report is its message alone: the stack would only point here. */
function oneLine(message: string): Error {
  const err = new Error(message);
  err.stack = message;
  return err;
}
