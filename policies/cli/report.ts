import { Command, Option } from "commander";
import { buildReport, EventStreamError, formatReport, readEngineEvents } from "../report";
import { UsageError } from "../offline/usage-error";
import { FORMATS, writeReport, type Format } from "./report-output";
import type { Terminal } from "./terminal";

export interface ReportCommandOptions {
  events: string;
  format: Format;
  out?: string;
}

/** `agency-deploy report`: the report from a real preview's events; returns the gate's exit status. */
export function runReport(options: ReportCommandOptions, terminal: Terminal): number {
  let report;
  try {
    report = buildReport(readEngineEvents(options.events), { sourceRoot: process.cwd() });
  } catch (e) {
    if (e instanceof EventStreamError) throw new UsageError(`invalid events file: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new UsageError(`cannot read --events ${options.events}: ${code}`);
    throw e;
  }
  writeReport(formatReport(report, options.format), options.out, terminal);
  return report.exitCode;
}

export function reportCommand(terminal: Terminal, setExit: (code: number) => void): Command {
  return new Command("report")
    .description(
      "Render the reliability report from NDJSON engine events: `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json --policy-pack policies`, an --event-log file, or Automation API events.",
    )
    .requiredOption("-e, --events <file>", "NDJSON file of engine events")
    .addOption(new Option("-f, --format <format>", "report format").choices(FORMATS).default("md"))
    .option("-o, --out <file>", "write the report to a file instead of stdout")
    .addHelpText(
      "after",
      "\nExit status: 0 when no mandatory policy failed, 1 when one did, 2 for an invalid events file.",
    )
    .action((options: ReportCommandOptions) => setExit(runReport(options, terminal)));
}
