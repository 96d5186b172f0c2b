import { AppError } from "../errors";

/**
 * Something the library sends first went wrong (docs/reminders.md): `PROACTIVE_INCOMPLETE` — a
 * reminder run could not read some members' loans (the library system failed) and is retried;
 * `PROACTIVE_KEY_CONFLICT` — a message's channel key exists without the once-only row that
 * should have been written with it (a write outside shared/reminders/ or relay/reminders/).
 */
export class ProactiveError extends AppError {
  constructor(code: "PROACTIVE_INCOMPLETE" | "PROACTIVE_KEY_CONFLICT", message: string) {
    super(code, message);
    this.name = "ProactiveError";
  }
}
