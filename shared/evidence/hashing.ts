/**
 * The hashes of the evidence chains (docs/audit.md), pure functions shared by the chainer and
 * verify: a canonical JSON (sorted keys) so a value hashes the same however PostgreSQL orders a
 * jsonb's keys, the content commitment, a chain link and a checkpoint.
 */
import { createHash, createHmac } from "node:crypto";

/** The first link of a chain points at this (and the first checkpoint too). */
export const GENESIS = "0".repeat(64);

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** sha256(salt ‖ canonical content): reveals nothing of the text while the salt is secret or erased. */
export function contentCommitment(salt: Buffer | null, content: unknown): string {
  return createHash("sha256")
    .update(salt ?? Buffer.alloc(0))
    .update(canonicalJson(content))
    .digest("hex");
}

export interface Link {
  source: string;
  rowId: string;
  chain: string;
  seq: number;
  prevHash: string;
  fields: Record<string, unknown>;
  contentCommitment: string;
}

export function rowHash(link: Link): string {
  return sha256(
    canonicalJson([
      link.source,
      link.rowId,
      link.chain,
      link.seq,
      link.prevHash,
      link.fields,
      link.contentCommitment,
    ]),
  );
}

/** An ordered hash of every chain's head: a sorted list, hashed (one hash per chain is small). */
export function headsRoot(heads: Map<string, { seq: number; rowHash: string }>): string {
  const lines = [...heads.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([chain, h]) => `${chain}\t${h.seq}\t${h.rowHash}\n`);
  const hash = createHash("sha256");
  for (const line of lines) hash.update(line);
  return hash.digest("hex");
}

export interface CheckpointBody {
  at: string;
  uptoEvidenceId: string;
  heads: number;
  headsRoot: string;
  prevHash: string;
  floors: Record<string, string>;
}

export function checkpointHash(c: CheckpointBody): string {
  return sha256(canonicalJson([c.at, c.uptoEvidenceId, c.heads, c.headsRoot, c.prevHash, c.floors]));
}

export function checkpointHmac(key: string, hash: string): string {
  return createHmac("sha256", key).update(hash).digest("hex");
}
