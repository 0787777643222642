/**
 * DB-5: whatever applies migrations takes a backup first: a backup
 * step before `migrate` in the same script, or a backup job the migration runner depends on. On
 * Azure, the PostgreSQL server's automatic backups (point-in-time restore to just before the
 * release) count as that backup.
 */
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { whereOf } from "../../deployment/start-plan";
import { APP_BUILD_TYPES, AZURE } from "../types";

export const backupBeforeMigrate: StackRule = {
  id: "DB-5",
  policy: "backup-before-migrate",
  category: "database-safety",
  severity: "medium",
  title: "No backup before migrations",
  description: "A backup step runs before migrate in the release (or a scripted, documented one exists).",
  impact: "A destructive migration cannot be undone: the data is gone.",
  fix: "Enable `agency-deploy:backup.beforeRelease` so the release dumps both databases before migrating.",
  verify: "docker logs <release container> | head   # the backup step runs first",
  scope: "stack",
  types: [...APP_BUILD_TYPES, AZURE.postgresServer],
  check(deployment) {
    const plans = deployment.plans;
    const runners = plans.filter((p) => p.steps.some((s) => s.kind === "migrate"));
    if (runners.length === 0) return NOT_APPLICABLE;
    const backupJobs = deployment.workloads.filter((w) => w.role === "backup");
    const pointInTime = deployment.resources.some((r) => r.type === AZURE.postgresServer);
    const findings: Finding[] = [];
    for (const plan of runners) {
      const first = plan.steps.findIndex((s) => s.kind === "migrate");
      if (plan.steps.slice(0, first).some((s) => s.kind === "backup")) continue;
      if (
        backupJobs.some(
          (b) =>
            b.resource !== plan.workload.resource && deployment.dependsOn(plan.workload.resource, b.resource),
        )
      )
        continue;
      if (plan.workload.platform === "azure" && pointInTime) continue;
      const step = plan.steps[first];
      findings.push(
        violation(
          `${plan.workload.resource.name} migrates the database (${whereOf(step.location)}) without taking a backup first, so a destructive migration cannot be undone. Add a backup step before migrate (agency-deploy:backup.beforeRelease).`,
          step.location,
        ),
      );
    }
    return findings;
  },
};
