/**
 * DB-4: when the settings the app runs with define an audit
 * database, DATABASE_ROUTERS lists a router whose db_for_read / db_for_write / allow_migrate
 * send the audit models there.
 */
import { inContext, NOT_APPLICABLE, unverifiable, violation, type Finding, type ResourceRule } from "../rule";
import { DOCKER } from "../types";

export const auditDatabaseRouter: ResourceRule = {
  id: "DB-4",
  policy: "audit-database-router",
  category: "database-safety",
  severity: "medium",
  title: "Audit models not routed to the audit database",
  description: "A database router sends audit models to the audit database.",
  impact: "Audit rows land in the app database where the app can alter them.",
  fix: "Add a router whose db_for_read/db_for_write/allow_migrate send the audit app to `audit`, listed in DATABASE_ROUTERS.",
  verify: "python manage.py migrate --database=audit --plan   # lists only audit migrations",
  scope: "resource",
  types: [DOCKER.image, DOCKER.remoteImage],
  check(resource, deployment) {
    const { facts, notes } = deployment.imageFacts(resource, ["settings", "django-project", "context"]);
    if (!facts) return notes;
    const module = facts.settings.modules.find((m) => m.module === facts.settings.runtimeModule);
    if (!module) {
      if (facts.django.managePy.length === 0 && facts.django.wsgi.length === 0) return NOT_APPLICABLE;
      return notes.length > 0
        ? notes
        : [
            unverifiable("the settings module the app runs with was not found in the build context.", {
              file: facts.context,
            }),
          ];
    }
    const audit = module.databases.find((a) => /audit/i.test(a.alias));
    if (!audit) return notes.length > 0 ? notes : NOT_APPLICABLE;
    const findings: Finding[] = [...notes];
    const routers = facts.settings.routers.filter((r) => module.databaseRouters.includes(r.module));
    if (module.databaseRouters.length === 0) {
      findings.push(
        violation(
          `The settings define the "${audit.alias}" database but no DATABASE_ROUTERS, so audit records are written to the main database. Add a router for the audit app.`,
          inContext(facts, audit.location),
        ),
      );
    } else if (!routers.some((r) => r.routesAudit)) {
      const where = routers.find((r) => r.location && r.file)?.location ?? audit.location;
      const unread = module.databaseRouters.filter(
        (name) => !facts.settings.routers.some((r) => r.module === name && r.file !== null),
      );
      if (unread.length > 0 && routers.every((r) => r.file === null)) {
        findings.push(
          unverifiable(
            `the database router ${unread.join(", ")} could not be found in the build context.`,
            inContext(facts, audit.location),
          ),
        );
      } else {
        findings.push(
          violation(
            `None of the DATABASE_ROUTERS send the audit models to the "${audit.alias}" database (db_for_read, db_for_write and allow_migrate).`,
            inContext(facts, where),
          ),
        );
      }
    }
    return findings;
  },
};
