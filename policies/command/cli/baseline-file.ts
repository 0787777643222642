/** `--baseline FILE` and `--write-baseline FILE` (the format: report/baseline.ts). */
import * as fs from "fs";
import {
  applyBaseline,
  BaselineError,
  baselineOf,
  parseBaseline,
  renderBaseline,
  type Baseline,
  type ReliabilityReport,
} from "../report";
import { UsageError } from "../offline/usage-error";
import { writeFile } from "./report-output";
import type { Terminal } from "./terminal";

export const BASELINE_HELP = [
  "",
  "Baselines:",
  "  --write-baseline FILE records every open finding (not exempted ones) by fingerprint; commit it.",
  "  --baseline FILE then fails the gate only on mandatory findings FILE does not list; the",
  "  report marks known ones (in the baseline) and counts new and fixed ones. Fingerprints stay",
  "  the same across runs and when lines move; they are SARIF's partialFingerprints too.",
].join("\n");

/** Read before the run: a missing or broken baseline is a usage error, named. */
export function readBaseline(file: string | undefined): Baseline | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read --baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return parseBaseline(text, file);
  } catch (e) {
    if (e instanceof BaselineError) throw new UsageError(`--baseline ${e.message}`);
    throw e;
  }
}

export function withBaseline(report: ReliabilityReport, baseline: Baseline | undefined): ReliabilityReport {
  return baseline === undefined ? report : applyBaseline(report, baseline);
}

export function writeBaseline(
  reports: readonly ReliabilityReport[],
  file: string | undefined,
  terminal: Terminal,
): void {
  if (file === undefined) return;
  const baseline = baselineOf(reports);
  writeFile(
    renderBaseline(baseline),
    file,
    "--write-baseline",
    `baseline of ${baseline.findings.length} finding(s)`,
    terminal,
  );
}
