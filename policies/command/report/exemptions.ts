/**
 * Exempted findings as the report shows them: apart from the findings, counted, each with its
 * reason and where it was declared, never silent (compliance-policies#49). The pack decides
 * what is exempted (policies/pack/exemptions.ts); the report only reads its `Exempted:` lines.
 */
import type { ReliabilityReport, ReportFinding, ReportItem } from "./model";

export interface ExemptedFinding {
  item: ReportItem;
  finding: ReportFinding & { exemption: NonNullable<ReportFinding["exemption"]> };
}

export function exemptedFindings(report: ReliabilityReport): ExemptedFinding[] {
  return report.items.flatMap((item) =>
    item.exempted.flatMap((finding) =>
      finding.exemption !== undefined
        ? [{ item, finding: { ...finding, exemption: finding.exemption } }]
        : [],
    ),
  );
}

export type TallyColumn = "pass" | "fail" | "warning" | "exempted";

/**
 * The summary table's counts: an Exempted column only when something is exempted, so a report
 * without exemptions keeps REPORT.md's Pass, Fail, Warning.
 */
export function tallyColumns(report: ReliabilityReport): TallyColumn[] {
  const exempted = report.categories.some((category) => category.exempted > 0);
  return ["pass", "fail", "warning", ...(exempted ? (["exempted"] as const) : [])];
}

export function columnTitle(column: TallyColumn): string {
  return `${column.charAt(0).toUpperCase()}${column.slice(1)}`;
}

/** `, 2 exempted` for the summary line; empty when nothing is exempted. */
export function exemptedCount(report: ReliabilityReport): string {
  const count = exemptedFindings(report).length;
  return count > 0 ? `, ${count} exempted` : "";
}

/** How an exemption reads in a list: its reason, where it was declared, until when. */
export function describeExemption(exemption: NonNullable<ReportFinding["exemption"]>): string {
  const until = exemption.expires !== undefined ? `, until ${exemption.expires}` : ", no expiry";
  return `${exemption.reason} (${exemption.source}${until})`;
}
