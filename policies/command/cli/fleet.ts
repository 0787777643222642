/**
 * `check --all-stacks`: one row per stack of the program, whether it could be checked or its
 * configuration is invalid, and the fleet's exit status (2 over 1 over 0).
 */
import {
  notCheckedSarifRun,
  sarifLog,
  toJsonReport,
  toSarifRun,
  type ReliabilityReport,
  type Verdict,
} from "../report";
import { renderOne, type ResolvedFormat } from "./report-output";
import type { Terminal } from "./terminal";

/** A stack the check ran on, or one it could not run on because its configuration is invalid. */
export type FleetEntry =
  | { stack: string; target?: string; report: ReliabilityReport }
  | { stack: string; target?: string; mode?: string; error: string };

export type FleetExitCode = 0 | 1 | 2;

export interface FleetRow {
  stack: string;
  target: string | null;
  mode: string | null;
  /** Null when the stack could not be checked. */
  verdict: Verdict | null;
  mandatoryFailures: number;
  /** Advisory violations other than "could not verify". */
  advisory: number;
  couldNotVerify: number;
  /** Exempted findings (listed in the stack's report with their reasons). */
  exempted: number;
  exitCode: FleetExitCode;
  /** Why the stack could not be checked, as one line naming the config key. */
  error?: string;
}

/** A multi-line error ("Invalid configuration:\n  - key must ...") as one table-friendly line. */
export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim().replace(/^- /, ""))
    .filter((line) => line !== "")
    .reduce(
      (joined, line) => (joined === "" ? line : `${joined}${joined.endsWith(":") ? " " : "; "}${line}`),
      "",
    );
}

export function fleetRow(entry: FleetEntry): FleetRow {
  if ("error" in entry) {
    return {
      stack: entry.stack,
      target: entry.target ?? null,
      mode: entry.mode ?? null,
      verdict: null,
      mandatoryFailures: 0,
      advisory: 0,
      couldNotVerify: 0,
      exempted: 0,
      exitCode: 2,
      error: oneLine(entry.error),
    };
  }
  const findings = entry.report.items.flatMap((item) => item.findings);
  return {
    stack: entry.stack,
    target: entry.target ?? null,
    mode: entry.report.mode ?? null,
    verdict: entry.report.verdict,
    mandatoryFailures: findings.filter((f) => f.enforcement === "mandatory").length,
    advisory: findings.filter((f) => f.enforcement === "advisory" && f.kind === "violation").length,
    couldNotVerify: findings.filter((f) => f.enforcement === "advisory" && f.kind === "unverifiable").length,
    exempted: entry.report.items.reduce((sum, item) => sum + item.exempted.length, 0),
    exitCode: entry.report.exitCode,
  };
}

/** 2 if any stack's configuration is invalid, else 1 if any mandatory policy failed, else 0. */
export function fleetExitCode(rows: readonly FleetRow[]): FleetExitCode {
  return rows.reduce<FleetExitCode>((worst, row) => (row.exitCode > worst ? row.exitCode : worst), 0);
}

const GATE: Record<FleetExitCode, string> = {
  0: "passes (exit 0)",
  1: "fails (exit 1)",
  2: "not checked (exit 2)",
};

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

export function fleetTable(rows: readonly FleetRow[]): string {
  const lines = rows.map((row) => {
    const verdict =
      row.verdict ?? `Invalid configuration: ${row.error?.replace(/^invalid configuration:\s*/i, "")}`;
    const counts =
      row.verdict === null
        ? ["—", "—", "—", "—"]
        : [row.mandatoryFailures, row.advisory, row.couldNotVerify, row.exempted];
    return `| ${[row.stack, row.target ?? "—", row.mode ?? "—", verdict, ...counts.map(String), GATE[row.exitCode]].map(cell).join(" | ")} |`;
  });
  return [
    "# Fleet summary",
    "",
    "| Stack | Target | Mode | Verdict | Mandatory failures | Advisory | Could not verify | Exempted | Gate |",
    "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ...lines,
    "",
  ].join("\n");
}

function notCheckedMarkdown(stack: string, error: string): string {
  return [
    `# Stack \`${stack}\`: not checked`,
    "",
    "Its configuration is invalid:",
    "",
    "```",
    error,
    "```",
    "",
  ].join("\n");
}

/**
 * Every stack's report in `format`, then the fleet summary (markdown and terminal: last, where
 * it cannot scroll away), or with a `fleet` array (JSON).
 */
export function renderFleet(
  entries: readonly FleetEntry[],
  format: ResolvedFormat,
  terminal: Terminal,
): string {
  const rows = entries.map(fleetRow);
  if (format === "md" || format === "terminal") {
    const sections = entries.map((e) =>
      "error" in e ? notCheckedMarkdown(e.stack, e.error) : renderOne(e.report, format, terminal),
    );
    return [...sections, fleetTable(rows)].join("\n---\n\n");
  }
  if (format === "json") {
    const reports = entries.flatMap((e) => ("error" in e ? [] : [toJsonReport(e.report)]));
    return `${JSON.stringify({ exitCode: fleetExitCode(rows), fleet: rows, reports }, null, 2)}\n`;
  }
  const runs = entries.map((e) =>
    "error" in e ? notCheckedSarifRun(e.stack, e.error) : toSarifRun(e.report),
  );
  return `${JSON.stringify(sarifLog(runs), null, 2)}\n`;
}
