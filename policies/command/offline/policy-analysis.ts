/**
 * One policy analysis as `pulumi preview --policy-pack` runs it, offline: start each pack with
 * Pulumi's run-policy-pack (the handshake and Configure), Analyze every resource, then
 * AnalyzeStack over the whole set, build the event stream the engine would print, and close the
 * packs and the engine host whatever happens. Both the check of a stack (its program's
 * registrations) and the check of an app's own deployment (its compose files as resources) run
 * through here; they differ only in where the resources come from and where findings point.
 */
import { EngineHost, PolicyPackProcess, type StackContext } from "./analyzer";
import { buildEventStream, hasMandatoryViolation, type EngineEvent, type PackAnalysis } from "./events";
import type { PolicyPackConfig } from "./policy-pack-config";
import type { EngineResource } from "./resource-graph";

export interface PolicyAnalysisOptions {
  /** Policy pack directories (each with PulumiPolicy.yaml). */
  policyPacks: string[];
  /** What the engine tells each pack about the stack (and the events' project, stack and config). */
  context: StackContext;
  /** `--policy-pack-config`, handed to every pack. */
  policyConfig?: PolicyPackConfig;
  /** Where the packs resolve a relative build context or file (default: the process's). */
  sourceRoot?: string;
  /** Lines the packs printed on stderr. */
  onPackOutput?: (line: string) => void;
  /** Once the resources are known, before the first Analyze. */
  onAnalyzing?: (resources: EngineResource[]) => void;
  /** Each pack's results before they become events (the own deployment points them at its files). */
  adjust?: (analysis: PackAnalysis) => PackAnalysis;
  /** When the check began, for the events' duration (default: when the analysis began). */
  startedAt?: number;
}

export interface PolicyAnalysis<Produced> {
  /** What `produce` resolved to (the program's run, say), beside the resources it holds. */
  produced: Produced;
  resources: EngineResource[];
  events: EngineEvent[];
  mandatoryFailure: boolean;
  durationMs: number;
}

/** Start every pack for one stack; on any failure, stop the ones already started. */
async function startPacks(engine: EngineHost, options: PolicyAnalysisOptions): Promise<PolicyPackProcess[]> {
  const started = await Promise.allSettled(
    options.policyPacks.map((dir) =>
      PolicyPackProcess.start(dir, {
        engine,
        context: options.context,
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
async function analyzeWith(pack: PolicyPackProcess, resources: EngineResource[]): Promise<PackAnalysis> {
  const results = new Map<string, Awaited<ReturnType<PolicyPackProcess["analyze"]>>>();
  // The engine analyzes resources as it steps through them, one request per resource.
  for (const resource of resources) results.set(resource.registration.urn, await pack.analyze(resource));
  return { info: pack.info, resources: results, stack: await pack.analyzeStack(resources) };
}

/**
 * Analyze the resources `produce` resolves to with every pack. The packs start while `produce`
 * runs (a program and a pack do not depend on each other until analysis); if either fails, what
 * was started is stopped and the first failure (the program's before the packs') is thrown.
 */
export async function analyzeOffline<Produced extends { resources: EngineResource[] }>(
  produce: () => Promise<Produced>,
  options: PolicyAnalysisOptions,
): Promise<PolicyAnalysis<Produced>> {
  const startedAt = options.startedAt ?? Date.now();
  const engine = await EngineHost.start();
  try {
    const [produced, packsStarted] = await Promise.allSettled([produce(), startPacks(engine, options)]);
    if (produced.status === "rejected") {
      if (packsStarted.status === "fulfilled") await Promise.all(packsStarted.value.map((p) => p.close()));
      throw produced.reason;
    }
    if (packsStarted.status === "rejected") throw packsStarted.reason;
    const packs = packsStarted.value;
    const { resources } = produced.value;
    try {
      options.onAnalyzing?.(resources);
      const adjust = options.adjust ?? ((analysis: PackAnalysis) => analysis);
      const analyses = (await Promise.all(packs.map((p) => analyzeWith(p, resources)))).map(adjust);
      const durationMs = Date.now() - startedAt;
      const { project, stack, config } = options.context;
      const events = buildEventStream({
        project,
        stack,
        config,
        resources,
        packs: analyses,
        durationSeconds: durationMs / 1000,
      });
      return {
        produced: produced.value,
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
