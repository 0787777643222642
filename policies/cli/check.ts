import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";
import { buildReport, formatReport, type ReliabilityReport, type RunbookCommands } from "../report";
import { checkStack, componentOutputs, MODES, type Mode, type StackCheck } from "../offline/check";
import { listStacks, loadProject } from "../offline/project";
import { packageRoot } from "./package-root";
import { FORMATS, writeReport, type Format } from "./report-output";
import type { Terminal } from "./terminal";

export interface CheckCommandOptions {
  stack: string;
  program?: string;
  context?: string;
  config: string[];
  policyPack: string[];
  mode?: Mode;
  format: Format;
  out?: string;
  allStacks?: boolean;
}

/** The program directory: --program, else ./stacks, else the stacks/ bundled with the package. */
export function defaultProgramDir(): string {
  const local = path.resolve("stacks");
  return fs.existsSync(local) ? local : path.join(packageRoot(), "stacks");
}

export function defaultPolicyPack(): string {
  return path.join(packageRoot(), "policies");
}

const RUNBOOK_KEYS: (keyof RunbookCommands)[] = [
  "backupBeforeMigration",
  "rollback",
  "keyRotation",
  "restore",
];

/** Runbook commands from an instance's `runbookCommands` output (an object of the four procedures). */
export function runbookCommands(check: StackCheck): RunbookCommands | undefined {
  for (const { value } of componentOutputs(check.run, "runbookCommands")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
    const commands: RunbookCommands = {};
    for (const key of RUNBOOK_KEYS) {
      const command = value[key];
      if (typeof command === "string") commands[key] = command;
    }
    return commands;
  }
  return undefined;
}

function reportOf(check: StackCheck): ReliabilityReport {
  return buildReport(check.events, {
    stack: check.stack,
    project: check.project,
    mode: check.mode,
    runbook: runbookCommands(check),
    sourceRoot: process.cwd(),
  });
}

/** The one-table fleet summary that heads an --all-stacks report. */
export function fleetTable(reports: ReliabilityReport[]): string {
  const rows = reports.map((r) => {
    const fail = r.categories.reduce((n, c) => n + c.fail, 0);
    const warning = r.categories.reduce((n, c) => n + c.warning, 0);
    return `| ${r.stack ?? ""} | ${r.mode ?? ""} | ${r.verdict} | ${fail} | ${warning} | ${r.totals.mandatory} |`;
  });
  return [
    "## Fleet summary",
    "",
    "| Stack | Mode | Deployment Reliable | Fail | Warning | Mandatory violations |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

function combine(reports: ReliabilityReport[], format: Format): string {
  if (format === "md") {
    return [fleetTable(reports), ...reports.map((r) => formatReport(r, "md"))].join("\n---\n\n");
  }
  if (format === "json") {
    const fleet = reports.map((r) => ({
      stack: r.stack,
      mode: r.mode,
      verdict: r.verdict,
      exitCode: r.exitCode,
    }));
    const each = reports.map((r) => JSON.parse(formatReport(r, "json")) as unknown);
    return JSON.stringify({ fleet, reports: each }, null, 2);
  }
  // SARIF: one log, one run per stack.
  const logs = reports.map((r) => JSON.parse(formatReport(r, "sarif")) as { runs: unknown[] });
  return JSON.stringify({ ...logs[0], runs: logs.flatMap((l) => l.runs) }, null, 2);
}

/** `agency-deploy check`: returns the exit status (0 pass, 1 mandatory failure). */
export async function runCheck(options: CheckCommandOptions, terminal: Terminal): Promise<number> {
  const programDir = options.program ?? defaultProgramDir();
  const policyPacks = options.policyPack.length > 0 ? options.policyPack : [defaultPolicyPack()];
  const stacks = options.allStacks ? listStacks(loadProject(programDir)) : [options.stack];
  const reports: ReliabilityReport[] = [];
  let failed = false;
  for (const stack of stacks) {
    const check = await checkStack({
      programDir,
      stack,
      policyPacks,
      config: options.config,
      context: options.context,
      mode: options.mode,
      onProgress: (message) => terminal.progress(message, /registered$/.test(message)),
    });
    const report = reportOf(check);
    reports.push(report);
    failed ||= check.mandatoryFailure || report.exitCode === 1;
    terminal.progress(
      `${stack}: Deployment Reliable: ${report.verdict} (${(check.durationMs / 1000).toFixed(1)} s)`,
    );
  }
  terminal.done();
  const text = options.allStacks
    ? combine(reports, options.format)
    : formatReport(reports[0], options.format);
  writeReport(text, options.out, terminal);
  return failed ? 1 : 0;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function checkCommand(terminal: Terminal, setExit: (code: number) => void): Command {
  return new Command("check")
    .description(
      "Run the program offline under Pulumi's mocks, analyze it with the policy pack(s) as `pulumi preview --policy-pack` would, and print the reliability report.",
    )
    .option("-s, --stack <name>", "stack whose Pulumi.<name>.yaml to use", "local")
    .option("--program <dir>", "Pulumi program directory (default: ./stacks, else the bundled stacks/)")
    .option("--context <dir>", "a Django app directory that replaces the build context (image.context)")
    .option(
      "-c, --config <key=value>",
      "override a stack config value (repeatable); KEY may omit 'agency-deploy:'",
      collect,
      [],
    )
    .option(
      "--policy-pack <dir>",
      "policy pack directory (repeatable; default: the bundled pack)",
      collect,
      [],
    )
    .addOption(new Option("--mode <mode>", "override agency-deploy:mode").choices(MODES))
    .addOption(new Option("-f, --format <format>", "report format").choices(FORMATS).default("md"))
    .option("-o, --out <file>", "write the report to a file instead of stdout")
    .option("--all-stacks", "check every Pulumi.<stack>.yaml and add a fleet summary")
    .addHelpText(
      "after",
      "\nExit status: 0 when no mandatory policy failed, 1 when one did, 2 for bad usage or invalid configuration.",
    )
    .action(async (options: CheckCommandOptions) => setExit(await runCheck(options, terminal)));
}
