/** `--baseline FILE` and `--write-baseline FILE` (the format: report/baseline.ts). */
import * as fs from "fs";
import type { ReliabilityReport } from "../report";
import * as baselines from "../report/baseline";
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
export function readBaseline(file: string | undefined): baselines.Baseline | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read --baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return baselines.parseBaseline(text, file);
  } catch (e) {
    if (e instanceof baselines.BaselineError) throw new UsageError(`--baseline ${e.message}`);
    throw e;
  }
}

export function withBaseline(
  report: ReliabilityReport,
  baseline: baselines.Baseline | undefined,
): ReliabilityReport {
  return baseline === undefined ? report : baselines.applyBaseline(report, baseline);
}

export function writeBaseline(
  reports: readonly ReliabilityReport[],
  file: string | undefined,
  terminal: Terminal,
): void {
  if (file === undefined) return;
  const baseline = baselines.baselineOf(reports);
  writeFile(
    baselines.renderBaseline(baseline),
    file,
    "--write-baseline",
    `baseline of ${baseline.findings.length} finding(s)`,
    terminal,
  );
}
