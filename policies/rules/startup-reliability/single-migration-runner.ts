/**
 * SR-8 single-migration-runner (high): exactly one thing applies migrations. Two runners (a
 * release job and a web service that also migrates at start), or a migrating service with more
 * than one replica, race each other on the schema.
 */
import { num } from "../props";
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { applicationPlans, serves } from "../shared/start-plan";
import { AZURE } from "../types";
import type { Workload } from "../shared/workloads";

/** Container Apps' default maximum replicas when `template.scale` sets none. */
const CONTAINER_APPS_DEFAULT_MAX_REPLICAS = 10;

function maxReplicas(w: Workload): number {
  if (w.resource.type !== AZURE.containerApp) return 1;
  return num(w.resource.props, "template.scale.maxReplicas") ?? CONTAINER_APPS_DEFAULT_MAX_REPLICAS;
}

export const singleMigrationRunner: StackRule = {
  id: "SR-8",
  scope: "stack",
  async check(resources, ctx) {
    const plans = await applicationPlans(resources, ctx);
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
    const distinct = new Set(runners.map((p) => p.workload.resource.urn));
    if (distinct.size > 1) {
      const names = runners.map((p) => p.workload.resource.name).join(", ");
      const extra = runners.find(serves) ?? runners[1];
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
