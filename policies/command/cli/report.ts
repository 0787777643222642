import * as fs from "fs";
import { text } from "stream/consumers";
import { Command, Option } from "commander";
import { assertPackRan, buildReport, EventStreamError, PACK_NAME, parseEngineEvents } from "../report";
import { UsageError } from "../offline/usage-error";
import { FORMAT_HELP, FORMATS } from "./report-output";
import { BASELINE_HELP, withBaseline } from "./baseline-file";
import { deliverReport, prepareDestination, type ReportDestination } from "./report-destination";
import { EXIT_STATUS_HELP } from "./exit-status";
import type { Terminal } from "./terminal";

export interface ReportCommandOptions extends ReportDestination {
  /** A file of NDJSON engine events, or "-" for standard input (a preview piped in). */
  events: string;
  /** The policy pack whose summaries the events must hold (default: this pack). */
  pack?: string;
}

async function readEvents(source: string, stdin: NodeJS.ReadableStream): Promise<string> {
  try {
    return source === "-" ? await text(stdin) : fs.readFileSync(source, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new UsageError(`cannot read --events ${source}: ${code}`);
    throw e;
  }
}

/** `agency-deploy report`: the report from a real preview's events; returns the gate's exit status. */
export async function runReport(
  options: ReportCommandOptions,
  terminal: Terminal,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const inputs = prepareDestination(options);
  const events = await readEvents(options.events, stdin);
  let report;
  try {
    const source = options.events === "-" ? "stdin" : options.events;
    const stream = parseEngineEvents(events, source);
    assertPackRan(stream, options.pack ?? PACK_NAME, source);
    report = buildReport(stream, { sourceRoot: process.cwd(), date: inputs.date });
  } catch (e) {
    if (e instanceof EventStreamError) throw new UsageError(`invalid events file: ${e.message}`);
    throw e;
  }
  return deliverReport(withBaseline(report, inputs.baseline), options, terminal);
}

export function reportCommand(terminal: Terminal, setExit: (code: number) => void): Command {
  return new Command("report")
    .description(
      "Render the reliability report from NDJSON engine events: `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json --policy-pack policies`, an --event-log file, or Automation API events.",
    )
    .requiredOption("-e, --events <file>", 'NDJSON file of engine events, or "-" to read them from stdin')
    .addOption(new Option("-f, --format <format>", FORMAT_HELP).choices(FORMATS))
    .option(
      "-o, --out <file>",
      "write the report to a file instead of stdout (checked before reading the events)",
    )
    .option("--baseline <file>", "fail the gate only on mandatory findings this baseline does not list")
    .option("--write-baseline <file>", "record every open finding as the baseline")
    .option(
      "--pack <name>",
      "the policy pack whose results the events must hold; events without its summaries, cut or corrupt exit 2",
      PACK_NAME,
    )
    .addHelpText("after", `${BASELINE_HELP}\n${EXIT_STATUS_HELP}`)
    .action(async (options: ReportCommandOptions) => setExit(await runReport(options, terminal)));
}
