/**
 * Where a command's report goes, for `check` and `report` alike: --out and --write-baseline
 * checked and --baseline and SOURCE_DATE_EPOCH read before the (slow) run, then the report
 * rendered in its format to --out or stdout and the baseline written.
 */
import type { Baseline, ReliabilityReport } from "../report";
import { readBaseline, writeBaseline } from "./baseline-file";
import {
  checkWritable,
  renderOne,
  reportDate,
  resolveFormat,
  writeReport,
  type Format,
} from "./report-output";
import type { Terminal } from "./terminal";

export interface ReportDestination {
  format?: Format;
  out?: string;
  baseline?: string;
  writeBaseline?: string;
}

/** What a run's reports need from the command line, every mistake in it named before the run. */
export interface ReportInputs {
  date: Date | undefined;
  baseline: Baseline | undefined;
}

export function prepareDestination(destination: ReportDestination): ReportInputs {
  checkWritable(destination.out, "--out");
  checkWritable(destination.writeBaseline, "--write-baseline");
  return { date: reportDate(), baseline: readBaseline(destination.baseline) };
}

/** Write the report (judged against the baseline already) and the new baseline; the gate's exit status. */
export function deliverReport(
  judged: ReliabilityReport,
  destination: ReportDestination,
  terminal: Terminal,
): number {
  terminal.done();
  writeReport(
    renderOne(judged, resolveFormat(destination.format, destination.out, terminal), terminal),
    destination.out,
    terminal,
  );
  writeBaseline([judged], destination.writeBaseline, terminal);
  return judged.exitCode;
}
