/**
 * HC-2: the web service has liveness and readiness checks on an HTTP
 * endpoint; each database has a `pg_isready` check with a start period.
 *
 * Docker has one healthcheck per container. Liveness: that healthcheck requests an HTTP URL (the
 * container's own, or the image's HEALTHCHECK when the container sets none). Readiness: `wait: true`
 * on the container, which holds the deployment (and everything that depends on the container, such
 * as the proxy) until the HTTP check passes. Azure: a Liveness and a Readiness probe, both `httpGet`.
 * Managed Azure PostgreSQL is health-checked by the platform, so only container databases are judged.
 */
import { COMPOSE_SERVICE_LABEL } from "../../../protocol";
import { at, bool, isUnknown, list, str } from "../props";
import { inContext, NOT_APPLICABLE, unverifiable, violation } from "../rule";
import type { Finding, StackRule } from "../rule";
import { appBuilds, runsBuild } from "../../deployment/app-builds";
import { propertyOf, type Workload } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";

export const healthChecks: StackRule = {
  id: "HC-2",
  policy: "health-checks",
  category: "hosting-compatibility",
  severity: "high",
  severityReason:
    "Without health checks a broken instance keeps receiving traffic and nothing restarts it: an outage that lasts until someone notices.",
  title: "Health checks missing",
  description:
    "The web service has liveness and readiness checks on an HTTP endpoint; each database has pg_isready with a start period.",
  impact: "Broken instances keep receiving traffic and nothing restarts them.",
  fix: "Add HTTP healthchecks on /healthz/ and /readyz/ and pg_isready healthchecks with a start period.",
  verify: "docker inspect <container> --format '{{.State.Health.Status}}'   # healthy",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    const all = deployment.workloads;
    const web = all.filter((w) => w.role === "web");
    const databases = all.filter((w) => w.role === "database" && w.platform === "docker");
    if (web.length === 0 && databases.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    const needsImage = web.filter((w) => w.platform === "docker" && !w.healthcheck.set);
    const builds = needsImage.length > 0 ? deployment.builds : undefined;
    for (const w of web) {
      findings.push(...(w.platform === "azure" ? azureProbes(w) : dockerWeb(w, builds)));
    }
    for (const db of databases) findings.push(...database(db));
    return findings;
  },
};

function dockerWeb(w: Workload, builds: Awaited<ReturnType<typeof appBuilds>> | undefined): Finding[] {
  const { name, urn, props } = w.resource;
  const own = w.healthcheck;
  if (own.unknown)
    return [unverifiable(`the healthcheck of "${name}" is not known until deployment`, { urn })];
  const findings: Finding[] = [];
  let http = false;
  if (own.set) {
    if (own.off) {
      findings.push(
        violation(`The healthcheck of "${name}" is switched off ("NONE").`, {
          urn,
          property: "healthcheck.tests",
        }),
      );
    } else if (own.probe.http) {
      http = true;
    } else {
      findings.push(
        violation(
          `The healthcheck of "${name}" does not request a web page, so it cannot tell whether the app answers; ` +
            "check an HTTP endpoint such as /healthz/.",
          { urn, property: "healthcheck.tests" },
        ),
      );
    }
  } else {
    const build = builds?.inspected.find((b) => runsBuild(b, w));
    const stage = build?.facts.dockerfile?.stages[build.facts.dockerfile.finalStageIndex];
    const imageCheck = stage?.healthcheck;
    if (build === undefined) {
      findings.push(
        unverifiable(`"${name}" sets no healthcheck and its image cannot be inspected for one`, { urn }),
      );
    } else if (imageCheck && !imageCheck.disabled && imageCheck.probe.http) {
      http = true;
    } else {
      findings.push(
        violation(
          `The web container "${name}" has no HTTP healthcheck: nothing notices when the app stops answering.`,
          inContext(build.facts, imageCheck?.location ?? stage?.location ?? { file: "Dockerfile", line: 1 }),
        ),
      );
    }
  }
  // Under compose nothing goes ahead after the web service; what must wait for it says so with
  // depends_on: service_healthy, which the translation turns into `wait` on the service waited for.
  const underCompose = list(props, "labels").some((l) => str(l, "label") === COMPOSE_SERVICE_LABEL);
  if (http && bool(props.wait) !== true && !underCompose) {
    findings.push(
      violation(
        `"${name}" is not waited for ("wait": true): traffic and the rest of the deployment go ahead before the app is ready.`,
        { urn, property: "wait" },
      ),
    );
  }
  return findings;
}

function azureProbes(w: Workload): Finding[] {
  const { name, urn } = w.resource;
  const probes = list(w.resource.props, `template.containers.${w.path.match(/\d+/)?.[0] ?? "0"}.probes`);
  const findings: Finding[] = [];
  for (const kind of ["Liveness", "Readiness"]) {
    const probe = probes.find((p) => (str(p, "type") ?? "").toLowerCase() === kind.toLowerCase());
    const property = propertyOf(w, "probes");
    if (probe === undefined) {
      findings.push(
        violation(`The container app "${name}" has no ${kind.toLowerCase()} probe.`, { urn, property }),
      );
    } else if (at(probe, "httpGet") === undefined) {
      findings.push(
        violation(
          `The ${kind.toLowerCase()} probe of "${name}" does not request an HTTP endpoint (use httpGet).`,
          {
            urn,
            property,
          },
        ),
      );
    }
  }
  return findings;
}

function database(w: Workload): Finding[] {
  const { name, urn, props } = w.resource;
  if (w.healthcheck.unknown)
    return [unverifiable(`the healthcheck of "${name}" is not known until deployment`, { urn })];
  if (!w.healthcheck.probe.postgres) {
    return [
      violation(
        `The database "${name}" has no pg_isready healthcheck, so nothing can wait until it accepts connections.`,
        { urn, property: "healthcheck.tests" },
      ),
    ];
  }
  const startPeriod = at(props, "healthcheck.startPeriod");
  if (isUnknown(startPeriod))
    return [unverifiable(`the healthcheck start period of "${name}" is not known`, { urn })];
  const text = str(startPeriod) ?? "";
  if (text === "" || /^0+[a-z]*$/.test(text)) {
    return [
      violation(
        `The healthcheck of the database "${name}" has no start period: a slow first start (or recovery) is counted ` +
          'as failures. Set healthcheck.startPeriod, e.g. "30s".',
        { urn, property: "healthcheck.startPeriod" },
      ),
    ];
  }
  return [];
}
