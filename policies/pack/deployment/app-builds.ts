/**
 * The application's build contexts, as the context-based rules see them: every docker Image built
 * from a local context (inspected with the settings module its web workload sets at run time), and
 * every web or release workload whose image cannot be inspected (a pushed reference, a RemoteImage),
 * which makes the context part of an item "could not verify" rather than a silent pass.
 */
import * as path from "path";
import type { BuildContextFacts, InspectTopic } from "../inspect/facts";
import { isUnknown, OBJECT, STRING } from "../rules/props";
import {
  inContext,
  NOT_APPLICABLE,
  unverifiable,
  type Finding,
  type Location,
  type Resource,
} from "../rules/rule";
import { misshapen } from "../rules/shared/shapes";
import { DOCKER } from "../rules/types";
import type { Deployment } from "./index";
import type { Workload } from "./workloads";

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

/** The workloads that run each image of the deployment, in one pass (a fleet has hundreds of each). */
export function usersOfImages(deployment: Deployment): Map<Resource, Workload[]> {
  const usersOf = new Map<Resource, Workload[]>();
  for (const workload of deployment.workloads) {
    for (const image of deployment.imagesOf(workload)) {
      usersOf.set(image, [...(usersOf.get(image) ?? []), workload]);
    }
  }
  return usersOf;
}

/** The local builds of the deployment, judged with the settings module their web workloads run. */
export function appBuilds(deployment: Deployment): AppBuilds {
  const inspected: InspectedBuild[] = [];
  const opaque: Finding[] = [];
  const linked = new Set<Workload>();
  const usersOf = deployment.usersOfImages;
  for (const image of deployment.resources.filter((r) => r.type === DOCKER.image)) {
    const users = usersOf.get(image) ?? [];
    users.forEach((w) => linked.add(w));
    const odd = buildShapeFindings(image);
    if (odd.length > 0) {
      opaque.push(...odd);
      continue;
    }
    const facts = deployment.facts.of(image, runtimeSettingsModule(users));
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
  for (const workload of deployment.workloads) {
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

/**
 * A build whose context, Dockerfile path or target is set but unreadable: the build-context reader
 * would otherwise fall back to the default Dockerfile and judge a file the image is not built from.
 */
export function buildShapeFindings(image: Resource): Finding[] {
  if (image.type !== DOCKER.image) return [];
  const build = misshapen(image, { build: OBJECT });
  return build.length > 0
    ? build
    : misshapen(image, { "build.context": STRING, "build.dockerfile": STRING, "build.target": STRING });
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

/** The inspector's "could not decide" notes on the given topics, as findings with file:line. */
export function contextGaps(facts: BuildContextFacts, topics: readonly InspectTopic[]): Finding[] {
  return facts.unverifiable
    .filter((u) => topics.includes(u.topic))
    .map((u) => unverifiable(u.reason, u.location ? inContext(facts, u.location) : { file: facts.context }));
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
export function judgeBuilds(
  deployment: Deployment,
  topics: readonly InspectTopic[],
  judge: (build: InspectedBuild) => Finding[],
): Finding[] | typeof NOT_APPLICABLE {
  const { inspected, opaque } = deployment.builds;
  if (inspected.length === 0 && opaque.length === 0) return NOT_APPLICABLE;
  return [...opaque, ...inspected.flatMap((build) => [...contextGaps(build.facts, topics), ...judge(build)])];
}

/** The workload runs this build's image (workload objects are rebuilt per call: compare identities). */
export function runsBuild(build: InspectedBuild, workload: Workload): boolean {
  return build.workloads.some((w) => w.resource.urn === workload.resource.urn && w.path === workload.path);
}
