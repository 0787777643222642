/**
 * Baselines, as Checkov's: `check --write-baseline FILE` records today's open findings;
 * `check --baseline FILE` then fails the gate only on mandatory findings the file does not
 * list, so a team can adopt the gate before fixing every old finding. Findings are matched by
 * fingerprint (fingerprint.ts), per stack.
 */
import { describeLocation } from "./markdown";
import { fingerprints } from "./fingerprint";
import type { ReliabilityReport, ReportFinding } from "./model";

export interface BaselineEntry {
  fingerprint: string;
  stack: string | null;
  /** For the people who review the file; matching uses the fingerprint only. */
  id: string;
  location: string;
  message: string;
}

export interface Baseline {
  version: 1;
  tool: "agency-deploy";
  findings: BaselineEntry[];
}

/** A baseline file that cannot be read; the message names the file and what is wrong. */
export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaselineError";
  }
}

/** Every open finding (not exempted ones: their exemption already says why) of every report. */
export function baselineOf(reports: readonly ReliabilityReport[]): Baseline {
  const findings: BaselineEntry[] = [];
  for (const report of reports) {
    const prints = fingerprints(report);
    for (const item of report.items) {
      for (const finding of item.findings) {
        findings.push({
          fingerprint: prints.get(finding) ?? "",
          stack: report.stack ?? null,
          id: item.id,
          location: describeLocation(finding.location).replace(/`/g, ""),
          message: finding.message.split("\n")[0] ?? "",
        });
      }
    }
  }
  return { version: 1, tool: "agency-deploy", findings };
}

export function renderBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseBaseline(text: string, file: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${file} is not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(doc) || doc.tool !== "agency-deploy" || doc.version !== 1 || !Array.isArray(doc.findings)) {
    throw new BaselineError(
      `${file} is not an agency-deploy baseline (version 1); write one with check --write-baseline`,
    );
  }
  const findings = doc.findings.map((entry: unknown, index): BaselineEntry => {
    if (!isRecord(entry) || typeof entry.fingerprint !== "string" || entry.fingerprint === "") {
      throw new BaselineError(`${file}: findings[${index}].fingerprint must be a non-empty string`);
    }
    return {
      fingerprint: entry.fingerprint,
      stack: typeof entry.stack === "string" ? entry.stack : null,
      id: typeof entry.id === "string" ? entry.id : "",
      location: typeof entry.location === "string" ? entry.location : "",
      message: typeof entry.message === "string" ? entry.message : "",
    };
  });
  return { version: 1, tool: "agency-deploy", findings };
}

/** The report with each open finding marked known or new, and the gate counting new ones only. */
export function applyBaseline(report: ReliabilityReport, baseline: Baseline): ReliabilityReport {
  const stack = report.stack ?? null;
  const known = new Set(baseline.findings.filter((e) => e.stack === stack).map((e) => e.fingerprint));
  const prints = fingerprints(report);
  const found = new Set<string>();
  let newFindings = 0;
  let mandatoryNew = false;
  const mark = (finding: ReportFinding): ReportFinding => {
    const print = prints.get(finding) ?? "";
    const inBaseline = known.has(print);
    if (inBaseline) found.add(print);
    else {
      newFindings += 1;
      if (finding.enforcement === "mandatory") mandatoryNew = true;
    }
    return { ...finding, inBaseline };
  };
  const items = report.items.map((item) => ({ ...item, findings: item.findings.map(mark) }));
  return {
    ...report,
    items,
    exitCode: mandatoryNew ? 1 : 0,
    baseline: { known: found.size, new: newFindings, fixed: [...known].filter((p) => !found.has(p)).length },
  };
}
