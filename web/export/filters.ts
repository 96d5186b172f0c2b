/**
 * What an auditor may ask an export for, validated once (CLI flags and HTTP query alike): whole
 * days in the library's zone, both ends inclusive, and optional channel, librarian, member ID and
 * conversation. A bad value is a clear error naming the field, before anything is read.
 */
import { z } from "zod";
import { CHANNELS } from "../../shared/envelope";
import { isIsoDate } from "../../shared/time/calendar";

/** csv and jsonl: one row per record; html and pdf: the printable transcript of the same records */
export const EXPORT_FORMATS = ["csv", "jsonl", "html", "pdf"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type TranscriptFormat = Extract<ExportFormat, "html" | "pdf">;
export const isTranscript = (f: ExportFormat): f is TranscriptFormat => f === "html" || f === "pdf";

const day = z.string().refine(isIsoDate, "must be a date YYYY-MM-DD");
const id = z.coerce.number().int().positive();

export const exportFiltersSchema = z
  .object({
    from: day,
    to: day,
    channel: z.enum(CHANNELS).optional(),
    /** a staff member's username: conversations they were assigned or wrote in */
    librarian: z.string().min(1).max(100).optional(),
    memberId: z.string().min(1).max(100).optional(),
    conversation: id.optional(),
  })
  .strict()
  .refine((f) => f.from <= f.to, { message: "from must not be after to", path: ["from"] });

export type ExportFilters = z.infer<typeof exportFiltersSchema>;

export class ExportInputError extends Error {}

/** Parse or throw an ExportInputError whose message names the bad field. */
export function parseFilters(input: Record<string, unknown>): ExportFilters {
  const result = exportFiltersSchema.safeParse(
    Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join(".") || "filters";
  throw new ExportInputError(`${field}: ${issue.message}`);
}
