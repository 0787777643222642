import * as fs from "fs";
import { MODE_CONFIG_KEY } from "../../mode";
import * as path from "path";
import { Command, Option } from "commander";
import { buildReport, formatReport, type ReliabilityReport, type RunbookCommands } from "../report";
import { contextDirectory } from "../offline/app-context";
import {
  checkStack,
  componentOutputs,
  effectiveConfig,
  MODES,
  type CheckOptions,
  type Mode,
  type StackCheck,
} from "../offline/check";
import { getConfigValue, parseAssignments } from "../offline/config-overrides";
import { ProgramConfigError } from "../offline/program";
import { listStacks, loadProject, type StackConfig } from "../offline/project";
import { UsageError } from "../offline/usage-error";
import { fleetExitCode, fleetRow, renderFleet, type FleetEntry } from "./fleet";
import { packageRoot } from "./package-root";
import { FORMATS, reportDate, writeReport, type Format } from "./report-output";
import { EXIT_STATUS_HELP } from "./exit-status";
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
    date: reportDate(),
  });
}

const INSTANCE_TYPE = /^agency-deploy:([^:]+):AgencyInstance$/;
const TARGET_KEY = "agency-deploy:target";

/** The target the program deployed to: from the instance component it registered, else the config. */
function targetOf(check: StackCheck): string | undefined {
  for (const registration of check.run.registrations) {
    const match = INSTANCE_TYPE.exec(registration.type);
    if (match) return match[1];
  }
  const configured = getConfigValue(check.config, TARGET_KEY);
  return typeof configured === "string" ? configured : undefined;
}

function checkOptions(stack: string, options: CheckCommandOptions): CheckOptions {
  return {
    programDir: options.program ?? defaultProgramDir(),
    stack,
    policyPacks: options.policyPack.length > 0 ? options.policyPack : [defaultPolicyPack()],
    config: options.config,
    context: options.context,
    mode: options.mode,
  };
}

interface CheckedStack {
  report: ReliabilityReport;
  target?: string;
}

async function checkOne(
  stack: string,
  options: CheckCommandOptions,
  terminal: Terminal,
): Promise<CheckedStack> {
  const check = await checkStack({
    ...checkOptions(stack, options),
    onProgress: (message) => terminal.progress(message, /registered$/.test(message)),
  });
  const report = reportOf(check);
  terminal.progress(
    `${stack}: Deployment Reliable: ${report.verdict} (${(check.durationMs / 1000).toFixed(1)} s)`,
  );
  return { report, target: targetOf(check) };
}

function configuredString(config: StackConfig | undefined, key: string): string | undefined {
  const value = config === undefined ? undefined : getConfigValue(config, key);
  return typeof value === "string" ? value : undefined;
}

/**
 * Every stack file of the program, each checked. A stack whose configuration is invalid (its file,
 * or the program rejecting it) becomes a row saying why; any other failure stops the whole run.
 */
async function checkFleet(options: CheckCommandOptions, terminal: Terminal): Promise<FleetEntry[]> {
  const project = loadProject(options.program ?? defaultProgramDir());
  const stacks = listStacks(project);
  if (stacks.length === 0) {
    throw new UsageError(`--all-stacks: no Pulumi.<stack>.yaml in ${project.stackConfigDir}`);
  }
  const entries: FleetEntry[] = [];
  for (const stack of stacks) {
    let config: StackConfig | undefined;
    try {
      config = effectiveConfig(project, checkOptions(stack, options));
      entries.push({ stack, ...(await checkOne(stack, options, terminal)) });
    } catch (e) {
      const invalid = e instanceof ProgramConfigError || (config === undefined && e instanceof UsageError);
      if (!invalid) throw e;
      terminal.progress(`${stack}: not checked: its configuration is invalid`);
      const target = configuredString(config, TARGET_KEY);
      const mode = configuredString(config, MODE_CONFIG_KEY);
      entries.push({ stack, target, mode, error: e.message });
    }
  }
  return entries;
}

/**
 * `agency-deploy check`: returns the exit status (0 pass, 1 mandatory failure, 2 invalid
 * configuration of a stack under --all-stacks; a single stack's invalid configuration throws).
 */
export async function runCheck(options: CheckCommandOptions, terminal: Terminal): Promise<number> {
  // Mistakes on the command line concern every stack: report them once, before any stack runs.
  parseAssignments(options.config);
  if (options.context !== undefined) contextDirectory(options.context);
  if (options.allStacks) {
    const entries = await checkFleet(options, terminal);
    terminal.done();
    writeReport(renderFleet(entries, options.format), options.out, terminal);
    return fleetExitCode(entries.map(fleetRow));
  }
  const { report } = await checkOne(options.stack, options, terminal);
  terminal.done();
  writeReport(formatReport(report, options.format), options.out, terminal);
  return report.exitCode;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** --stack and --program, which every command that runs the program takes. */
export function withStackOptions(command: Command): Command {
  return command
    .option("-s, --stack <name>", "stack whose Pulumi.<name>.yaml to use", "local")
    .option("--program <dir>", "Pulumi program directory (default: ./stacks, else the bundled stacks/)");
}

export function checkCommand(terminal: Terminal, setExit: (code: number) => void): Command {
  const command = new Command("check").description(
    "Run the program offline under Pulumi's mocks, analyze it with the policy pack(s) as `pulumi preview --policy-pack` would, and print the reliability report.",
  );
  return withStackOptions(command)
    .option("--context <dir>", "a Django app directory that replaces the build context (image.context)")
    .option(
      "-c, --config <key=value>",
      "override a stack config value (repeatable); KEY may omit 'agency-deploy:' and take a .path; VALUE is JSON when it parses as JSON (2, true, [\"a\"]), else text",
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
    .option(
      "--all-stacks",
      "check every Pulumi.<stack>.yaml, past any whose configuration is invalid, and end with a fleet summary",
    )
    .addHelpText("after", EXIT_STATUS_HELP)
    .action(async (options: CheckCommandOptions) => setExit(await runCheck(options, terminal)));
}
