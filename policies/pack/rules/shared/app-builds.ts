/**
 * The application's build contexts, as the context-based rules see them: every docker Image built
 * from a local context (inspected with the settings module its web workload sets at run time), and
 * every web or release workload whose image cannot be inspected (a pushed reference, a RemoteImage),
 * which makes the context part of an item "could not verify" rather than a silent pass.
 */
import * as path from "path";
import type { BuildContextFacts, InspectTopic } from "../../inspect/facts";
import { isUnknown } from "../props";
import {
  inContext,
  NOT_APPLICABLE,
  unverifiable,
  type Finding,
  type Location,
  type Resource,
  type RuleContext,
} from "../rule";
import { DOCKER } from "../types";
import { brokenInputs } from "./broken-input";
import { buildShapeFindings } from "./image-facts";
import { imageResourcesOf, workloads, type Workload } from "./workloads";

export interface InspectedBuild {
  image: Resource;
  facts: BuildContextFacts;
  /** Workloads that run this image. */
  workloads: Workload[];
}

export interface AppBuilds {
  inspected: InspectedBuild[];
  /** Why some part of the application could not be inspected, one finding per resource. */
  opaque: Finding[];
}

const APP_ROLES = new Set(["web", "release"]);

export async function appBuilds(resources: readonly Resource[], ctx: RuleContext): Promise<AppBuilds> {
  const all = workloads(resources);
  const inspected: InspectedBuild[] = [];
  const opaque: Finding[] = [];
  const linked = new Set<Workload>();
  // One pass over the workloads (not one per image): a fleet stack has hundreds of each.
  const usersOf = new Map<Resource, Workload[]>();
  for (const workload of all) {
    for (const image of imageResourcesOf(workload, resources)) {
      usersOf.set(image, [...(usersOf.get(image) ?? []), workload]);
    }
  }
  for (const image of resources.filter((r) => r.type === DOCKER.image)) {
    const users = usersOf.get(image) ?? [];
    users.forEach((w) => linked.add(w));
    const odd = buildShapeFindings(image);
    if (odd.length > 0) {
      opaque.push(...odd);
      continue;
    }
    const settingsModule = runtimeSettingsModule(users);
    const facts = await ctx.buildContext(image, settingsModule);
    if (facts === undefined) {
      opaque.push(
        unverifiable(
          `the image "${image.name}" has no local build context, so its files cannot be inspected`,
          {
            urn: image.urn,
            property: "build.context",
          },
        ),
      );
      continue;
    }
    if (!isDjangoContext(facts)) continue;
    inspected.push({ image, facts, workloads: users });
  }
  for (const workload of all) {
    if (!APP_ROLES.has(workload.role) || linked.has(workload)) continue;
    opaque.push(
      unverifiable(
        `"${workload.resource.name}" runs an image that is not built in this stack (a pushed or remote image), ` +
          "so its Dockerfile, entrypoint and settings cannot be inspected",
        { urn: workload.resource.urn, property: workload.path === "" ? "image" : `${workload.path}.image` },
      ),
    );
  }
  return { inspected, opaque };
}

/** DJANGO_SETTINGS_MODULE the web workloads set at run time (release workloads as a fallback). */
export function runtimeSettingsModule(users: readonly Workload[]): string | undefined {
  const ordered = [...users.filter((w) => w.role === "web"), ...users.filter((w) => w.role !== "web")];
  for (const w of ordered) {
    const value = w.knownEnv.DJANGO_SETTINGS_MODULE;
    if (value !== undefined && !isUnknown(value) && value !== "") return value;
  }
  return undefined;
}

/** A context that holds a Django project (other images, e.g. a custom proxy, are not judged here). */
function isDjangoContext(facts: BuildContextFacts): boolean {
  return facts.django.managePy.length > 0 || facts.settings.modules.length > 0 || facts.entrypoint !== null;
}

/**
 * The inspector's notes on the given topics, as findings with file:line: broken input (a Dockerfile
 * BuildKit rejects, a missing COPY source, a settings syntax error) fails the item; what it could
 * not decide is "could not verify".
 */
export function contextGaps(facts: BuildContextFacts, topics: readonly InspectTopic[]): Finding[] {
  return [
    ...brokenInputs(facts, topics),
    ...facts.unverifiable
      .filter((u) => topics.includes(u.topic))
      .map((u) =>
        unverifiable(u.reason, u.location ? inContext(facts, u.location) : { file: facts.context }),
      ),
  ];
}

/** Runtime settings modules: the ones the running app imports (build-only modules are exempt). */
export function runtimeModules(facts: BuildContextFacts) {
  return facts.settings.modules.filter((m) => m.runtime && !m.buildOnly && m.exists);
}

/** A whole file of the context (for something absent from it): the file without a line. */
export function wholeFile(facts: BuildContextFacts, file: string | null): Location {
  return { file: file === null ? facts.context : path.join(facts.context, file) };
}

/** Where a finding about a build as a whole points: its Dockerfile, else the context directory. */
export function buildLocation(build: InspectedBuild) {
  const file = build.facts.dockerfile?.file;
  return file
    ? inContext(build.facts, { file, line: 1 })
    : { file: build.facts.context, urn: build.image.urn };
}

/** `True`, `"true"`, `1`, `"yes"`, `"on"` -> true; the falsy spellings -> false; anything else undefined. */
export function truthy(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value !== "string") return undefined;
  const v = value
    .trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  if (["true", "1", "yes", "on", "y", "t"].includes(v)) return true;
  if (["false", "0", "no", "off", "n", "f", ""].includes(v)) return false;
  return undefined;
}

/**
 * The usual shape of a context-based rule: judge every inspected Django build, say "could not
 * verify" for the application parts that cannot be inspected and for the inspector's gaps on the
 * rule's topics; not applicable when the stack runs no application at all.
 */
export async function judgeBuilds(
  resources: readonly Resource[],
  ctx: RuleContext,
  topics: readonly InspectTopic[],
  judge: (build: InspectedBuild) => Finding[],
): Promise<Finding[] | typeof NOT_APPLICABLE> {
  const { inspected, opaque } = await appBuilds(resources, ctx);
  if (inspected.length === 0 && opaque.length === 0) return NOT_APPLICABLE;
  return [...opaque, ...inspected.flatMap((build) => [...contextGaps(build.facts, topics), ...judge(build)])];
}

/** The workload runs this build's image (workload objects are rebuilt per call: compare identities). */
export function runsBuild(build: InspectedBuild, workload: Workload): boolean {
  return build.workloads.some((w) => w.resource.urn === workload.resource.urn && w.path === workload.path);
}
