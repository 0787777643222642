/**
 * DB-4: when the settings the app runs with define an audit
 * database, DATABASE_ROUTERS lists a router whose db_for_read / db_for_write / allow_migrate
 * send the audit models there. When manage.py or wsgi.py computes the settings module with a
 * function and nothing else names it, every production module the function can return is judged.
 */
import type { BuildContextFacts, SettingsModuleFacts } from "../../inspect/facts";
import { inContext, NOT_APPLICABLE, unverifiable, violation, type Finding, type ResourceRule } from "../rule";
import { DOCKER } from "../types";

/** Candidates named for development or tests are not what a production run picks. */
const NOT_PRODUCTION = /(^|[._])(dev|develop|development|local|test|tests|testing|ci)($|[._])/;

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
    if (module) {
      const findings = judgeModule(facts, module, "");
      return findings === null ? (notes.length > 0 ? notes : NOT_APPLICABLE) : [...notes, ...findings];
    }
    const candidates = productionCandidates(facts);
    if (candidates.length > 0) {
      const where = facts.settings.candidates?.location;
      const judged = `${where ? `${where.file}:${where.line}` : "manage.py"} computes the settings module; judged ${candidates.map((m) => m.module).join(", ")}`;
      const judgements = candidates.map((m) => judgeModule(facts, m, `${m.module} (${judged}): `));
      if (judgements.every((j) => j === null)) return notes.length > 0 ? notes : NOT_APPLICABLE;
      return [...notes, ...judgements.flatMap((j) => j ?? [])];
    }
    if (facts.django.managePy.length === 0 && facts.django.wsgi.length === 0) return NOT_APPLICABLE;
    return notes.length > 0
      ? notes
      : [
          unverifiable("the settings module the app runs with was not found in the build context.", {
            file: facts.context,
          }),
        ];
  },
};

/** The modules a computed setting can return for production (all of them when none is named so). */
function productionCandidates(facts: BuildContextFacts): SettingsModuleFacts[] {
  const names = facts.settings.candidates?.modules ?? [];
  const production = names.filter((name) => !NOT_PRODUCTION.test(name));
  const chosen = production.length > 0 ? production : names;
  return facts.settings.modules.filter((m) => chosen.includes(m.module));
}

/**
 * The audit router findings of one settings module, null when it defines no audit database;
 * `prefix` names the module when it is a candidate.
 */
function judgeModule(
  facts: BuildContextFacts,
  module: SettingsModuleFacts,
  prefix: string,
): Finding[] | null {
  const audit = module.databases.find((a) => /audit/i.test(a.alias));
  if (!audit) return null;
  const routers = facts.settings.routers.filter((r) => module.databaseRouters.includes(r.module));
  if (module.databaseRouters.length === 0) {
    return [
      violation(
        `${prefix}The settings define the "${audit.alias}" database but no DATABASE_ROUTERS, so audit records are written to the main database. Add a router for the audit app.`,
        inContext(facts, audit.location),
      ),
    ];
  }
  if (routers.some((r) => r.routesAudit)) return [];
  const where = routers.find((r) => r.location && r.file)?.location ?? audit.location;
  const unread = module.databaseRouters.filter(
    (name) => !facts.settings.routers.some((r) => r.module === name && r.file !== null),
  );
  if (unread.length > 0 && routers.every((r) => r.file === null)) {
    return [
      unverifiable(
        `${prefix}the database router ${unread.join(", ")} could not be found in the build context.`,
        inContext(facts, audit.location),
      ),
    ];
  }
  return [
    violation(
      `${prefix}None of the DATABASE_ROUTERS send the audit models to the "${audit.alias}" database (db_for_read, db_for_write and allow_migrate).`,
      inContext(facts, where),
    ),
  ];
}
