/**
 * The application's build contexts, as the context-based rules see them: every docker Image built
 * from a local context (inspected with the settings module its web workload sets at run time), and
 * every web or release workload whose image cannot be inspected (a pushed reference, a RemoteImage),
 * which makes the context part of an item "could not verify" rather than a silent pass.
 */
import type { BuildContextFacts } from "../inspect/facts";
import { isUnknown, misshapen, OBJECT, STRING } from "../rules/props";
import { unverifiable, type Finding, type Resource } from "../rules/rule";
import { DOCKER } from "../rules/types";
import type { Deployment } from "./index";
import type { Workload } from "./workloads";

export interface InspectedBuild {
  image: Resource;
  facts: BuildContextFacts;
  /** Workloads that run this image. */
  workloads: Workload[];
  /** The context holds a Django project (not a Flask app or another Python server). */
  django: boolean;
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
    if (!isAppContext(facts)) continue;
    inspected.push({ image, facts, workloads: users, django: isDjangoContext(facts) });
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

/** A context that holds the application (other images, e.g. a custom proxy, are not judged here). */
function isAppContext(facts: BuildContextFacts): boolean {
  return facts.django.managePy.length > 0 || facts.settings.modules.length > 0 || facts.entrypoint !== null;
}

/** A context that holds a Django project: manage.py, a settings module, Django installed, or manage.py run at start. */
export function isDjangoContext(facts: BuildContextFacts): boolean {
  return (
    facts.django.managePy.length > 0 ||
    facts.settings.modules.some((m) => m.exists) ||
    facts.requirements.installed.some((r) => r.name === "django") ||
    (facts.entrypoint?.steps.some((s) => s.manageCommand !== null) ?? false)
  );
}

/**
 * Every application image of the deployment is built here and none holds a Django project (a
 * Flask app, a static site): the Django items (migrate, the security check, settings, the audit
 * database) do not apply. False when an application image cannot be inspected: then it cannot be told.
 */
export function runsNoDjango(deployment: Deployment): boolean {
  const { inspected, opaque } = deployment.builds;
  return opaque.length === 0 && inspected.length > 0 && inspected.every((b) => !b.django);
}

/** The workload runs this build's image (workload objects are rebuilt per call: compare identities). */
export function runsBuild(build: InspectedBuild, workload: Workload): boolean {
  return build.workloads.some((w) => w.resource.urn === workload.resource.urn && w.path === workload.path);
}
