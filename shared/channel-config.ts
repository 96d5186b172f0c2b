/**
 * What the config loader needs to know of a channel, without shared/ importing bot/: the
 * channel's own environment variables (a zod schema, with its cross-checks) and how they turn
 * into the channel's config. bot/channels/* describe themselves with this shape (their
 * ChannelDescriptor extends it); main.ts hands the registry to loadConfig.
 *
 * The helpers below are the ones every variable uses, so a channel's variables are refused in
 * the same words as the rest ("must be a whole number", "must be a URL starting with …").
 */
import { z } from "zod";
import type { ChannelName } from "./envelope";

export interface ChannelConfigSpec<S extends z.ZodType = z.ZodType, C = unknown> {
  readonly name: ChannelName;
  /** the channel's variables: defaults, formats and cross-checks (webhook mode needs a URL) */
  readonly schema: S;
  /** the parsed variables → the channel's config; undefined when the channel is not configured */
  fromEnv(parsedEnv: z.output<S>): C | undefined;
}

export const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const urlWithProtocols = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}` },
  );

export const intInRange = (min: number, max: number, fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: "must be a whole number" })
      .int({ message: "must be a whole number" })
      .min(min, { message: `must be at least ${min}` })
      .max(max, { message: `must be at most ${max}` })
      .default(fallback),
  );

export const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
      .default(fallback ? "true" : "false")
      .transform((v) => v === "true" || v === "1" || v === "yes"),
  );

export const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
