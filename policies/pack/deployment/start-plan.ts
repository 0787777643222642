/**
 * What a workload runs when it starts, as ordered steps with their failure handling: its own
 * command when the resource sets one (read by start-script.ts), otherwise the start command of
 * its image, read from the image's build context (the entrypoint script). A docker container that
 * overrides only `command` still runs its image's ENTRYPOINT first, so those steps come first.
 */
import type { BuildContextFacts, StartupStep } from "../inspect/facts";
import type { OnFailure, ScriptStep, StepKind } from "../inspect/start-command";
import { conditionHolds, type StepCondition } from "../inspect/shell";
import { bool, list } from "../rules/props";
import { inContext, unverifiable, type Finding, type Location } from "../rules/rule";
import { AZURE } from "../rules/types";
import type { Deployment } from "./index";
import { contextRelative } from "../context-paths";
import { imageEnv } from "./web-servers";
import { misshapenAt, propertyOf, unknownEnv, type Workload } from "./workloads";

export interface PlannedStep extends Omit<ScriptStep, "line"> {
  location: Location;
}

export interface StartPlan {
  workload: Workload;
  steps: PlannedStep[];
  /** Why the steps (or part of them) could not be read; the steps found so far are still listed. */
  unverifiable: Finding | null;
  /** Loops waiting for a service before the steps that follow them (in the same script). */
  waitLoops: PlannedWaitLoop[];
}

export interface PlannedWaitLoop {
  bounded: boolean;
  failsAfterBound: boolean;
  location: Location;
  /** Steps of the same script after the loop (what runs when it gives up). */
  before: PlannedStep[];
}

export function startPlan(deployment: Deployment, workload: Workload): StartPlan {
  const commandLocation: Location = { urn: workload.resource.urn, property: propertyOf(workload, "command") };
  const ownCommand = workload.argv.length > 0;
  const keepsImageEntrypoint =
    workload.platform === "docker" && ownCommand && list(workload.resource.props.entrypoints).length === 0;
  const steps: PlannedStep[] = [];
  const waitLoops: PlannedWaitLoop[] = [];
  let problem: Finding | null = null;

  if (!ownCommand || keepsImageEntrypoint) {
    const found = deployment.factsOf(workload);
    if ("reason" in found) {
      if (!ownCommand)
        problem = unverifiable(`${workload.resource.name} runs ${found.reason}.`, commandLocation);
    } else {
      const fromImage = imageSteps(found.facts);
      if (fromImage.problem && !ownCommand) problem = unverifiable(fromImage.problem, commandLocation);
      // With its own command, the image's ENTRYPOINT wraps it: only that script's own steps run first.
      const runs = fromImage.steps.filter(
        (s) => !ownCommand || (s.kind !== "server" && fromImage.isEntrypoint),
      );
      steps.push(...runs);
      for (const loop of found.facts.entrypoint?.waitLoops ?? []) {
        const location = inContext(found.facts, loop.location);
        const after = runs.filter(
          (s) => s.location.file === location.file && (s.location.line ?? 0) > (location.line ?? 0),
        );
        waitLoops.push({
          bounded: loop.bounded,
          failsAfterBound: loop.failsAfterBound,
          location,
          before: after,
        });
      }
    }
  }
  if (ownCommand) {
    const script = deployment.startCommandOf(workload);
    const own: { line: number; step: PlannedStep }[] = script.steps.map((step) => {
      const { line, ...rest } = step;
      return { line, step: { ...rest, location: commandLocation } };
    });
    steps.push(...own.map((o) => o.step));
    // The image's ENTRYPOINT runs the command after its own script: what follows its loops.
    for (const loop of waitLoops) loop.before.push(...own.map((o) => o.step));
    for (const loop of script.waitLoops) {
      waitLoops.push({
        bounded: loop.bounded,
        failsAfterBound: loop.failsAfterBound,
        location: commandLocation,
        before: own.filter((o) => o.line > loop.line).map((o) => o.step),
      });
    }
    if (script.opaque)
      problem = unverifiable(`${workload.resource.name}: ${script.opaque}.`, commandLocation);
  }
  // A start command set but unreadable was read as "none": what runs is not known.
  const [unreadableCommand] = misshapenAt(workload, "entrypoints", "command", "args");
  if (unreadableCommand !== undefined) problem = unreadableCommand;
  return { workload, steps, unverifiable: problem, waitLoops };
}

