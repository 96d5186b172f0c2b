/**
 * What `/healthz` reports: the database and Redis answer, and every part this process started is
 * running. Roles register their parts as they start; the web role serves the report.
 *
 * `/healthz` is unauthenticated, so a failed probe is reported by a code ("unreachable") and its
 * details (a driver's message may name hosts, users, files) go to the log only.
 */
import { errorMessage } from "./errors";
import { withTimeout } from "./lifecycle";
import type { Logger } from "./logger";

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

const PROBE_TIMEOUT_MS = 2000;

export class Health {
  private readonly parts: Array<{ name: string; problem: () => string | null }> = [];

  constructor(
    private readonly probes: Record<string, () => Promise<unknown>>,
    private readonly logger?: Logger,
  ) {}

  /** A part of this process that must be running for the process to be healthy. */
  track(name: string, ready: () => boolean): void {
    this.parts.push({ name, problem: () => (ready() ? null : "not running") });
  }

  /** A part that is running but may be unwell: `problem` says why (e.g. intake stuck on one update), or null. */
  check(name: string, problem: () => string | null): void {
    this.parts.push({ name, problem });
  }

  readonly report = async (): Promise<HealthReport> => {
    const checks: HealthReport["checks"] = {};
    await Promise.all(
      Object.entries(this.probes).map(async ([name, probe]) => {
        try {
          await withTimeout(probe(), PROBE_TIMEOUT_MS, name);
          checks[name] = { ok: true };
        } catch (err) {
          checks[name] = { ok: false, error: "unreachable" };
          this.logger?.warn({ check: name, err: errorMessage(err) }, "health: check failed");
        }
      }),
    );
    for (const part of this.parts) {
      const problem = part.problem();
      checks[part.name] = problem === null ? { ok: true } : { ok: false, error: problem };
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  };
}

/** What a role's start function gets from the process: where to register closing and health. */
export interface RoleContext {
  /** closing steps run in reverse order of registration */
  closer: { add(name: string, close: () => Promise<unknown>): void };
  health: Health;
}
