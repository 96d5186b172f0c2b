/**
 * /metrics as served: this process's counters and the app's scrape-time readings in one text,
 * behind METRICS_TOKEN when it is set. Who may read it is decided here once, for the web role's
 * route and the METRICS_PORT listener alike.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { eventRegistry } from "./events";
import type { Probes } from "./probes";

export interface MetricsEndpoint {
  /** the Prometheus text exposition */
  render(): Promise<{ contentType: string; body: string }>;
  /** null when this Authorization header may read the metrics, else the HTTP status to answer */
  refuse(authorization: string | undefined): 401 | null;
}

export function metricsEndpoint(probes: Probes | undefined, token: string | undefined): MetricsEndpoint {
  // Compared as digests: equal length whatever was sent, and no early exit on the first wrong byte.
  const expected = token ? digest(`Bearer ${token}`) : undefined;
  return {
    async render() {
      const events = await eventRegistry.metrics();
      const readings = probes ? await probes.metrics() : "";
      return { contentType: eventRegistry.contentType, body: `${events}\n${readings}` };
    },
    refuse(authorization) {
      if (!expected) return null;
      return authorization !== undefined && timingSafeEqual(digest(authorization), expected) ? null : 401;
    },
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
