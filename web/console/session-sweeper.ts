/**
 * Sessions end in other ways than a socket's own logout: `npm run staff -- passwd|disable` in
 * another process, an admin's password reset, expiry. Every socket of this node is checked
 * against the database regularly, idle tabs included, and dropped when its session is gone.
 */
import { errorMessage } from "../../shared/errors";
import { once } from "../../shared/lifecycle";
import type { Logger } from "../../shared/logger";
import type { ConsoleIo } from "./rooms";
import type { StaffStore } from "./staff";

export class SessionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly io: ConsoleIo,
    private readonly staff: StaffStore,
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  /** Disconnect this node's sockets whose session no longer exists. */
  async sweep(): Promise<void> {
    if (this.closing) return;
    try {
      const sockets = [...this.io.of("/").sockets.values()];
      const valid = await this.staff.validSessionIds([...new Set(sockets.map((s) => s.data.sessionId))]);
      for (const socket of sockets) if (!valid.has(socket.data.sessionId)) socket.disconnect(true);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, "console: session check failed");
    }
  }

  readonly close = once(async () => {
    this.closing = true;
    clearInterval(this.timer);
  });
}
