/** A verify report as lines for a terminal (the CLI) — the console shows the same findings. */
import type { VerifyReport } from "./verify";

export function reportLines(report: VerifyReport): string[] {
  const head = report.ok
    ? `audit:verify OK at ${report.checkedAt}: ${report.chainedRows} rows in ${report.chains} chains, ${report.checkpoints} checkpoints, ${report.unsealed} rows not yet sealed`
    : `audit:verify FAILED at ${report.checkedAt}: ${report.issues.length} finding(s) over ${report.chainedRows} rows in ${report.chains} chains, ${report.checkpoints} checkpoints`;
  const lines = [head];
  for (const issue of report.issues) {
    lines.push(`  ${issue.kind.padEnd(10)} ${issue.detail}`);
    for (const d of issue.differs ?? [])
      lines.push(
        `             ${d.field}: chained ${JSON.stringify(d.chained)}, now ${JSON.stringify(d.now)}`,
      );
  }
  for (const w of report.warnings) lines.push(`  warning    ${w.detail}`);
  return lines;
}
