/**
 * `check --context DIR` on an app's own deployment: the files discovery found become the
 * resources the Docker target would register (compose-resources.ts, platform-resources.ts), the
 * same pack judges them over the same Analyze/AnalyzeStack path as the offline check of a stack,
 * and each finding on a (resource, property) is pointed back at the compose or platform file:line
 * that set it.
 */
import type { StackContext } from "../offline/analyzer";
import type { Mode } from "../offline/check";
import type { EngineEvent, PackAnalysis } from "../offline/events";
import { analyzeOffline } from "../offline/policy-analysis";
import { discoverRepository } from "../offline/app-context";
import type { PolicyPackConfig } from "../offline/policy-pack-config";
import { engineResources, type EngineResource } from "../offline/resource-graph";
import { UsageError } from "../offline/usage-error";
import { LOCATION_PREFIX, parseLocationLine } from "../../protocol";
import { composeResources, TYPES, type ComposeResources, type SourceMap } from "./compose-resources";
import type { Registration } from "../offline/registration";
import { judgedLine, type Discovery } from "./discovery";
import { platformResources } from "./platform-resources";
import type { SourceLine } from "./yaml-tree";

export interface OwnDeploymentOptions {
  /** Repository root (the --context directory). */
  root: string;
  /** --compose files, in merge order. */
  compose?: string[];
  policyPacks: string[];
  /** Pack config (--policy-pack-config), sent to each pack as the CLI's Configure does. */
  policyConfig?: PolicyPackConfig;
  mode: Mode;
  onProgress?: (message: string) => void;
  onPackOutput?: (line: string) => void;
}

export interface OwnDeploymentCheck {
  project: string;
  stack: string;
  mode: Mode;
  discovery: Discovery;
  /** Lines saying what was judged, for the report's header. */
  judged: string[];
  resources: EngineResource[];
  events: EngineEvent[];
  mandatoryFailure: boolean;
  durationMs: number;
}

/** The app's own deployment as resources, or null when the repository has none (no compose, no platform file). */
export function ownDeploymentResources(found: Discovery): ComposeResources | null {
  const own =
    found.composeProject !== null ? composeResources(found.composeProject) : platformResources(found);
  return own === null ? null : withComputedSettings(own, found);
}

/**
 * When manage.py or wsgi.py computes DJANGO_SETTINGS_MODULE with a function, the process runs with
 * the module it returns (`os.environ.setdefault` sets it before Django reads it). Discovery chose
 * that module from the candidates; the app's containers that set none get it, so the pack reads
 * the settings production really runs, not "could not verify".
 */
function withComputedSettings(own: ComposeResources, found: Discovery): ComposeResources {
  const settings = found.django?.settings;
  if (settings === undefined || settings === null || !settings.source.includes("computed")) return own;
  const registrations = own.run.registrations.map((r) => {
    if (r.type !== TYPES.container || !Array.isArray(r.inputs.envs ?? []) || !buildsApp(r)) return r;
    const envs = (r.inputs.envs ?? []) as string[];
    if (envs.some((e) => e.startsWith("DJANGO_SETTINGS_MODULE="))) return r;
    return { ...r, inputs: { ...r.inputs, envs: [...envs, `DJANGO_SETTINGS_MODULE=${settings.module}`] } };
  });
  return { ...own, run: { ...own.run, registrations } };
}

function buildsApp(container: Registration): boolean {
  return (container.propertyDependencies.image ?? []).length > 0;
}

export async function checkOwnDeployment(
  options: OwnDeploymentOptions,
  found: Discovery = discoverRepository(options.root, options.compose),
): Promise<OwnDeploymentCheck> {
  const startedAt = Date.now();
  const progress = options.onProgress ?? (() => undefined);
  const own = ownDeploymentResources(found);
  if (own === null) {
    throw new UsageError(
      `${options.root} has no deployment of its own (no compose file, no platform file with a start or release command): use --with-components`,
    );
  }
  const config = { "agency-deploy:mode": options.mode };
  const context: StackContext = {
    project: own.run.project,
    stack: own.run.stack,
    organization: own.run.organization,
    dryRun: true,
    config,
    secretKeys: [],
  };
  progress(`${found.compose?.files.join(" + ") ?? "platform files"}: starting the policy pack`);
  const analysis = await analyzeOffline(async () => ({ resources: engineResources(own.run, config) }), {
    ...options,
    context,
    startedAt,
    sourceRoot: options.root,
    onAnalyzing: (resources) =>
      progress(`analyzing ${resources.length} resources of the app's own deployment`),
    adjust: (pack) => locateInFiles(pack, own.sourceMap),
  });
  return {
    project: own.run.project,
    stack: own.run.stack,
    mode: options.mode,
    discovery: found,
    judged: judgedLines(found),
    resources: analysis.resources,
    events: analysis.events,
    mandatoryFailure: analysis.mandatoryFailure,
    durationMs: analysis.durationMs,
  };
}

export function judgedLines(found: Discovery): string[] {
  const lines = [judgedLine(found)];
  if (found.compose !== null) lines.push(`Compose files: ${found.compose.reason}.`);
  const settings = found.django?.settings;
  if (settings) {
    const others = settings.candidates.length > 0 ? `; it can also be ${settings.candidates.join(", ")}` : "";
    lines.push(`Settings module ${settings.module} from ${settings.source}${others}.`);
  }
  for (const b of found.django?.buildOnly ?? []) lines.push(`Build-only settings ${b.module} (${b.source}).`);
  if (found.notDjango !== null) lines.push(`Django items are n/a: ${found.notDjango}.`);
  for (const note of found.notes) lines.push(`Note: ${note}.`);
  return lines;
}

/** Rewrite `Location: <urn> <property>` lines to the compose or platform file:line that set them. */
export function locateInFiles(analysis: PackAnalysis, sourceMap: SourceMap): PackAnalysis {
  const rewrite = <T extends { diagnostics: { message: string; urn: string }[] }>(result: T): T => ({
    ...result,
    diagnostics: result.diagnostics.map((d) => ({ ...d, message: relocate(d.message, d.urn, sourceMap) })),
  });
  const resources = new Map([...analysis.resources].map(([urn, result]) => [urn, rewrite(result)]));
  return { ...analysis, resources, stack: rewrite(analysis.stack) };
}

function relocate(message: string, urn: string, sourceMap: SourceMap): string {
  const { text, location } = parseLocationLine(message);
  if (location.file !== undefined) return message;
  const resource = location.urn ?? urn;
  const map = sourceMap.get(resource);
  if (map === undefined) return message;
  const loc = sourceLineFor(map, location.property, text);
  if (loc === undefined) return message;
  return `${text}\n${LOCATION_PREFIX} ${loc.file}:${loc.line}`;
}

/** The most precise line for a property: `envs.NAME` when the message names the variable, else the property, else its parents. */
export function sourceLineFor(
  map: Map<string, SourceLine>,
  property: string | undefined,
  message: string,
): SourceLine | undefined {
  if (property === undefined) return map.get("");
  if (property === "envs") {
    for (const [key, loc] of map) {
      if (key.startsWith("envs.") && new RegExp(`\\b${key.slice(5)}\\b`).test(message)) return loc;
    }
  }
  let candidate: string = property;
  for (;;) {
    const loc = map.get(candidate);
    if (loc !== undefined) return loc;
    const cut = Math.max(candidate.lastIndexOf("."), candidate.lastIndexOf("["));
    if (cut <= 0) return map.get("");
    candidate = candidate.slice(0, cut);
  }
}
