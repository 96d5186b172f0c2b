/**
 * The report's charts as small hand-written SVG, rendered on the server (no chart library, no
 * CDN, nothing to serve). Every label is escaped: channel names and reasons are data.
 */
import { stringify } from "csv-stringify/sync";
import type { ReportRow } from "./report";

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const COLORS = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b"];

export interface Series {
  name: string;
  /** one value per bucket (null: no data) */
  values: (number | null)[];
}

/** Grouped bars: one group per bucket, one bar per series. */
export function barChart(title: string, buckets: string[], series: Series[], unit = ""): string {
  const W = 720;
  const H = 300;
  const left = 50;
  const bottom = 60;
  const top = 40;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const groupW = (W - left - 10) / Math.max(1, buckets.length);
  const barW = Math.max(2, (groupW * 0.8) / Math.max(1, series.length));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${W - 10}" y2="${top + plotH}" stroke="#333"/>`,
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end">${esc(fmt(max) + unit)}</text>`,
    `<text x="${left - 4}" y="${top + plotH}" text-anchor="end">0</text>`,
  ];
  buckets.forEach((bucket, i) => {
    const x0 = left + i * groupW + groupW * 0.1;
    series.forEach((s, j) => {
      const v = s.values[i];
      if (v === null || v === undefined) return;
      const h = (v / max) * plotH;
      parts.push(
        `<rect x="${(x0 + j * barW).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[j % COLORS.length]}"><title>${esc(`${s.name} ${bucket}: ${fmt(v)}${unit}`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(x0 + (groupW * 0.8) / 2).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle">${esc(bucket)}</text>`,
    );
  });
  series.forEach((s, j) => {
    const x = left + j * 150;
    parts.push(
      `<rect x="${x}" y="${H - 20}" width="10" height="10" fill="${COLORS[j % COLORS.length]}"/>`,
      `<text x="${x + 14}" y="${H - 11}">${esc(s.name)}</text>`,
    );
  });
  parts.push("</svg>\n");
  return parts.join("\n");
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Sum rows over channels (or keep one channel), per bucket, in bucket order. */
export function byBucket(rows: ReportRow[], channel?: string) {
  const buckets = [...new Set(rows.map((r) => r.bucket))].sort();
  const pick = (b: string) => rows.filter((r) => r.bucket === b && (!channel || r.channel === channel));
  return { buckets, pick };
}

export const REPORT_CHARTS = ["volume", "response", "renewals"] as const;
export type ReportChart = (typeof REPORT_CHARTS)[number];

export function chart(kind: ReportChart, rows: ReportRow[], lang: "id" | "en"): string {
  const { buckets, pick } = byBucket(rows);
  const sum = (f: (r: ReportRow) => number) => buckets.map((b) => pick(b).reduce((n, r) => n + f(r), 0));
  const t = (id: string, en: string) => (lang === "id" ? id : en);
  if (kind === "volume")
    return barChart(t("Percakapan", "Conversations"), buckets, [
      { name: t("dijawab bot", "bot only"), values: sum((r) => r.conversations - r.handoffs) },
      { name: t("ke pustakawan", "handed off"), values: sum((r) => r.handoffs) },
      { name: t("tak terjawab", "unanswered"), values: sum((r) => r.unanswered) },
    ]);
  if (kind === "response") {
    // over all channels: the worst channel's figure (a median of medians would mislead)
    const worst = (f: (r: ReportRow) => number | null) =>
      buckets.map((b) => {
        const vs = pick(b)
          .map(f)
          .filter((v): v is number => v !== null);
        return vs.length ? Math.max(...vs) : null;
      });
    return barChart(
      t("Respons pertama pustakawan (menit layanan)", "First librarian response (service minutes)"),
      buckets,
      [
        { name: t("median", "median"), values: worst((r) => r.firstResponseMedianMin) },
        { name: "p90", values: worst((r) => r.firstResponseP90Min) },
      ],
      " min",
    );
  }
  return barChart(t("Perpanjangan dan tautan", "Renewals and links"), buckets, [
    { name: t("diperpanjang", "renewed"), values: sum((r) => r.renewalsDone) },
    {
      name: t("ditolak", "refused"),
      values: sum((r) => Object.values(r.renewalsRefused).reduce((a, b) => a + b, 0)),
    },
    { name: t("tautan", "links"), values: sum((r) => r.links) },
  ]);
}

export const REPORT_COLUMNS = [
  "period_start",
  "channel",
  "conversations",
  "messages",
  "bot_share",
  "handoffs",
  "first_response_median_min",
  "first_response_p90_min",
  "unanswered",
  "renewals_done",
  "renewals_refused",
  "renewals_refused_by_reason",
  "links",
] as const;

/** The report as CSV (UTF-8 with a BOM, like the export). */
export function reportCsv(rows: ReportRow[]): string {
  return (
    "\uFEFF" +
    stringify(
      [
        [...REPORT_COLUMNS],
        ...rows.map((r) => [
          r.bucket,
          r.channel,
          r.conversations,
          r.messages,
          r.botShare === null ? "" : r.botShare.toFixed(3),
          r.handoffs,
          r.firstResponseMedianMin ?? "",
          r.firstResponseP90Min ?? "",
          r.unanswered,
          r.renewalsDone,
          Object.values(r.renewalsRefused).reduce((a, b) => a + b, 0),
          Object.entries(r.renewalsRefused)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => `${k}=${v}`)
            .join(" "),
          r.links,
        ]),
      ],
      { record_delimiter: "\r\n" },
    )
  );
}
