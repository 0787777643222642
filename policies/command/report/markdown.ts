/**
 * The report as a person reads it, in the order of REPORT.md: header, Summary, Findings,
 * What Passed, Deployment Runbook Gaps, Recommendations. Deterministic for a given
 * report (the date is part of the model), so it can be compared with a golden file.
 */
import {
  severityRank,
  type ReliabilityReport,
  type ReportFinding,
  type ReportItem,
  type ReportLocation,
} from "./model";
import { columnTitle, describeExemption, exemptedCount, exemptedFindings, tallyColumns } from "./exemptions";
import { gateLine } from "./gate";

/** `[HIGH-001]`: numbered per severity. */
export function findingLabel(severity: string, index: number): string {
  return `${severity.toUpperCase()}-${String(index).padStart(3, "0")}`;
}

/** Where a finding points, for a person: file:line, else the resource and property. */
export function describeLocation(location: ReportLocation): string {
  if (location.file !== undefined) {
    return `\`${location.file}${location.line !== undefined ? `:${location.line}` : ""}\``;
  }
  const parts: string[] = [];
  if (location.resourceName !== undefined) {
    parts.push(
      `resource \`${location.resourceName}\`${location.resourceType !== undefined ? ` (${location.resourceType})` : ""}`,
    );
  } else if (location.urn !== undefined) {
    parts.push(`resource \`${location.urn}\``);
  }
  if (location.property !== undefined) parts.push(`property \`${location.property}\``);
  return parts.length > 0 ? parts.join(", ") : "the stack as a whole";
}

/** Continuation lines of a list item are indented so multi-line messages stay in their item. */
function listValue(text: string): string {
  return text.split("\n").join("\n  ");
}

interface NumberedFinding {
  label: string;
  item: ReportItem;
  /** The item's first failure; `findings` holds every one (one numbered finding per item). */
  finding: ReportFinding;
  findings: ReportFinding[];
}

/**
 * One numbered finding per failing item, most severe first; within a severity, failures before
 * warnings, then checklist order. "Could not verify" is not a finding of the item's severity: it is
 * listed apart (`unverifiedFindings`).
 */
export function numberFindings(items: readonly ReportItem[]): NumberedFinding[] {
  const entries = items
    .map((item, order) => ({
      item,
      order,
      findings: item.findings
        .filter((f) => f.kind === "violation")
        .sort((a, b) => (a.enforcement === b.enforcement ? 0 : a.enforcement === "mandatory" ? -1 : 1)),
    }))
    .filter((entry) => entry.findings.length > 0);
  entries.sort(
    (a, b) =>
      severityRank(a.item.severity) - severityRank(b.item.severity) ||
      (a.item.status === b.item.status ? 0 : a.item.status === "fail" ? -1 : 1) ||
      a.order - b.order,
  );
  const counters = new Map<string, number>();
  return entries.map(({ item, findings }) => {
    const next = (counters.get(item.severity) ?? 0) + 1;
    counters.set(item.severity, next);
    return {
      label: findingLabel(item.severity, next),
      item,
      finding: findings[0] as ReportFinding,
      findings,
    };
  });
}

/** "Could not verify" findings in checklist order, each with its item. */
export function unverifiedFindings(
  items: readonly ReportItem[],
): { item: ReportItem; finding: ReportFinding }[] {
  return items.flatMap((item) =>
    item.findings.filter((f) => f.kind === "unverifiable").map((finding) => ({ item, finding })),
  );
}

function locationsOf(findings: readonly ReportFinding[]): string {
  const all = findings.flatMap((f) => f.locations).map(describeLocation);
  return [...new Set(all)].join(", ");
}

function header(report: ReliabilityReport): string[] {
  const stack =
    report.stack !== undefined
      ? `\`${report.stack}\`${report.project !== undefined ? ` (project \`${report.project}\`)` : ""}`
      : "not recorded in the events";
  const packs =
    report.policyPacks.length > 0
      ? report.policyPacks.map((p) => (p.version !== "" ? `${p.name} ${p.version}` : p.name)).join(", ")
      : "none recorded in the events";
  return [
    `# ${report.title}`,
    "",
    ...(report.judged !== undefined ? [...report.judged, ""] : []),
    `- Date: ${report.date}`,
    `- Stack: ${stack}`,
    `- Policy pack${report.policyPacks.length === 1 ? "" : "s"}: ${packs}`,
    `- Mode: ${report.mode ?? "not recorded in the events"}`,
  ];
}

