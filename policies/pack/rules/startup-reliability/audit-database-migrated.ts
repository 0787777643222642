/**
 * SR-3: when the deployment has an audit database, it is migrated
 * as its own step (`migrate --database=audit`); a plain `migrate` only touches the default one.
 */
import { runsNoDjango } from "../../deployment/app-builds";
import { NOT_APPLICABLE, violation, type StackRule } from "../rule";
import { stepsOf } from "../../deployment/start-plan";
import { APP_BUILD_TYPES } from "../types";

export const auditDatabaseMigrated: StackRule = {
  id: "SR-3",
  policy: "audit-database-migrated",
  category: "startup-reliability",
  severity: "high",
  title: "Audit database not migrated",
  description: "The audit database is migrated as its own step (`migrate --database=audit`).",
  impact: "Audit writes fail at run time (missing tables) and the audit trail is lost.",
  fix: "Add a release step `python manage.py migrate --database=audit --noinput` after the app migration.",
  verify: "docker logs <release container> | grep 'migrate --database=audit'",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    if (runsNoDjango(deployment)) return NOT_APPLICABLE;
    const hasAudit =
      deployment.workloads.some((w) => w.env.AUDIT_DATABASE_URL !== undefined) ||
      deployment.withRole("database").some((d) => /audit/i.test(d.resource.name));
    if (!hasAudit) return NOT_APPLICABLE;
    const plans = deployment.plans;
    const migrations = stepsOf(plans, "migrate");
    if (migrations.some(({ step }) => step.database !== null && /audit/i.test(step.database))) return [];
    const runner = migrations[0];
    if (!runner) {
      const unread = plans.find((p) => p.unverifiable)?.unverifiable;
      return unread
        ? [unread]
        : [
            violation(
              "The deployment has an audit database but nothing migrates it. Add a release step `python manage.py migrate --database=audit --noinput`.",
            ),
          ];
    }
    return [
      violation(
        `${runner.plan.workload.resource.name} migrates only the main database; the audit database is never migrated, so audit writes fail. Add \`manage.py migrate --database=audit\` as its own step.`,
        runner.step.location,
      ),
    ];
  },
};
