import * as fs from "fs";
import { MODE_CONFIG_KEY } from "../../mode";
import * as path from "path";
import { Command, Option } from "commander";
import { buildReport, type ReliabilityReport, type RunbookCommands } from "../report";
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
import { generatedNames, markPlaceholders } from "../offline/placeholders";
import { ProgramConfigError } from "../offline/program";
import { listStacks, loadProject, type StackConfig } from "../offline/project";
import { UsageError } from "../offline/usage-error";
import { fleetExitCode, fleetRow, renderFleet, type FleetEntry } from "./fleet";
import { packageRoot } from "../../package-manifest";
import { FORMAT_HELP, FORMATS, resolveFormat, writeReport } from "./report-output";
import { BASELINE_HELP, withBaseline, writeBaseline } from "./baseline-file";
import {
  deliverReport,
  prepareDestination,
  type ReportDestination,
  type ReportInputs,
} from "./report-destination";
import { EXEMPTIONS_HELP } from "./exemptions-help";
import { readPolicyPackConfig, type PolicyPackConfig } from "../offline/policy-pack-config";
import { EXIT_STATUS_HELP } from "./exit-status";
import type { Terminal } from "./terminal";
import { judgesOwnDeployment, OWN_DEPLOYMENT_HELP, ownDeploymentReport } from "./own-deployment";

export interface CheckCommandOptions extends ReportDestination {
  stack: string;
  program?: string;
  context?: string;
  config: string[];
  policyPack: string[];
  mode?: Mode;
  allStacks?: boolean;
  /** Compose files of the app's own deployment (--compose, repeatable). */
  compose: string[];
  withComponents?: boolean;
  compare?: boolean;
  policyPackConfig?: string;
}

