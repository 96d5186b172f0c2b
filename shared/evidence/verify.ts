/**
 * audit:verify (docs/audit.md): recomputes every chain and checkpoint and compares each chained
 * row with the row in its table now. Reports every finding with the row it names; `ok` only when
 * there is none. Reads in pages (keyset over (chain, seq)), so memory stays bounded by a page and
 * one head per chain.
 *
 * What it finds:
 *   edited      a chained row's immutable fields differ (which, chained and now), or its text/meta
 *               no longer match the commitment
 *   deleted     a chained row is gone (a conversation missing a seq or its last messages is a
 *               warning: see VerifyReport.warnings)
 *   inserted    a row not chained although older than the chainer's window, or chained with a
 *               time earlier than the message before it (back-dated)
 *   chain       an evidence link was changed, removed or reordered
 *   checkpoint  a checkpoint does not match the heads it sealed, its predecessor, or its HMAC
 */
import type { Sql } from "../db";
import { UTC_TEXT } from "./chainer";
import { checkpointHash, checkpointHmac, contentCommitment, GENESIS, headsRoot, rowHash } from "./hashing";
import { EVIDENCE_SOURCE_SPECS, type EvidenceSourceSpec, type SourceRow } from "./sources";

export type IssueKind = "edited" | "deleted" | "inserted" | "chain" | "checkpoint";

export interface VerifyIssue {
  kind: IssueKind;
  source?: string;
  rowId?: string;
  chain?: string;
  detail: string;
  differs?: Array<{ field: string; chained: unknown; now: unknown }>;
}

export interface VerifyReport {
  ok: boolean;
  checkedAt: string;
  chainedRows: number;
  chains: number;
  checkpoints: number;
  /** chained rows no checkpoint seals yet (the newest: normal) */
  unsealed: number;
  issues: VerifyIssue[];
  /**
   * Worth a look, not proof: a conversation whose seq has a hole or whose count runs past its
   * last message may have lost a message before it was chained (the window), but the service
   * also numbers a message it then does not write (a deduplicated notice). Verify does not fail on them.
   */
  warnings: VerifyIssue[];
}

export interface VerifyOptions {
  /** HMAC key for checkpoints; when given, every checkpoint must carry a valid HMAC */
  checkpointKey?: string | undefined;
  /** a row younger than this may not be chained yet (the chainer's window) */
  graceMs?: number;
  /** how much earlier than the message before it a chained message may be dated (commit order) */
  backdateToleranceMs?: number;
  pageSize?: number;
  /** stop collecting after this many issues (the report says so) */
  maxIssues?: number;
}

interface EvidenceRow {
  id: string;
  source: string;
  row_id: string;
  chain: string;
  seq: number;
  prev_hash: string;
  fields: Record<string, unknown>;
  content_salt: Buffer | null;
  content_commitment: string;
  row_hash: string;
}

const SPECS = new Map(EVIDENCE_SOURCE_SPECS.map((s) => [s.source as string, s]));

