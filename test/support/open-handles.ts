/**
 * What would keep mocha from exiting once every test is done (`exit: false` in .mocharc.json):
 * a socket, server or child process a test left open. Checked in a root `afterAll` hook, so a
 * leak is a failing hook naming what is open, not a CI run that hangs until its timeout.
 */

export interface HandleLike {
  constructor?: { name?: string };
  _handle?: { hasRef?: () => boolean } | null;
  hasRef?: () => boolean;
  remoteAddress?: string;
  remotePort?: number;
  localPort?: number;
  pid?: number;
  spawnargs?: string[];
  address?: () => unknown;
}

const stdio = new Set<unknown>([process.stdin, process.stdout, process.stderr]);

/** Handles that keep the event loop alive (unref'd ones do not), but not our own stdio. */
export function keepingAlive(ignore: (h: HandleLike) => boolean = () => false): HandleLike[] {
  const handles = (process as unknown as { _getActiveHandles(): HandleLike[] })._getActiveHandles();
  return handles.filter((h) => {
    if (stdio.has(h) || ignore(h)) return false;
    const ref = h.hasRef ?? h._handle?.hasRef?.bind(h._handle);
    return ref ? ref() : true;
  });
}

export function describeHandle(h: HandleLike): string {
  const kind = h.constructor?.name ?? "handle";
  if (h.remotePort)
    return `${kind} 127.0.0.1:${h.localPort} → ${h.remoteAddress}:${h.remotePort}${portName(h.remotePort)}`;
  if (h.pid) return `${kind} pid ${h.pid}: ${(h.spawnargs ?? []).join(" ").slice(0, 120)}`;
  try {
    const addr = h.address?.();
    if (addr) return `${kind} listening on ${JSON.stringify(addr)}`;
  } catch {
    // not a server
  }
  return kind;
}

function portName(port: number): string {
  return port === 6379 ? " (Redis)" : port === 5432 ? " (PostgreSQL)" : port === 3306 ? " (MariaDB)" : "";
}

/**
 * Wait up to `ms` for the open handles to close; the ones still open then. Event-driven: it
 * re-checks when one of them emits `close` (sockets, servers) or `exit` (child processes).
 */
export function handlesLeftOpen(ms: number, ignore?: (h: HandleLike) => boolean): Promise<string[]> {
  return new Promise((resolve) => {
    const watched = new WeakSet<object>();
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(keepingAlive(ignore).map(describeHandle));
    };
    const deadline = setTimeout(finish, ms);
    const check = () => {
      if (settled) return;
      const open = keepingAlive(ignore);
      if (!open.length) return finish();
      for (const h of open) {
        const emitter = h as HandleLike & { once?: (event: string, fn: () => void) => unknown };
        if (watched.has(h) || typeof emitter.once !== "function") continue;
        watched.add(h);
        // After the close has run its course (the handle leaves the active list then).
        const again = () => setImmediate(check);
        emitter.once("close", again);
        emitter.once("exit", again);
      }
    };
    check();
  });
}
