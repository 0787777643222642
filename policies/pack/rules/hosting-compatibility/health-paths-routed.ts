/**
 * HC-9 health-paths-routed (high): the paths the health and readiness checks request are routed
 * by the app (its URL configuration, includes followed, or a middleware that answers them before
 * routing). The components probe `/healthz/` and `/readyz/` by default; an app without them
 * answers 404, the web service never becomes healthy and the release never finishes.
 */
import type { UrlConfigurationFacts } from "../../inspect/facts";
import { at, list, str } from "../props";
import { judgeEach, unreadableInputs, unverifiable, violation, type Finding, type StackRule } from "../rule";
import { APP_BUILD_TYPES } from "../types";
import type { Deployment } from "../../deployment";
import { propertyOf, type Workload } from "../../deployment/workloads";

export const healthPathsRouted: StackRule = {
  id: "HC-9",
  policy: "health-paths-routed",
  category: "hosting-compatibility",
  severity: "high",
  severityReason:
    "A probe on a path the app does not route never succeeds: the release never turns healthy or the app is restarted in a loop.",
  title: "Health check requests a path the app does not serve",
  description: "The paths the health and readiness checks request exist in the app's URL configuration.",
  impact:
    "The probe gets 404: the web service never turns healthy, the release waits and fails, or the app is restarted in a loop.",
  fix: "Route the path in the URL configuration, or set `agency-deploy:django.healthPath` / `readinessPath` to paths the app serves.",
  verify: "python manage.py shell -c \"from django.urls import resolve; resolve('/healthz/')\"",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) =>
    judgeEach(deployment, deployment.withRole("web"), (web) => probedPaths(web, deployment)),
};

/** The paths one web workload's checks request, against the URL configuration it runs; null without checks. */
function probedPaths(web: Workload, deployment: Deployment): Finding[] | null {
  const probes = probePaths(web);
  if (probes.length === 0) return null;
  const found = deployment.factsOf(web);
  if ("reason" in found) return null;
  // ROOT_URLCONF is a setting: settings Python cannot parse name none (CH-8 fails them).
  const unreadable = unreadableInputs(found.facts, ["settings"]);
  if (unreadable.length > 0) return unreadable;
  const urls = found.facts.urls;
  if (urls === null || urls.file === null) {
    return [
      unverifiable(
        `the URL configuration of ${web.resource.name} (ROOT_URLCONF${urls?.module ? ` ${urls.module}` : ""}) is not in the build context, so its health paths cannot be checked`,
        { urn: web.resource.urn, property: probes[0].property },
      ),
    ];
  }
  return probes
    .filter((probe) => !routes(urls, probe.path))
    .map((probe) => {
      const message =
        `${web.resource.name}'s ${probe.kind} check requests ${probe.path}, which the URL configuration ` +
        `(${urls.module}) does not route: the app answers 404 and never turns healthy. Route ${probe.path} in the app, ` +
        `or set agency-deploy:django.${probe.kind === "readiness" ? "readinessPath" : "healthPath"} to a path it serves.`;
      const location = { urn: web.resource.urn, property: probe.property };
      return urls.dynamic
        ? unverifiable(`${message} (some routes are built at run time and could not be read)`, location)
        : violation(message, location);
    });
}

/** Whether `path` (as a probe requests it) is routed: the exact route, or with/without a trailing slash (APPEND_SLASH redirects). */
export function routes(facts: UrlConfigurationFacts, probe: string): boolean {
  const bare = probe.split("?")[0];
  const wanted = new Set([bare, bare.endsWith("/") ? bare.slice(0, -1) : `${bare}/`]);
  return (
    facts.routes.some((r) => wanted.has(r.path)) || facts.middlewarePaths.some((m) => wanted.has(m.path))
  );
}

interface Probe {
  kind: "health" | "readiness" | "liveness";
  path: string;
  property: string;
}

/** HTTP paths a web workload's checks request: docker healthcheck commands, Azure probes. */
function probePaths(web: Workload): Probe[] {
  const probes: Probe[] = [];
  if (web.platform === "docker") {
    const path = web.healthcheck.probe.urlPath;
    if (path !== null) probes.push({ kind: "readiness", path, property: "healthcheck.tests" });
    return probes;
  }
  const container = at(web.resource.props, web.path);
  list(container, "probes").forEach((probe, i) => {
    const path = str(probe, "httpGet.path");
    const type = (str(probe, "type") ?? "").toLowerCase();
    if (path === undefined) return;
    probes.push({
      kind: type === "readiness" ? "readiness" : type === "liveness" ? "liveness" : "health",
      path,
      property: propertyOf(web, `probes[${i}].httpGet.path`),
    });
  });
  return probes;
}