export async function verifyEvidence(sql: Sql, options: VerifyOptions = {}): Promise<VerifyReport> {
  const maxIssues = options.maxIssues ?? 1000;
  const issues: VerifyIssue[] = [];
  const add = (issue: VerifyIssue) => {
    if (issues.length < maxIssues) issues.push(issue);
  };
  const pageSize = options.pageSize ?? 2000;
  const tolerance = options.backdateToleranceMs ?? 60_000;
  let chainedRows = 0;
  let chains = 0;

  // 1. Every chain, link by link, against the rows as they are now.
  let cursor: { chain: string; seq: number } | null = null;
  let current: { chain: string; seq: number; rowHash: string; createdAt: number | null } | null = null;
  for (;;) {
    const result: { rows: EvidenceRow[] } = await sql.query<EvidenceRow>(
      `SELECT id::text, source, row_id::text, chain, seq, prev_hash, fields, content_salt, content_commitment, row_hash
       FROM evidence_hash ${cursor ? "WHERE (chain, seq) > ($1, $2)" : ""} ORDER BY chain, seq LIMIT ${pageSize}`,
      cursor ? [cursor.chain, cursor.seq] : [],
    );
    const page: EvidenceRow[] = result.rows;
    if (page.length === 0) break;
    const now = await sourceRowsOf(sql, page);
    for (const e of page) {
      chainedRows += 1;
      if (!current || current.chain !== e.chain) {
        chains += 1;
        current = { chain: e.chain, seq: 0, rowHash: GENESIS, createdAt: null };
      }
      checkLink(e, current, add);
      const spec = SPECS.get(e.source);
      const row = now.get(`${e.source}:${e.row_id}`);
      if (!spec)
        add({ kind: "chain", chain: e.chain, rowId: e.row_id, detail: `unknown source ${e.source}` });
      else if (!row)
        add({
          kind: "deleted",
          source: e.source,
          rowId: e.row_id,
          chain: e.chain,
          detail: `${describe(e)} was deleted`,
        });
      else checkRow(e, spec, row, add);
      const createdAt = typeof e.fields.created_at === "string" ? Date.parse(e.fields.created_at) : null;
      if (
        e.source === "message" &&
        createdAt !== null &&
        current.createdAt !== null &&
        createdAt < current.createdAt - tolerance
      )
        add({
          kind: "inserted",
          source: e.source,
          rowId: e.row_id,
          chain: e.chain,
          detail: `${describe(e)} is dated ${String(e.fields.created_at)}, before the message chained ahead of it: inserted out of band (back-dated)`,
        });
      current = {
        chain: e.chain,
        seq: e.seq,
        rowHash: e.row_hash,
        // Only messages date the chain: a note is chained at once, while an inbound message waits
        // to be handled, so a note may well be chained ahead of an older message.
        createdAt: (e.source === "message" ? createdAt : null) ?? current.createdAt,
      };
    }
    const last: EvidenceRow = page[page.length - 1]!;
    cursor = { chain: last.chain, seq: last.seq };
  }

  // 2. Rows the chainer should have linked by now and did not: written out of band (or it is not running).
  for (const spec of EVIDENCE_SOURCE_SPECS) {
    const { rows } = await sql.query(
      `${spec.select(`${spec.ready} AND NOT EXISTS (SELECT 1 FROM evidence_hash e WHERE e.source = '${spec.source}' AND e.row_id = t.id)
         AND t.${spec.timeColumn} < now() - make_interval(secs => $1)`)} ORDER BY t.id LIMIT ${maxIssues}`,
      [(options.graceMs ?? 60_000) / 1000],
    );
    for (const r of rows) {
      const row = spec.toRow(r);
      add({
        kind: "inserted",
        source: spec.source,
        rowId: row.id,
        chain: row.chain,
        detail: `${spec.source} ${row.id} is in no chain: inserted out of band, or the chainer is not running`,
      });
    }
  }

  // 3. Messages removed before they were chained leave a hole in their conversation's seq (warnings).
  const warnings: VerifyIssue[] = [];
  const { rows: holes } = await sql.query<{ conversation_id: number; seq: number }>(
    `SELECT m.conversation_id, m.seq - 1 AS seq FROM message m
     WHERE m.seq > 1 AND NOT EXISTS (SELECT 1 FROM message p WHERE p.conversation_id = m.conversation_id AND p.seq = m.seq - 1)
     ORDER BY 1, 2 LIMIT ${maxIssues}`,
  );
  for (const h of holes)
    warnings.push({
      kind: "deleted",
      source: "message",
      chain: `c:${h.conversation_id}`,
      detail: `conversation ${h.conversation_id} has no message with seq ${h.seq}`,
    });
  const { rows: tails } = await sql.query<{ id: number; last_seq: number; max_seq: number | null }>(
    `SELECT c.id, c.last_seq, max(m.seq) AS max_seq FROM conversation c JOIN message m ON m.conversation_id = c.id
     GROUP BY c.id HAVING c.last_seq > max(m.seq) ORDER BY c.id LIMIT ${maxIssues}`,
  );
  for (const t of tails)
    warnings.push({
      kind: "deleted",
      source: "message",
      chain: `c:${t.id}`,
      detail: `conversation ${t.id} numbered ${t.last_seq} messages but its last is seq ${t.max_seq}`,
    });

  // 4. Checkpoints: each seals the heads that moved since the one before, and chains to it.
  const checkpoints = await verifyCheckpoints(sql, options.checkpointKey, add);
  const { rows: unsealed } = await sql.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM evidence_hash
     WHERE id > coalesce((SELECT max(upto_evidence_id) FROM evidence_checkpoint), 0)`,
  );
  const { rows: at } = await sql.query<{ at: string }>(`SELECT ${UTC_TEXT("now()")} AS at`);
  if (issues.length >= maxIssues)
    issues.push({ kind: "chain", detail: `stopped listing after ${maxIssues} findings` });
  return {
    ok: issues.length === 0,
    checkedAt: at[0]!.at,
    chainedRows,
    chains,
    checkpoints,
    unsealed: Number(unsealed[0]!.n),
    issues,
    warnings,
  };
}

function describe(e: EvidenceRow): string {
  const f = e.fields;
  if (e.source === "message")
    return `message ${e.row_id} (conversation ${String(f.conversation_id)}, seq ${String(f.seq)})`;
  if (e.source === "staff_note")
    return `staff note ${e.row_id} (conversation ${String(f.conversation_id)}, by staff ${String(f.staff_id)})`;
  if (e.source === "media")
    return `file media ${e.row_id} (${String(f.mime_type)}, ${String(f.size)} bytes, sha256 ${String(f.sha256).slice(0, 12)}…)`;
  return `${e.source} ${e.row_id}`;
}

function checkLink(
  e: EvidenceRow,
  previous: { chain: string; seq: number; rowHash: string },
  add: (i: VerifyIssue) => void,
): void {
  const recomputed = rowHash({
    source: e.source,
    rowId: e.row_id,
    chain: e.chain,
    seq: e.seq,
    prevHash: e.prev_hash,
    fields: e.fields,
    contentCommitment: e.content_commitment,
  });
  if (recomputed !== e.row_hash)
    add({
      kind: "chain",
      source: e.source,
      rowId: e.row_id,
      chain: e.chain,
      detail: `evidence link ${e.chain}#${e.seq} (${describe(e)}) was altered`,
    });
  if (e.seq !== previous.seq + 1)
    add({
      kind: "chain",
      source: e.source,
      rowId: e.row_id,
      chain: e.chain,
      detail: `evidence links ${e.chain}#${previous.seq + 1}..${e.seq - 1} are missing`,
    });
  else if (e.prev_hash !== previous.rowHash)
    add({
      kind: "chain",
      source: e.source,
      rowId: e.row_id,
      chain: e.chain,
      detail: `evidence link ${e.chain}#${e.seq} does not follow the link before it`,
    });
}

