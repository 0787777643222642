/**
 * The report for a person at a terminal: the findings first, then what was exempted, then the
 * summary table, and the verdict and gate LAST, where the screen ends and the eye lands (in the
 * markdown the verdict sits at the top, 450 lines up by the end of a run). Colour only when
 * asked (a TTY without NO_COLOR); the markdown stays the format for files, pipes and CI.
 */
import { createColors } from "picocolors";
import {
  columnTitle,
  describeExemption,
  describeLocation,
  exemptedFindings,
  gateLine,
  numberFindings,
  type ReliabilityReport,
  tallyColumns,
  type TallyColumn,
  unverifiedFindings,
} from "../report";

type Colors = ReturnType<typeof createColors>;

/** Markdown's backticks mean nothing in a terminal. */
function plain(text: string): string {
  return text.replace(/`/g, "");
}

function indent(text: string, by = "    "): string {
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? line : `${by}${line}`))
    .join("\n");
}

function header(report: ReliabilityReport, c: Colors): string[] {
  const stack = report.stack !== undefined ? `stack ${report.stack}` : "stack not recorded";
  const mode = report.mode !== undefined ? `, ${report.mode} mode` : "";
  return [c.bold(`${report.title}: ${stack}${mode} (${report.date})`), ""];
}

function findings(report: ReliabilityReport, c: Colors): string[] {
  const numbered = numberFindings(report.items);
  if (numbered.length === 0) return [c.green("No findings."), ""];
  return numbered.flatMap(({ label, item, findings: all }) => {
    const mandatory = all.some((f) => f.enforcement === "mandatory");
    const tag = mandatory ? c.red(`[${label}]`) : c.yellow(`[${label}]`);
    const level = mandatory ? c.red("blocks the deployment") : c.dim("advisory");
    const known = all.every((f) => f.inBaseline === true) ? c.dim(" (in the baseline)") : "";
    // One problem, every place it occurs: each occurrence's places, then its text.
    const occurrences = all.flatMap((finding) => [
      ...finding.locations.map((location) => `    at ${plain(describeLocation(location))}`),
      `    ${indent(finding.message)}`,
      ...(finding.exemptionNotApplied !== undefined
        ? [`    ${c.yellow("exemption not applied:")} ${finding.exemptionNotApplied}`]
        : []),
    ]);
    return [
      `${tag} ${c.bold(item.title)} ${c.dim(`(${item.id})`)}: ${level}${known}`,
      ...occurrences,
      ...(item.fix !== undefined ? [`    ${c.cyan("fix:")} ${indent(plain(item.fix))}`] : []),
      "",
    ];
  });
}

/** After the findings, apart and unnumbered: what no reviewer could decide from the files. */
function unverified(report: ReliabilityReport, c: Colors): string[] {
  const entries = unverifiedFindings(report.items);
  if (entries.length === 0) return [];
  return [
    c.bold(`Could not verify (${entries.length}):`),
    ...entries.flatMap(({ item, finding }) => [
      `  ${c.dim(`[${item.id}]`)} ${item.title}: ${indent(plain(finding.message))}`,
      ...finding.locations.map((location) => `    at ${plain(describeLocation(location))}`),
    ]),
    "",
  ];
}

function exempted(report: ReliabilityReport, c: Colors): string[] {
  const entries = exemptedFindings(report);
  if (entries.length === 0) return [];
  return [
    c.bold(`Exempted (${entries.length}):`),
    ...entries.flatMap(({ item, finding }) => [
      `  ${c.dim(`[${item.id}]`)} ${item.title} at ${plain(describeLocation(finding.location))}`,
      `    ${c.dim("exempted:")} ${describeExemption(finding.exemption)}`,
    ]),
    "",
  ];
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function summary(report: ReliabilityReport, c: Colors): string[] {
  const width = Math.max(8, ...report.categories.map((row) => row.name.length));
  const columns = tallyColumns(report);
  const paint: Record<TallyColumn, (s: string) => string> = {
    pass: c.green,
    fail: c.red,
    warning: c.yellow,
    exempted: c.cyan,
  };
  const count = (n: number, column: TallyColumn): string =>
    n > 0 ? paint[column](pad(String(n), 7, true)) : pad("0", 7, true);
  return [
    c.bold(
      `${pad("Category", width)} ${columns.map((column) => pad(columnTitle(column), 7, true)).join(" ")}`,
    ),
    ...report.categories.map(
      (row) => `${pad(row.name, width)} ${columns.map((column) => count(row[column], column)).join(" ")}`,
    ),
    "",
  ];
}

function verdict(report: ReliabilityReport, c: Colors): string[] {
  const { mandatory, advisory, unverifiable } = report.totals;
  const exemptedCount = exemptedFindings(report).length;
  const paint = report.verdict === "Yes" ? c.green : report.verdict === "No" ? c.red : c.yellow;
  const counts =
    `Violations: ${mandatory} mandatory, ${advisory} advisory` +
    (unverifiable > 0 ? ` (${unverifiable} could not be verified)` : "") +
    (exemptedCount > 0 ? `, ${exemptedCount} exempted` : "") +
    ".";
  const gate = gateLine(report);
  return [
    counts,
    c.bold(paint(`Deployment Reliable: ${report.verdict}`)),
    c.bold(report.exitCode === 0 ? c.green(gate) : c.red(gate)),
  ];
}

export function renderTerminal(report: ReliabilityReport, colour: boolean): string {
  const c = createColors(colour);
  return `${[header, findings, unverified, exempted, summary, verdict].flatMap((section) => section(report, c)).join("\n")}\n`;
}