/** What every stack of a run shares, read and checked before the first one runs. */
interface RunInputs extends ReportInputs {
  policyConfig: PolicyPackConfig | undefined;
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

/**
 * Runbook commands from an instance's `runbookCommands` output (an object of the four procedures),
 * with the names only a deploy creates shown as placeholders, as `runbook` prints them.
 */
export function runbookCommands(check: StackCheck): RunbookCommands | undefined {
  const names = generatedNames(check.run);
  for (const { value } of componentOutputs(check.run, "runbookCommands")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
    const commands: RunbookCommands = {};
    for (const key of RUNBOOK_KEYS) {
      const command = value[key];
      if (typeof command === "string") commands[key] = markPlaceholders(command, names);
    }
    return commands;
  }
  return undefined;
}

function reportOf(check: StackCheck, inputs: RunInputs): ReliabilityReport {
  const report = buildReport(check.events, {
    stack: check.stack,
    project: check.project,
    mode: check.mode,
    runbook: runbookCommands(check),
    sourceRoot: process.cwd(),
    date: inputs.date,
  });
  return withBaseline(report, inputs.baseline);
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

function checkOptions(stack: string, options: CheckCommandOptions, inputs?: RunInputs): CheckOptions {
  return {
    policyConfig: inputs?.policyConfig,
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
  inputs: RunInputs,
  terminal: Terminal,
  counter = "",
): Promise<CheckedStack> {
  const check = await checkStack({
    ...checkOptions(stack, options, inputs),
    onProgress: (message) => terminal.progress(`${counter}${message}`, /registered$/.test(message)),
  });
  const report = reportOf(check, inputs);
  terminal.progress(
    `${counter}${stack}: Deployment Reliable: ${report.verdict} (${(check.durationMs / 1000).toFixed(1)} s)`,
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
async function checkFleet(
  options: CheckCommandOptions,
  inputs: RunInputs,
  terminal: Terminal,
): Promise<FleetEntry[]> {
  const project = loadProject(options.program ?? defaultProgramDir());
  const stacks = listStacks(project);
  if (stacks.length === 0) {
    throw new UsageError(`--all-stacks: no Pulumi.<stack>.yaml in ${project.stackConfigDir}`);
  }
  const entries: FleetEntry[] = [];
  for (const [index, stack] of stacks.entries()) {
    let config: StackConfig | undefined;
    const counter = `[${index + 1} of ${stacks.length}] `;
    try {
      config = effectiveConfig(project, checkOptions(stack, options));
      entries.push({ stack, ...(await checkOne(stack, options, inputs, terminal, counter)) });
    } catch (e) {
      const invalid = e instanceof ProgramConfigError || (config === undefined && e instanceof UsageError);
      if (!invalid) throw e;
      terminal.progress(`${counter}${stack}: not checked: its configuration is invalid`);
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
  const inputs: RunInputs = {
    ...prepareDestination(options),
    policyConfig:
      options.policyPackConfig !== undefined ? readPolicyPackConfig(options.policyPackConfig) : undefined,
  };
  if (options.allStacks) {
    const format = resolveFormat(options.format, options.out, terminal);
    const entries = await checkFleet(options, inputs, terminal);
    terminal.done();
    writeReport(renderFleet(entries, format, terminal), options.out, terminal);
    writeBaseline(
      entries.flatMap((e) => ("report" in e ? [e.report] : [])),
      options.writeBaseline,
      terminal,
    );
    return fleetExitCode(entries.map(fleetRow));
  }
  const report = judgesOwnDeployment(options)
    ? withBaseline(
        await ownDeploymentReport(
          options,
          terminal,
          checkOptions(options.stack, options).policyPacks,
          { date: inputs.date, policyConfig: inputs.policyConfig },
          async () => (await checkOne(options.stack, options, inputs, terminal)).report,
        ),
        inputs.baseline,
      )
    : (await checkOne(options.stack, options, inputs, terminal)).report;
  return deliverReport(report, options, terminal);
}

export const CONFIG_OPTION_HELP =
  "override a stack config value (repeatable); KEY may omit 'agency-deploy:' and take a .path; VALUE is JSON when it parses as JSON (2, true, [\"a\"]), else text";

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
    .option(
      "--context <dir>",
      "an app's repository: judge its own deployment (compose, start script, platform files) when it has one, else the app wrapped in the bundled components (its Dockerfile's folder replaces image.context)",
    )
    .option(
      "--compose <file>",
      "a compose file of the app's own deployment (repeatable, merged in order)",
      collect,
      [],
    )
    .option(
      "--with-components",
      "judge the app wrapped in the bundled components, even when it has its own deployment",
    )
    .option("--compare", "judge both and head the report with both verdicts")
    .option("-c, --config <key=value>", CONFIG_OPTION_HELP, collect, [])
    .option(
      "--policy-pack <dir>",
      "policy pack directory (repeatable; default: the bundled pack)",
      collect,
      [],
    )
    .addOption(new Option("--mode <mode>", "override agency-deploy:mode").choices(MODES))
    .option(
      "--policy-pack-config <file>",
      "policy config JSON, as pulumi preview --policy-pack-config reads it: per policy an enforcement level, exemptions, allowCriticalExemptions",
    )
    .addOption(new Option("-f, --format <format>", FORMAT_HELP).choices(FORMATS))
    .option("-o, --out <file>", "write the report to a file instead of stdout (checked before the run)")
    .option(
      "--baseline <file>",
      "fail the gate only on mandatory findings this baseline does not list (see Baselines)",
    )
    .option(
      "--write-baseline <file>",
      "record every open finding of this run as the baseline (checked before the run)",
    )
    .addOption(
      new Option(
        "--all-stacks",
        "check every Pulumi.<stack>.yaml ([N of M] progress; not with --stack), past any whose configuration is invalid, and end with a fleet summary",
      ).conflicts("stack"),
    )
    .addHelpText("after", `${OWN_DEPLOYMENT_HELP}\n${EXEMPTIONS_HELP}\n${BASELINE_HELP}\n${EXIT_STATUS_HELP}`)
    .action(async (options: CheckCommandOptions) => setExit(await runCheck(options, terminal)));
}
