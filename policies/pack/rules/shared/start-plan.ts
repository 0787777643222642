/**
 * What a workload runs when it starts, as ordered steps with their failure handling: its own
 * command when the resource sets one (read by start-script.ts), otherwise the start command of
 * its image, read from the image's build context (the entrypoint script). A docker container that
 * overrides only `command` still runs its image's ENTRYPOINT first, so those steps come first.
 */
import type { BuildContextFacts, StartupStep } from "../../inspect/facts";
import {
  inContext,
  unverifiable,
  type Finding,
  type Location,
  type Resource,
  type RuleContext,
} from "../rule";
import { bool, list } from "../props";
import { AZURE } from "../types";
import { buildShapeFindings } from "./image-facts";
import { readStartScript, type OnFailure, type ScriptStep, type StepKind } from "./start-script";
import { imageResourcesOf, misshapenAt, propertyOf, workloads, type Workload } from "./workloads";

export interface PlannedStep extends Omit<ScriptStep, "line"> {
  location: Location;
}

export interface StartPlan {
  workload: Workload;
  steps: PlannedStep[];
  /** Why the steps (or part of them) could not be read; the steps found so far are still listed. */
  unverifiable: Finding | null;
}

/** The image's build-context facts for a workload, or a reason they are unavailable. */
export async function workloadFacts(
  workload: Workload,
  resources: readonly Resource[],
  ctx: RuleContext,
): Promise<{ facts: BuildContextFacts } | { reason: string }> {
  const images = imageResourcesOf(workload, resources);
  const settings = workload.env.DJANGO_SETTINGS_MODULE;
  const settingsModule = settings?.kind === "value" ? settings.value : undefined;
  for (const image of images) {
    // An unreadable build setting would make the reader judge the default Dockerfile instead.
    if (buildShapeFindings(image).length > 0) continue;
    const facts = await ctx.buildContext(image, settingsModule);
    if (facts) return { facts };
  }
  return {
    reason:
      images.length === 0
        ? "its image is not built in this stack, so the image's own start command cannot be read"
        : "its image is not built from a local build context, so the image's own start command cannot be read",
  };
}

export async function startPlan(
  workload: Workload,
  resources: readonly Resource[],
  ctx: RuleContext,
): Promise<StartPlan> {
  const commandLocation: Location = { urn: workload.resource.urn, property: propertyOf(workload, "command") };
  const ownCommand = workload.argv.length > 0;
  const keepsImageEntrypoint =
    workload.platform === "docker" && ownCommand && list(workload.resource.props.entrypoints).length === 0;
  const steps: PlannedStep[] = [];
  let problem: Finding | null = null;

  if (!ownCommand || keepsImageEntrypoint) {
    const found = await workloadFacts(workload, resources, ctx);
    if ("reason" in found) {
      if (!ownCommand)
        problem = unverifiable(`${workload.resource.name} runs ${found.reason}.`, commandLocation);
    } else {
      const fromImage = imageSteps(found.facts);
      if (fromImage.problem && !ownCommand) problem = unverifiable(fromImage.problem, commandLocation);
      // With its own command, the image's ENTRYPOINT wraps it: only that script's own steps run first.
      steps.push(
        ...fromImage.steps.filter((s) => !ownCommand || (s.kind !== "server" && fromImage.isEntrypoint)),
      );
    }
  }
  if (ownCommand) {
    const script = await readStartScript(workload.argv);
    for (const step of script.steps) {
      const { line: _line, ...rest } = step;
      steps.push({ ...rest, location: commandLocation });
    }
    if (script.opaque)
      problem = unverifiable(`${workload.resource.name}: ${script.opaque}.`, commandLocation);
  }
  // A start command set but unreadable was read as "none": what runs is not known.
  const [unreadableCommand] = misshapenAt(workload, "entrypoints", "command", "args");
  if (unreadableCommand !== undefined) problem = unreadableCommand;
  return { workload, steps, unverifiable: problem };
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
  let kind: StepKind;
  if (step.kind === "exec") kind = "manage";
  else if (step.kind === "manage" && step.manageCommand !== null && /lockdown/.test(step.manageCommand))
    kind = "lockdown";
  else if (step.deployCheck) kind = "check";
  else kind = step.kind;
  return {
    kind,
    label: step.manageCommand ? `manage.py ${step.manageCommand}` : step.kind,
    manageCommand: step.manageCommand,
    database: step.database,
    deployCheck: step.deployCheck,
    onFailure,
    conditional: step.conditional,
    location: inContext(facts, step.location),
  };
}

/** "where" for a message: the file:line or the resource property a step came from. */
export function whereOf(location: Location): string {
  if (location.file) return `${location.file}${location.line ? `:${location.line}` : ""}`;
  return location.property ?? "its start command";
}

/** Start plans of every workload that could run the application (databases and proxies excluded). */
export async function applicationPlans(
  resources: readonly Resource[],
  ctx: RuleContext,
): Promise<StartPlan[]> {
  const plans: StartPlan[] = [];
  for (const workload of workloads(resources)) {
    if (workload.role === "database" || workload.role === "proxy") continue;
    plans.push(await startPlan(workload, resources, ctx));
  }
  return plans;
}

/** Steps of one kind across plans, with the plan each belongs to. */
export function stepsOf(
  plans: readonly StartPlan[],
  kind: StepKind,
): { plan: StartPlan; step: PlannedStep }[] {
  return plans.flatMap((plan) => plan.steps.filter((s) => s.kind === kind).map((step) => ({ plan, step })));
}

// Rules ask dependsOn for many pairs of one stack; index the stack once per resource list.
const urnIndexes = new WeakMap<readonly Resource[], Map<string, Resource>>();

/** Whether `from` depends on `on`, directly or through other resources of the stack (dependsOn, inputs, parents' children). */
export function dependsOn(resources: readonly Resource[], from: Resource, on: Resource): boolean {
  let byUrn = urnIndexes.get(resources);
  if (byUrn === undefined) {
    byUrn = new Map(resources.map((r) => [r.urn, r]));
    urnIndexes.set(resources, byUrn);
  }
  const seen = new Set<string>();
  const queue = [from.urn];
  while (queue.length > 0) {
    const urn = queue.pop() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const resource = byUrn.get(urn);
    if (!resource) continue;
    const next = [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()];
    for (const dep of next) {
      if (dep === on.urn) return true;
      queue.push(dep);
    }
  }
  return false;
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
