import * as path from "path";
import { MODE_CONFIG_KEY, type Mode } from "../../mode";
import { EngineHost, PolicyPackProcess, type StackContext } from "./analyzer";
import { discoverApp } from "./app-context";
import { getConfigValue, parseAssignments, setConfigValue } from "./config-overrides";
import { buildEventStream, hasMandatoryViolation, type EngineEvent, type PackAnalysis } from "./events";
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

/** Start every pack for one stack; on any failure, stop the ones already started. */
export async function startPacks(
  dirs: string[],
  engine: EngineHost,
  context: StackContext,
  options: Pick<CheckOptions, "onPackOutput" | "policyConfig"> & { sourceRoot?: string },
): Promise<PolicyPackProcess[]> {
  const started = await Promise.allSettled(
    dirs.map((dir) =>
      PolicyPackProcess.start(dir, {
        engine,
        context,
        onStderr: options.onPackOutput,
        policyConfig: options.policyConfig,
        sourceRoot: options.sourceRoot,
      }),
    ),
  );
  const packs = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) {
    await Promise.all(packs.map((p) => p.close()));
    throw failure.reason;
  }
  return packs;
}

/** Analyze every resource (Analyze), then the whole set (AnalyzeStack), as the engine does. */
export async function analyzeWith(
  pack: PolicyPackProcess,
  resources: EngineResource[],
): Promise<PackAnalysis> {
  const results = new Map<string, Awaited<ReturnType<PolicyPackProcess["analyze"]>>>();
  // The engine analyzes resources as it steps through them, one request per resource.
  for (const resource of resources) results.set(resource.registration.urn, await pack.analyze(resource));
  return { info: pack.info, resources: results, stack: await pack.analyzeStack(resources) };
}

/** Check one stack offline: run the program under mocks, analyze with each pack, build the events. */
export async function checkStack(options: CheckOptions): Promise<StackCheck> {
  const started = Date.now();
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
  const engine = await EngineHost.start();
  try {
    progress(
      `${options.stack}: running ${path.relative(process.cwd(), project.pwd) || "."} and starting the policy pack`,
    );
    let registered = 0;
    // The program and the packs do not depend on each other until analysis: start them together.
    const [runResult, packsResult] = await Promise.allSettled([
      runStackProgram(project, config, () =>
        progress(`${options.stack}: ${++registered} resources registered`),
      ),
      startPacks(options.policyPacks, engine, context, options),
    ]);
    if (runResult.status === "rejected") {
      if (packsResult.status === "fulfilled") await Promise.all(packsResult.value.map((p) => p.close()));
      throw runResult.reason;
    }
    if (packsResult.status === "rejected") throw packsResult.reason;
    const packs = packsResult.value;
    try {
      const resources = engineResources(runResult.value, config.values);
      progress(`${options.stack}: analyzing ${resources.length} resources`);
      const analyses = await Promise.all(packs.map((p) => analyzeWith(p, resources)));
      const durationMs = Date.now() - started;
      const events = buildEventStream({
        project: project.name,
        stack: options.stack,
        config: config.values,
        resources,
        packs: analyses,
        durationSeconds: durationMs / 1000,
      });
      return {
        project: project.name,
        stack: options.stack,
        mode: modeOf(config),
        config,
        run: runResult.value,
        resources,
        events,
        mandatoryFailure: hasMandatoryViolation(events),
        durationMs,
      };
    } finally {
      await Promise.all(packs.map((p) => p.close()));
    }
  } finally {
    await engine.stop();
  }
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
