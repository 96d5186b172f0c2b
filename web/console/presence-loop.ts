/**
 * Who is online, across nodes: every 15 s this node refreshes the staff it holds sockets for
 * (auditors are not shown) and drops those no node holds any more; joins and leaves are
 * broadcast at once. Presence is a convenience: nothing here ever throws.
 */
import { errorMessage } from "../../shared/errors";
import { once } from "../../shared/lifecycle";
import type { Logger } from "../../shared/logger";
import type { Presence } from "../../shared/presence";
import { ROOM, type ConsoleIo } from "./rooms";

const REFRESH_MS = 15_000;

export class PresenceLoop {
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly io: ConsoleIo,
    private readonly presence: Presence,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  /** A staff member connected here: online now, and everyone is told. */
  async joined(staffId: number): Promise<void> {
    await this.presence.refresh([staffId]).catch(() => undefined);
    await this.broadcast();
  }

  /** A socket left: recount, and tell everyone. */
  async left(): Promise<void> {
    await this.refresh();
    await this.broadcast();
  }

  async refresh(): Promise<void> {
    if (this.closing) return;
    try {
      const sockets = await this.io.local.fetchSockets();
      const here = new Set<number>(
        sockets.filter((s) => s.data.staff && s.data.staff.role !== "auditor").map((s) => s.data.staff.id),
      );
      await this.presence.refresh(here);
      // Whoever has no socket here nor on another node goes offline; a node that still holds
      // them refreshes them within its next round anyway.
      for (const id of await this.presence.online()) {
        if (this.closing) return;
        if (!here.has(id) && !(await this.io.in(ROOM.person(id)).fetchSockets()).length)
          await this.presence.remove(id);
      }
    } catch (err) {
      if (!this.closing) this.logger.warn({ err: errorMessage(err) }, "console: presence");
    }
  }

  private async broadcast(): Promise<void> {
    if (this.closing) return;
    const online = await this.presence.online().catch((): number[] => []);
    try {
      this.io.to(ROOM.staff).emit("presence", online);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, "console: presence broadcast");
    }
  }

  readonly close = once(async () => {
    this.closing = true;
    clearInterval(this.timer);
  });
}
