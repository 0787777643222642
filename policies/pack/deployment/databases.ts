/**
 * Which database is which: the app's (Django's `default`) and the audit trail's (`audit`).
 * Decided from the web workloads' DATABASE_URL / AUDIT_DATABASE_URL hosts (only the host is read,
 * never credentials) matched against each database's network names, with "audit" in a name as the
 * fallback; on Azure, PostgreSQL servers and databases by name.
 */
import type { Resource } from "../rules/rule";
import { AZURE } from "../rules/types";
import { networkNames, urlHost, type Workload } from "./workloads";

export type DatabaseAlias = "default" | "audit";

export const URL_ENV: Record<DatabaseAlias, string> = {
  default: "DATABASE_URL",
  audit: "AUDIT_DATABASE_URL",
};

export interface StackDatabases {
  /** Docker containers running PostgreSQL for this alias. */
  containers: Workload[];
  /** Azure PostgreSQL servers / databases for this alias. */
  azure: Resource[];
}

function urlHosts(web: readonly Workload[], alias: DatabaseAlias): Set<string> {
  const hosts = new Set<string>();
  for (const w of web) {
    const host = urlHost(w.knownEnv[URL_ENV[alias]]);
    if (host !== undefined) hosts.add(host);
  }
  return hosts;
}

function isAuditByName(names: readonly string[]): boolean {
  return names.some((n) => /audit/i.test(n));
}

export function databasesFor(
  resources: readonly Resource[],
  all: readonly Workload[],
  alias: DatabaseAlias,
): StackDatabases {
  const app = all.filter((w) => w.role === "web" || w.role === "release");
  const containers = all.filter((w) => w.role === "database");
  const own = urlHosts(app, alias);
  const other = urlHosts(app, alias === "default" ? "audit" : "default");
  const matched = containers.filter((db) => networkNames(db).some((n) => own.has(n) && !other.has(n)));
  const byName = containers.filter((db) => isAuditByName(networkNames(db)) === (alias === "audit"));
  const azure = resources.filter(
    (r) =>
      (r.type === AZURE.postgresServer || r.type === AZURE.postgresDatabase) &&
      isAuditByName([r.name]) === (alias === "audit"),
  );
  // One Azure server usually holds both databases: it serves the audit alias too.
  const servers = resources.filter((r) => r.type === AZURE.postgresServer);
  const azureFor = azure.length > 0 ? azure : servers.length === 1 ? servers : [];
  return { containers: matched.length > 0 ? matched : byName, azure: azureFor };
}
