/** The gate's one line, the last thing a person or a CI log needs to read. */
import type { ReliabilityReport } from "./model";

export function gateLine(report: ReliabilityReport): string {
  const outcome = `Gate: ${report.exitCode === 0 ? "passes" : "fails"} (exit ${report.exitCode})`;
  const baseline = report.baseline;
  if (baseline === undefined) return `${outcome}.`;
  return (
    `${outcome}, counting only findings new since the baseline: ${baseline.new} new, ` +
    `${baseline.known} in the baseline, ${baseline.fixed} fixed since.`
  );
}
