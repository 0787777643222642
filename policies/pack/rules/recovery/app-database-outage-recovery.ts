/**
 * RC-1: the app recovers by itself from an outage of its database when (1) the web container
 * restarts after crashing (restart policy; Container Apps always restart), (2) the database
 * container restarts and has a pg_isready healthcheck, and (3) Django checks pooled connections
 * before reuse (CONN_HEALTH_CHECKS on that alias) instead of failing the first request after the
 * outage. RC-2 (audit-database-outage-recovery.ts) judges the audit database the same way.
 */
import type { Deployment } from "../../deployment";
import { runtimeModules } from "../../deployment/setting-values";
import type { DatabaseAlias } from "../../deployment/databases";
import type { Workload } from "../../deployment/workloads";
import { at, isUnknown, str } from "../props";
import { inContext, NOT_APPLICABLE, unreadableInputs, unverifiable, violation } from "../rule";
import type { Finding, RuleResult, StackRule } from "../rule";
import { settingTruth } from "../../deployment/setting-values";
import { APP_BUILD_TYPES, POSTGRES_TYPES } from "../types";

export const appDatabaseOutageRecovery: StackRule = {
  id: "RC-1",
  policy: "app-database-outage-recovery",
  category: "recovery",
  severity: "medium",
  severityReason:
    "Django reconnects on the next request by itself; a persistent connection (CONN_MAX_AGE) without " +
    "CONN_HEALTH_CHECKS costs one failed request per worker after a database restart, not an outage.",
  title: "App does not recover from a database outage",
  description:
    "Restart policy, database healthcheck and CONN_HEALTH_CHECKS let the app recover from a database outage.",
  impact: "After a database restart the app keeps failing until someone restarts it.",
  fix: "Set a restart policy, a pg_isready healthcheck on the database and CONN_HEALTH_CHECKS = True.",
  verify: "docker restart <db container>; curl -f https://<domain>/readyz/   # recovers within a minute",
  scope: "stack",
  types: [...APP_BUILD_TYPES, ...POSTGRES_TYPES],
  check: (deployment) => outageRecovery(deployment, "default"),
};

const RESTARTING = new Set(["always", "unless-stopped", "on-failure"]);
const LABEL: Record<DatabaseAlias, string> = { default: "app database", audit: "audit database" };

/** RC-1 for the `default` database, RC-2 for `audit`. */
export function outageRecovery(deployment: Deployment, alias: DatabaseAlias): RuleResult {
  const web = deployment.withRole("web");
  const dbs = deployment.databases(alias);
  if (web.length === 0 && dbs.containers.length === 0 && dbs.azure.length === 0) return NOT_APPLICABLE;
  // An app without an audit database (none in the stack, none in its settings, no AUDIT_DATABASE_URL)
  // has nothing to recover: the item does not apply.
  if (alias === "audit" && dbs.containers.length === 0 && dbs.azure.length === 0 && !auditInUse(deployment))
    return NOT_APPLICABLE;
  const findings: Finding[] = [];
  for (const w of web.filter((w) => w.platform === "docker"))
    findings.push(...restartPolicy(w, "web container"));
  if (dbs.containers.length === 0 && dbs.azure.length === 0) {
    findings.push(
      unverifiable(`no ${LABEL[alias]} was found in this stack, so its recovery cannot be judged`),
    );
  }
  for (const db of dbs.containers) {
    findings.push(...restartPolicy(db, LABEL[alias]));
    if (db.healthcheck.unknown) {
      findings.push(
        unverifiable(`the healthcheck of "${db.resource.name}" is not known until deployment`, {
          urn: db.resource.urn,
        }),
      );
    } else if (!db.healthcheck.probe.postgres) {
      findings.push(
        violation(
          `The ${LABEL[alias]} "${db.resource.name}" has no pg_isready healthcheck, so nobody can tell when it is back.`,
          {
            urn: db.resource.urn,
            property: "healthcheck.tests",
          },
        ),
      );
    }
  }
  findings.push(...connHealthChecks(deployment, alias, web));
  return findings;
}

function restartPolicy(w: Workload, what: string): Finding[] {
  const restart = at(w.resource.props, "restart");
  if (isUnknown(restart)) {
    return [
      unverifiable(`the restart policy of "${w.resource.name}" is not known until deployment`, {
        urn: w.resource.urn,
      }),
    ];
  }
  const policy = str(restart) ?? "no";
  return RESTARTING.has(policy)
    ? []
    : [
        violation(
          `The ${what} "${w.resource.name}" is never restarted after it stops (restart policy "${policy}"); ` +
            'use "unless-stopped".',
          { urn: w.resource.urn, property: "restart" },
        ),
      ];
}

function connHealthChecks(deployment: Deployment, alias: DatabaseAlias, web: readonly Workload[]): Finding[] {
  const { inspected, opaque } = deployment.builds;
  const findings: Finding[] = [...opaque];
  const deployedEnv = Object.assign({}, ...web.map((w) => w.knownEnv)) as Record<string, string>;
  for (const build of inspected) {
    // Settings Python cannot parse show no DATABASES: CH-8 fails them; this item cannot judge them.
    const unreadable = unreadableInputs(build.facts, ["settings"]);
    findings.push(...unreadable);
    if (unreadable.length > 0) continue;
    for (const module of runtimeModules(build.facts)) {
      const entry = module.databases.find((d) => d.alias === alias);
      if (entry === undefined) {
        findings.push(
          unverifiable(
            `the settings module ${module.module} shows no DATABASES["${alias}"] entry`,
            module.file
              ? inContext(build.facts, { file: module.file, line: 1 })
              : { file: build.facts.context },
          ),
        );
        continue;
      }
      const on = settingTruth(entry.connHealthChecks, deployedEnv);
      if (on === undefined) {
        findings.push(
          unverifiable(
            `CONN_HEALTH_CHECKS of the ${LABEL[alias]} is computed in a way that cannot be read`,
            inContext(build.facts, entry.location),
          ),
        );
      } else if (on !== true) {
        findings.push(
          violation(
            `The ${LABEL[alias]} connection ("${alias}" in ${module.module}) does not set CONN_HEALTH_CHECKS = True: after ` +
              "a database restart, requests fail on stale connections.",
            inContext(build.facts, entry.connHealthChecks?.location ?? entry.location),
          ),
        );
      }
    }
  }
  return findings;
}

/** The app uses an audit database: a workload sets AUDIT_DATABASE_URL or the runtime settings define one. */
function auditInUse(deployment: Deployment): boolean {
  if (deployment.workloads.some((w) => w.env.AUDIT_DATABASE_URL !== undefined)) return true;
  const { inspected, opaque } = deployment.builds;
  if (opaque.length > 0) return true;
  return inspected
    .filter((b) => b.django)
    .some((b) => {
      const module = b.facts.settings.modules.find((m) => m.module === b.facts.settings.runtimeModule);
      return module === undefined || module.databases.some((a) => /audit/i.test(a.alias));
    });
}
