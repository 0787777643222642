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
import { describeExemption, exemptedCount, exemptedFindings } from "./exemptions";
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
  finding: ReportFinding;
}

/** Most severe first; within a severity, failures before warnings, then checklist order. */
export function numberFindings(items: readonly ReportItem[]): NumberedFinding[] {
  const entries = items.flatMap((item, order) =>
    item.findings.map((finding, index) => ({ item, finding, order, index })),
  );
  entries.sort(
    (a, b) =>
      severityRank(a.item.severity) - severityRank(b.item.severity) ||
      (a.item.status === b.item.status ? 0 : a.item.status === "fail" ? -1 : 1) ||
      (a.finding.enforcement === b.finding.enforcement
        ? 0
        : a.finding.enforcement === "mandatory"
          ? -1
          : 1) ||
      a.order - b.order ||
      a.index - b.index,
  );
  const counters = new Map<string, number>();
  return entries.map(({ item, finding }) => {
    const next = (counters.get(item.severity) ?? 0) + 1;
    counters.set(item.severity, next);
    return { label: findingLabel(item.severity, next), item, finding };
  });
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
  return [
    "### Summary",
    "",
    "| Category | Pass | Fail | Warning |",
    "| --- | ---: | ---: | ---: |",
    ...report.categories.map((c) => `| ${c.name} | ${c.pass} | ${c.fail} | ${c.warning} |`),
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
    ...numbered.flatMap(({ label, item, finding }) => {
      const advisory = finding.enforcement === "advisory" ? " (advisory: does not block the deployment)" : "";
      const known = finding.inBaseline === true ? " (in the baseline)" : "";
      const source = item.catalogued ? "" : ` (policy pack \`${item.policyPack}\`)`;
      return [
        "",
        `**[${label}] ${item.title}**${source}${known}`,
        `- Location: ${describeLocation(finding.location)}`,
        `- Issue: ${listValue(finding.message)}${advisory}`,
        ...(finding.exemptionNotApplied !== undefined
          ? [`- Exemption not applied: ${finding.exemptionNotApplied}`]
          : []),
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
  const sections = [header, summary, findings, exempted, passed, runbook, recommendations]
    .map((section) => section(report))
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join("\n"));
  return `${sections.join("\n\n")}\n`;
}