function summary(report: ReliabilityReport): string[] {
  const { mandatory, advisory, unverifiable } = report.totals;
  const columns = tallyColumns(report);
  return [
    "### Summary",
    "",
    `| Category | ${columns.map(columnTitle).join(" | ")} |`,
    `| --- |${columns.map(() => " ---: |").join("")}`,
    ...report.categories.map((c) => `| ${c.name} | ${columns.map((column) => c[column]).join(" | ")} |`),
    "",
    `Deployment Reliable: ${report.verdict}`,
    "",
    `Violations: ${mandatory} mandatory, ${advisory} advisory` +
      (unverifiable > 0 ? ` (${unverifiable} could not be verified)` : "") +
      `${exemptedCount(report)}. ${gateLine(report)}`,
  ];
}

function findings(report: ReliabilityReport): string[] {
  const numbered = numberFindings(report.items);
  if (numbered.length === 0) return ["### Findings", "", "No findings."];
  return [
    "### Findings",
    ...numbered.flatMap(({ label, item, findings: all }) => {
      const advisory = all.every((f) => f.enforcement === "advisory")
        ? " (advisory: does not block the deployment)"
        : "";
      const known = all.every((f) => f.inBaseline === true) ? " (in the baseline)" : "";
      const notApplied = [...new Set(all.flatMap((f) => f.exemptionNotApplied ?? []))];
      const source = item.catalogued ? "" : ` (policy pack \`${item.policyPack}\`)`;
      const issue =
        all.length === 1
          ? `- Issue: ${listValue(all[0]?.message ?? "")}${advisory}`
          : [
              `- Issue:${advisory}`,
              ...all.map((f) => `  - ${listValue(f.message)} (${locationsOf([f])})`),
            ].join("\n");
      return [
        "",
        `**[${label}] ${item.title}**${source}${known}`,
        `- Location: ${locationsOf(all)}`,
        issue,
        ...notApplied.map((why) => `- Exemption not applied: ${why}`),
        `- Impact: ${item.impact ?? "Not described by its policy pack."}`,
        `- Fix: ${item.fix ?? "See the documentation of its policy pack."}`,
        `- Test: ${item.verify ?? "Run the preview with the policy pack again; the finding is gone."}`,
      ];
    }),
  ];
}

/** Only when something is exempted: a report without exemptions reads as before. */
function exempted(report: ReliabilityReport): string[] {
  const entries = exemptedFindings(report);
  if (entries.length === 0) return [];
  return [
    `### Exempted Findings (${entries.length})`,
    "",
    ...entries.map(
      ({ item, finding }) =>
        `- [${item.id}] ${item.title} at ${describeLocation(finding.location)}: ${listValue(finding.message)}\n` +
        `  Exempted: ${describeExemption(finding.exemption)}`,
    ),
  ];
}

/** After the failures, apart and unnumbered: what no reviewer could decide from the files. */
function unverified(report: ReliabilityReport): string[] {
  const entries = unverifiedFindings(report.items);
  if (entries.length === 0) return [];
  return [
    "### Could Not Verify",
    "",
    ...entries.map(
      ({ item, finding }) =>
        `- [${item.id}] ${item.title}: ${listValue(finding.message)} (${locationsOf([finding])})`,
    ),
  ];
}

function passed(report: ReliabilityReport): string[] {
  const items = report.items.filter((item) => item.status === "pass");
  return [
    "### What Passed",
    "",
    ...(items.length > 0
      ? items.map((item) => `- [${item.id}] ${item.description ?? item.title} (${item.categoryTitle})`)
      : ["Nothing passed."]),
  ];
}

function runbook(report: ReliabilityReport): string[] {
  return [
    "### Deployment Runbook Gaps",
    "",
    ...report.runbook.map((entry) =>
      entry.command !== undefined
        ? `- ${entry.title}: provided by this deployment: \`${entry.command}\``
        : `- ${entry.title}: **gap**: this deployment provides no command for it.`,
    ),
  ];
}

function recommendations(report: ReliabilityReport): string[] {
  return [
    "### Recommendations",
    "",
    ...(report.recommendations.length > 0
      ? report.recommendations.map(
          (r, i) =>
            `${i + 1}. [${r.itemIds.join(", ")}] ${r.title}${r.status === "warning" ? " (warning)" : ""}: ${r.text}`,
        )
      : ["None: every item passed or did not apply."]),
  ];
}

export function renderMarkdown(report: ReliabilityReport): string {
  const sections = [header, summary, findings, unverified, exempted, passed, runbook, recommendations]
    .map((section) => section(report))
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join("\n"));
  return `${sections.join("\n\n")}\n`;
}