function checkRow(
  e: EvidenceRow,
  spec: EvidenceSourceSpec,
  row: SourceRow,
  add: (i: VerifyIssue) => void,
): void {
  const differs = Object.keys(e.fields)
    .filter((f) => JSON.stringify(e.fields[f]) !== JSON.stringify(row.fields[f] ?? null))
    .map((f) => ({ field: f, chained: e.fields[f], now: row.fields[f] ?? null }));
  if (row.chain !== e.chain) differs.push({ field: "chain", chained: e.chain, now: row.chain });
  if (differs.length)
    add({
      kind: "edited",
      source: e.source,
      rowId: e.row_id,
      chain: e.chain,
      detail: `${describe(e)} was edited: ${differs.map((d) => d.field).join(", ")}`,
      differs,
    });
  if (row.problem)
    add({
      kind: "edited",
      source: e.source,
      rowId: e.row_id,
      chain: e.chain,
      detail: `${describe(e)} was edited: ${row.problem}`,
    });
  if (!spec.salted) {
    if (contentCommitment(null, row.content) !== e.content_commitment)
      add({
        kind: "edited",
        source: e.source,
        rowId: e.row_id,
        chain: e.chain,
        detail: `${describe(e)}: content differs`,
      });
    return;
  }
  if (e.content_salt) {
    if (contentCommitment(e.content_salt, row.content) !== e.content_commitment)
      add({
        kind: "edited",
        source: e.source,
        rowId: e.row_id,
        chain: e.chain,
        detail: `${describe(e)} was edited: ${CONTENT_NAMES[e.source] ?? "its content"} differ from what was chained`,
        differs: [
          { field: CONTENT_FIELDS[e.source] ?? "content", chained: "(commitment)", now: "(does not match)" },
        ],
      });
    // Erasure goes through the database's own functions, which erase the salt with the content.
    else if (row.anonymised)
      add({
        kind: "edited",
        source: e.source,
        rowId: e.row_id,
        chain: e.chain,
        detail: `${describe(e)} was erased outside retention (its salt was kept)`,
      });
  } else if (!row.anonymised) {
    add({
      kind: "edited",
      source: e.source,
      rowId: e.row_id,
      chain: e.chain,
      detail: `${describe(e)}: its salt was erased but the row is not anonymised (its content can no longer be proved)`,
    });
  }
}