function imageSteps(facts: BuildContextFacts): {
  steps: PlannedStep[];
  problem: string | null;
  isEntrypoint: boolean;
} {
  const topic = facts.unverifiable.find((u) => u.topic === "entrypoint");
  const entrypoint = facts.entrypoint;
  if (!entrypoint) {
    return {
      steps: [],
      problem: topic?.reason ?? "the image's start command could not be found in its Dockerfile",
      isEntrypoint: false,
    };
  }
  const stage = facts.dockerfile?.stages[facts.dockerfile.finalStageIndex];
  const steps: PlannedStep[] = entrypoint.steps.map((step) =>
    fromFacts(step, entrypoint.errexit.enabled, facts),
  );
  for (const call of entrypoint.outsideCalls) {
    steps.push({
      kind: "outside-call",
      label: call.kind.replace("-", " "),
      manageCommand: null,
      database: null,
      deployCheck: false,
      onFailure: entrypoint.errexit.enabled ? "aborts" : "continues",
      conditional: false,
      conditions: [],
      location: inContext(facts, call.location),
    });
  }
  steps.sort((a, b) =>
    a.location.file === b.location.file ? (a.location.line ?? 0) - (b.location.line ?? 0) : 0,
  );
  return { steps, problem: topic?.reason ?? null, isEntrypoint: stage?.entrypoint != null };
}

function fromFacts(step: StartupStep, errexit: boolean, facts: BuildContextFacts): PlannedStep {
  let onFailure: OnFailure = errexit ? "aborts" : "continues";
  if (step.swallowed) onFailure = step.swallowed.hasMessage ? "warns" : "silent";
  // The shell reader classifies both sources alike; an exec of another program is just a command.
  const kind: StepKind = step.kind === "exec" ? "manage" : step.kind;
  return {
    kind,
    label: step.manageCommand ? `manage.py ${step.manageCommand}` : step.kind,
    manageCommand: step.manageCommand,
    database: step.database,
    deployCheck: step.deployCheck,
    onFailure,
    conditional: step.conditional,
    conditions: step.conditions,
    location: inContext(facts, step.location),
  };
}

/** "where" for a message: the file:line or the resource property a step came from. */
export function whereOf(location: Location): string {
  // Relative to its build context: a message must not carry this machine's paths.
  const file = location.file === undefined ? undefined : (contextRelative(location.file) ?? location.file);
  if (file) return `${file}${location.line ? `:${location.line}` : ""}`;
  return location.property ?? "its start command";
}

/** Start plans of every workload that could run the application (databases and proxies excluded). */
export function applicationPlans(deployment: Deployment): StartPlan[] {
  return deployment.workloads
    .filter((workload) => workload.role !== "database" && workload.role !== "proxy")
    .map((workload) => startPlan(deployment, workload));
}

/** Steps of one kind across plans, with the plan each belongs to. */
export function stepsOf(
  plans: readonly StartPlan[],
  kind: StepKind,
): { plan: StartPlan; step: PlannedStep }[] {
  return plans.flatMap((plan) => plan.steps.filter((s) => s.kind === kind).map((step) => ({ plan, step })));
}

/**
 * The plan serves traffic: a web workload, or any long-running workload whose start steps start
 * an app server (an `sh -ec` script the role reader does not split still counts).
 */
export function serves(plan: StartPlan): boolean {
  if (plan.workload.role === "web") return true;
  const oneShot =
    plan.workload.resource.type === AZURE.job || bool(plan.workload.resource.props, "attach") === true;
  return !oneShot && plan.steps.some((s) => s.kind === "server");
}

/**
 * Whether a step that runs under tests on variables (`[ "$RUN_MIGRATIONS" = 1 ] && migrate`) runs
 * in this deployment, judged from the variables as the workload gets them: its own env over its
 * image's ENV. A test on a variable known only when the deployment runs cannot be decided.
 */
export type StepGate =
  | { runs: true }
  | { runs: false; condition: StepCondition; unset: string[] }
  | { runs: undefined; finding: Finding };

export function stepGate(deployment: Deployment, plan: StartPlan, step: PlannedStep): StepGate {
  const found = deployment.factsOf(plan.workload);
  const env: Record<string, string> = {
    ...("reason" in found ? {} : imageEnv(found.facts)),
    ...plan.workload.knownEnv,
  };
  for (const condition of step.conditions) {
    const when = `${step.label} (${whereOf(step.location)}) runs only when ${condition.negated ? "this test fails" : "this test passes"}: ${condition.text}`;
    for (const variable of condition.variables) {
      const unknown = env[variable] === undefined ? unknownEnv(plan.workload, variable) : undefined;
      if (unknown !== undefined)
        return { runs: undefined, finding: unverifiable(`${when}; ${unknown.message}`, step.location) };
    }
    const holds = conditionHolds(condition, (variable) => env[variable]);
    if (holds === undefined)
      return {
        runs: undefined,
        finding: unverifiable(`${when}, a test that cannot be read.`, step.location),
      };
    if (!holds)
      return { runs: false, condition, unset: condition.variables.filter((v) => env[v] === undefined) };
  }
  return { runs: true };
}
