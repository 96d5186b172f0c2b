/**
 * The web chat widget's own environment variables (README, "Web chat widget"). Enabled by
 * default, so the quickstart's /demo page works with no messaging account at all; the widget may
 * be embedded only on our own origin and the origins WEBCHAT_ALLOWED_ORIGINS lists.
 */
import { z } from "zod";
import { blankToUndefined, booleanFlag, intInRange } from "../../../shared/channel-config";

/** An origin exactly as a browser sends it: scheme, host and port, no path. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  } catch {
    return false;
  }
}

export const webchatEnvSchema = z.object({
  WEBCHAT_ENABLED: booleanFlag(true),
  WEBCHAT_ALLOWED_ORIGINS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => v.split(",").every((o) => isOrigin(o.trim().replace(/\/$/, ""))), {
        message: "must be a comma-separated list of origins such as https://perpustakaan.example.ac.id",
      })
      .optional(),
  ),
  WEBCHAT_MAX_PER_MINUTE: intInRange(1, 1000, 20),
  WEBCHAT_MAX_PER_MINUTE_PER_ADDRESS: intInRange(1, 100_000, 120),
  WEBCHAT_MAX_PER_SECOND: intInRange(1, 10_000, 500),
});

export interface WebchatConfig {
  readonly allowedOrigins: readonly string[];
  readonly perSession: number;
  readonly perAddress: number;
  readonly maxPerSecond: number;
}

export function webchatFromEnv(e: z.output<typeof webchatEnvSchema>): WebchatConfig | undefined {
  if (!e.WEBCHAT_ENABLED) return undefined;
  return {
    allowedOrigins: (e.WEBCHAT_ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim().replace(/\/$/, ""))
      .filter(Boolean),
    perSession: e.WEBCHAT_MAX_PER_MINUTE,
    perAddress: e.WEBCHAT_MAX_PER_MINUTE_PER_ADDRESS,
    maxPerSecond: e.WEBCHAT_MAX_PER_SECOND,
  };
}