/** What a salted commitment covers, by source, for the finding's wording. */
const CONTENT_NAMES: Record<string, string> = {
  message: "its text or meta",
  staff_note: "its text",
  media: "its file name",
};
const CONTENT_FIELDS: Record<string, string> = {
  message: "text/meta",
  staff_note: "text",
  media: "file_name",
};

async function sourceRowsOf(sql: Sql, page: EvidenceRow[]): Promise<Map<string, SourceRow>> {
  const out = new Map<string, SourceRow>();
  for (const spec of EVIDENCE_SOURCE_SPECS) {
    const ids = page.filter((e) => e.source === spec.source).map((e) => e.row_id);
    if (ids.length === 0) continue;
    const { rows } = await sql.query(spec.select(`t.id = ANY($1::bigint[])`), [ids]);
    for (const r of rows) {
      const row = spec.toRow(r);
      out.set(`${spec.source}:${row.id}`, row);
    }
  }
  return out;
}

interface CheckpointRow {
  id: string;
  at: string;
  upto_evidence_id: string;
  heads: number;
  heads_root: string;
  prev_hash: string;
  checkpoint_hash: string;
  hmac: string | null;
  floors: Record<string, string>;
}

async function verifyCheckpoints(
  sql: Sql,
  key: string | undefined,
  add: (i: VerifyIssue) => void,
): Promise<number> {
  let count = 0;
  let prev: CheckpointRow | null = null;
  let lastId = "0";
  for (;;) {
    const { rows }: { rows: CheckpointRow[] } = await sql.query<CheckpointRow>(
      `SELECT id::text, ${UTC_TEXT("at")} AS at, upto_evidence_id::text, heads, heads_root, prev_hash, checkpoint_hash, hmac, floors
       FROM evidence_checkpoint c WHERE c.id > $1 ORDER BY c.id LIMIT 500`,
      [lastId],
    );
    if (rows.length === 0) return count;
    for (const c of rows) {
      count += 1;
      const name = `checkpoint ${c.id}`;
      const from = prev?.upto_evidence_id ?? "0";
      const { rows: moved } = await sql.query<{ chain: string; seq: number; row_hash: string }>(
        `SELECT DISTINCT ON (chain) chain, seq, row_hash FROM evidence_hash
         WHERE id > $1 AND id <= $2 ORDER BY chain, seq DESC`,
        [from, c.upto_evidence_id],
      );
      const heads = new Map(moved.map((m) => [m.chain, { seq: m.seq, rowHash: m.row_hash }]));
      if (heads.size !== c.heads || headsRoot(heads) !== c.heads_root)
        add({
          kind: "checkpoint",
          detail: `${name} sealed ${c.heads} chain heads that no longer match the evidence links ${from}..${c.upto_evidence_id} (a link was changed or removed)`,
        });
      const hash = checkpointHash({
        at: c.at,
        uptoEvidenceId: c.upto_evidence_id,
        heads: c.heads,
        headsRoot: c.heads_root,
        prevHash: c.prev_hash,
        floors: c.floors,
      });
      if (hash !== c.checkpoint_hash) add({ kind: "checkpoint", detail: `${name} was altered` });
      if (c.prev_hash !== (prev?.checkpoint_hash ?? GENESIS))
        add({
          kind: "checkpoint",
          detail: `${name} does not follow the checkpoint before it (one was removed or inserted)`,
        });
      if (key && c.hmac !== checkpointHmac(key, c.checkpoint_hash))
        add({ kind: "checkpoint", detail: `${name}: its HMAC is ${c.hmac ? "wrong" : "missing"}` });
      prev = c;
      lastId = c.id;
    }
  }
}
