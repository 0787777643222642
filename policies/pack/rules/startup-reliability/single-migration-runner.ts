/**
 * SR-8: exactly one thing applies migrations. Two runners (a
 * release job and a web service that also migrates at start), or a migrating service with more
 * than one replica, race each other on the schema.
 *
 * Runners only race when they migrate the same database: a program of many agency instances has
 * one release job per instance, each on its own database (see mayShare). What cannot be told
 * apart is assumed shared, so an unknown never hides a race.
 */
import { COMPOSE_REPLICAS_LABEL } from "../../../protocol";
import { list, num, str } from "../props";
import { NOT_APPLICABLE, violation, type Finding, type Resource, type StackRule } from "../rule";
import { serves, type StartPlan } from "../../deployment/start-plan";
import { APP_BUILD_TYPES, AZURE } from "../types";
import { type Workload } from "../../deployment/workloads";
import type { Deployment } from "../../deployment";

/** Container Apps' default maximum replicas when `template.scale` sets none. */
const CONTAINER_APPS_DEFAULT_MAX_REPLICAS = 10;

/** The label a translated compose service carries for `deploy.replicas` (see protocol.ts). */
function composeReplicas(w: Workload): number {
  const label = list(w.resource.props, "labels").find((l) => str(l, "label") === COMPOSE_REPLICAS_LABEL);
  const replicas = Number(str(label, "value"));
  return Number.isInteger(replicas) && replicas > 0 ? replicas : 1;
}

function maxReplicas(w: Workload): number {
  if (w.resource.type !== AZURE.containerApp) return composeReplicas(w);
  return num(w.resource.props, "template.scale.maxReplicas") ?? CONTAINER_APPS_DEFAULT_MAX_REPLICAS;
}

export const singleMigrationRunner: StackRule = {
  id: "SR-8",
  policy: "single-migration-runner",
  category: "startup-reliability",
  severity: "high",
  title: "Every replica runs migrations",
  description: "Exactly one runner applies migrations; replicated web services do not migrate at start.",
  impact: "Concurrent migrations race: deadlocks, duplicate columns, half-applied schema.",
  fix: "Move migrations out of the entrypoint into the single release job.",
  verify: "Only the release job's command contains `migrate`.",
  scope: "stack",
  types: [...APP_BUILD_TYPES, AZURE.postgresServer, AZURE.postgresDatabase],
  check(deployment) {
    const plans = deployment.plans;
    const runners = plans.filter((p) => p.steps.some((s) => s.kind === "migrate"));
    if (runners.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    for (const plan of runners) {
      const replicas = maxReplicas(plan.workload);
      if (replicas > 1) {
        findings.push(
          violation(
            `${plan.workload.resource.name} runs migrations at start and can run ${replicas} replicas at once, which race each other. Move migrations to a single release job.`,
            plan.steps.find((s) => s.kind === "migrate")?.location,
          ),
        );
      }
    }
    for (const group of byDatabase(runners, deployment)) {
      const distinct = new Set(group.map((p) => p.workload.resource.urn));
      if (distinct.size < 2) continue;
      const names = group.map((p) => p.workload.resource.name).join(", ");
      const extra = group.find(serves) ?? group[1];
      findings.push(
        violation(
          `Migrations are applied by more than one service (${names}), and they can run at the same time. Keep migrate only in the release job.`,
          extra.steps.find((s) => s.kind === "migrate")?.location,
        ),
      );
    }
    return findings;
  },
};

interface Target {
  /** Host, port and name of a known DATABASE_URL. */
  url?: string;
  /** Database resources the runner waits for. */
  databases: Set<string>;
}

/** Runners grouped so that two runners that may migrate the same database share a group. */
function byDatabase(runners: readonly StartPlan[], deployment: Deployment): StartPlan[][] {
  const databases = [
    ...deployment.workloads.filter((w) => w.role === "database").map((w) => w.resource),
    ...deployment.resources.filter(
      (r) => r.type === AZURE.postgresServer || r.type === AZURE.postgresDatabase,
    ),
  ];
  const targets = runners.map((plan) => targetOf(plan.workload, databases, deployment));
  const groups: StartPlan[][] = [];
  const groupOf: number[] = [];
  runners.forEach((plan, i) => {
    const j = runners.findIndex((_, k) => k < i && mayShare(targets[k], targets[i]));
    if (j === -1) {
      groupOf[i] = groups.push([plan]) - 1;
    } else {
      groupOf[i] = groupOf[j];
      groups[groupOf[j]].push(plan);
    }
  });
  return groups;
}

/**
 * Either sign that two runners migrate different databases is enough: they wait for disjoint
 * database resources (the same `app-db` alias on each instance's own network), or their known
 * URLs differ (two databases on one server).
 */
function mayShare(a: Target, b: Target): boolean {
  if (a.databases.size > 0 && b.databases.size > 0 && ![...a.databases].some((db) => b.databases.has(db))) {
    return false;
  }
  return a.url === undefined || b.url === undefined || a.url === b.url;
}

function targetOf(workload: Workload, databases: readonly Resource[], deployment: Deployment): Target {
  const waitsFor = new Set(
    databases.filter((db) => deployment.dependsOn(workload.resource, db)).map((db) => db.urn),
  );
  const url = deployment.resolvedEnv(workload, "DATABASE_URL");
  if (url?.kind !== "value") return { databases: waitsFor };
  try {
    const parsed = new URL(url.value);
    return parsed.host === ""
      ? { databases: waitsFor }
      : { url: `${parsed.host.toLowerCase()}${parsed.pathname}`, databases: waitsFor };
  } catch {
    return { databases: waitsFor };
  }
}
