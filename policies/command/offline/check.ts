import * as path from "path";
import { MODE_CONFIG_KEY, type Mode } from "../../mode";
import type { StackContext } from "./analyzer";
import { discoverApp } from "./app-context";
import { getConfigValue, parseAssignments, setConfigValue } from "./config-overrides";
import type { EngineEvent } from "./events";
import { analyzeOffline } from "./policy-analysis";
import { loadProject, loadStackConfig, type PulumiProject, type StackConfig } from "./project";
import { runStackProgram } from "./program";
import type { ProgramRun, WireValue } from "./registration";
import { engineResources, type EngineResource } from "./resource-graph";
import { UsageError } from "./usage-error";
import { ProgramConfigError } from "./program";
import type { PolicyPackConfig } from "./policy-pack-config";
import { ExemptionConfigError, exemptionsFromStackConfig } from "../../pack/exemptions";

export type { Mode } from "../../mode";
export const MODES: readonly Mode[] = ["production", "demo"];

export interface CheckOptions {
  /** Program directory (default: stacks/ of the current directory). */
  programDir: string;
  stack: string;
  /** Policy pack directories (each with PulumiPolicy.yaml). */
  policyPacks: string[];
  /** `KEY=VALUE` assignments over the stack config. */
  config?: string[];
  /** A Django app directory that replaces the build context. */
  context?: string;
  mode?: Mode;
  /** Progress messages ("running program", "analyzing 12/40"). */
  onProgress?: (message: string) => void;
  /** Lines the pack printed on stderr. */
  onPackOutput?: (line: string) => void;
  /** `--policy-pack-config`, handed to every pack. */
  policyConfig?: PolicyPackConfig;
}

/** Everything one offline check produced; `events` is what `pulumi preview --json` would stream. */
export interface StackCheck {
  project: string;
  stack: string;
  mode?: Mode;
  config: StackConfig;
  run: ProgramRun;
  resources: EngineResource[];
  events: EngineEvent[];
  mandatoryFailure: boolean;
  durationMs: number;
}

/** The stack config the program will see: stack file, then --context, then --config, then --mode. */
export function effectiveConfig(project: PulumiProject, options: CheckOptions): StackConfig {
  let config = loadStackConfig(project, options.stack);
  const assignments = parseAssignments(options.config ?? []);
  if (options.mode !== undefined && !MODES.includes(options.mode)) {
    throw new UsageError(`unknown --mode "${String(options.mode)}" (expected ${MODES.join(" or ")})`);
  }
  if (options.context !== undefined) {
    const modeOverride = assignments.find(([k]) => k === "mode" || k === MODE_CONFIG_KEY)?.[1];
    const mode = String(
      options.mode ?? modeOverride ?? getConfigValue(config, MODE_CONFIG_KEY) ?? "production",
    );
    const app = discoverApp(options.context, mode);
    // The stack file may pin any of these; what the app declares fills the gaps.
    const declared: [string, string | undefined][] = [
      ["image.dockerfile", app.dockerfile],
      ["image.target", app.target],
      ["django.settingsModule", app.settingsModule],
      ["django.wsgiModule", app.wsgiModule],
    ];
    config = setConfigValue(config, "image.ref", undefined);
    config = setConfigValue(config, "image.context", app.context);
    for (const [key, value] of declared) {
      if (value !== undefined && getConfigValue(config, key) === undefined)
        config = setConfigValue(config, key, value);
    }
  }
  for (const [key, value] of assignments) config = setConfigValue(config, key, value);
  if (options.mode !== undefined) config = setConfigValue(config, MODE_CONFIG_KEY, options.mode);
  return config;
}

function modeOf(config: StackConfig): Mode | undefined {
  const mode = getConfigValue(config, MODE_CONFIG_KEY);
  return MODES.find((m) => m === mode);
}

/** Check one stack offline: run the program under mocks, analyze with each pack, build the events. */
export async function checkStack(options: CheckOptions): Promise<StackCheck> {
  const startedAt = Date.now();
  const progress = options.onProgress ?? (() => undefined);
  const project = loadProject(options.programDir);
  const config = effectiveConfig(project, options);
  validateExemptions(config);
  const context: StackContext = {
    project: project.name,
    stack: options.stack,
    organization: "organization",
    dryRun: true,
    config: config.values,
    secretKeys: config.secretKeys,
  };
  progress(
    `${options.stack}: running ${path.relative(process.cwd(), project.pwd) || "."} and starting the policy pack`,
  );
  let registered = 0;
  const { produced, ...analysis } = await analyzeOffline(
    async () => {
      const run = await runStackProgram(project, config, () =>
        progress(`${options.stack}: ${++registered} resources registered`),
      );
      return { run, resources: engineResources(run, config.values) };
    },
    {
      ...options,
      context,
      startedAt,
      onAnalyzing: (resources) => progress(`${options.stack}: analyzing ${resources.length} resources`),
    },
  );
  return {
    project: project.name,
    stack: options.stack,
    mode: modeOf(config),
    config,
    run: produced.run,
    ...analysis,
  };
}

/**
 * The pack reads `agency-deploy:exemptions` itself (and stops a real preview on a bad entry);
 * checked here first, the mistake is named before the program runs, like the program's own keys.
 */
export function validateExemptions(config: StackConfig): void {
  try {
    exemptionsFromStackConfig({ PULUMI_CONFIG: JSON.stringify(config.values) });
  } catch (e) {
    if (e instanceof ExemptionConfigError) throw new ProgramConfigError(e.message);
    throw e;
  }
}

/** Every stack of the program's project that has a Pulumi.<stack>.yaml. */
export { listStacks } from "./project";

function isTextRecord(value: WireValue | undefined): value is Record<string, WireValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Component outputs named `name` (e.g. an instance's `runbook`), in registration order. */
export function componentOutputs(run: ProgramRun, name: string): { urn: string; value: WireValue }[] {
  return run.registrations
    .filter((r) => isTextRecord(r.outputs) && r.outputs[name] !== undefined)
    .map((r) => ({ urn: r.urn, value: (r.outputs as Record<string, WireValue>)[name] }));
}
