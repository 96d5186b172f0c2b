import pino from "pino";

export type Logger = pino.Logger;

/** Structured JSON logs on stdout (pino). Patron text is never logged here; the message log keeps it. */
export function createLogger(level: pino.LevelWithSilent, name = "pustaka-relay"): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

export const silentLogger: Logger = pino({ level: "silent" });
