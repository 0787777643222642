/**
 * RC-5: both databases are backed up on a schedule, with retention.
 *
 * Docker: a long-running backup container (its command or uploaded script runs pg_dump, or a
 * backup image) that keeps running (restart policy), repeats on a schedule (cron, a sleep loop,
 * or a SCHEDULE setting), prunes old dumps (retention), and reaches both databases (two dumps, or
 * both hosts / URLs). Azure: each PostgreSQL server keeps point-in-time backups for
 * backupRetentionDays (the platform default is 7): at least 7, and 14 in production mode.
 * The restore command lives in the stack outputs, which policies cannot see.
 */
import { at, bool, isUnknown, num, str } from "../props";
import { NOT_APPLICABLE, unverifiable, violation } from "../rule";
import type { Finding, Resource, StackRule } from "../rule";
import { AZURE, WORKLOAD_TYPES } from "../types";
import { URL_ENV } from "../../deployment/databases";
import { networkNames, urlHost, type Workload } from "../../deployment/workloads";

const AZURE_DEFAULT_RETENTION = 7;
const SCHEDULE =
  /\bcron(d|tab)?\b|\bsleep\b|\bsupercronic\b|\bschedule\b|\bwhile\b|\bSCHEDULE\b|\bperiodic\b/i;
const RETENTION =
  /-mtime|\bfind\b.*-delete|\bretention\b|\bKEEP_|\bRETENTION|\bprune\b|\bhead -n -|\btail -n \+/i;

export const scheduledBackups: StackRule = {
  id: "RC-5",
  policy: "scheduled-backups",
  category: "recovery",
  severity: "high",
  title: "Databases not backed up on a schedule",
  description:
    "Both databases are backed up on a schedule with retention (Azure: >= 7 days, >= 14 in production) and restore has a command.",
  impact: "A host failure or bad release loses all data since the last manual copy.",
  fix: "Keep `agency-deploy:backup.enabled` on (Docker) or set backupRetentionDays >= 14 (Azure).",
  verify: "pulumi stack output runbook   # shows the backup and restore commands",
  scope: "stack",
  types: [...WORKLOAD_TYPES, AZURE.postgresServer],
  check(deployment, ctx) {
    const all = deployment.workloads;
    const databases = all.filter((w) => w.role === "database");
    const servers = deployment.resources.filter((r) => r.type === AZURE.postgresServer);
    if (databases.length === 0 && servers.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = servers.flatMap((s) => azureRetention(s, ctx.mode === "production" ? 14 : 7));
    if (databases.length > 0) findings.push(...dockerBackups(all, databases));
    return findings;
  },
};

function azureRetention(server: Resource, minimum: number): Finding[] {
  const value = at(server.props, "backup.backupRetentionDays");
  if (isUnknown(value)) {
    return [
      unverifiable(`the backup retention of "${server.name}" is not known until deployment`, {
        urn: server.urn,
      }),
    ];
  }
  const days = num(value) ?? AZURE_DEFAULT_RETENTION;
  return days >= minimum
    ? []
    : [
        violation(
          `The PostgreSQL server "${server.name}" keeps backups for ${days} days; keep them at least ${minimum} days ` +
            "(backup.backupRetentionDays) so a problem noticed late can still be undone.",
          { urn: server.urn, property: "backup.backupRetentionDays" },
        ),
      ];
}

function dockerBackups(all: readonly Workload[], databases: readonly Workload[]): Finding[] {
  // A one-shot backup (attach: run to completion, e.g. before a release) is DB-5's concern, not a schedule.
  const backups = all.filter(
    (w) => w.role === "backup" && w.platform === "docker" && bool(w.resource.props.attach) !== true,
  );
  if (backups.length === 0) {
    return [
      violation(
        "Nothing backs up the databases on a schedule: add a backup container that runs pg_dump for both " +
          "databases regularly and keeps a limited number of dumps.",
        { urn: databases[0].resource.urn },
      ),
    ];
  }
  const findings: Finding[] = [];
  for (const b of backups) {
    const { name, urn } = b.resource;
    const envText = Object.entries(b.knownEnv)
      .filter(([k]) => !/PASS|SECRET|URL/i.test(k))
      .map(([k, v]) => `${k}=${v}`)
      .join("\n");
    const text = `${b.script}\n${envText}`;
    const restart = str(b.resource.props.restart) ?? "no";
    if (!SCHEDULE.test(text) || restart === "no") {
      findings.push(
        violation(
          `The backup container "${name}" does not keep running on a schedule (a cron or sleep loop and a restart policy).`,
          { urn, property: restart === "no" ? "restart" : "command" },
        ),
      );
    }
    if (!RETENTION.test(text)) {
      findings.push(
        violation(`The backup container "${name}" never deletes old dumps, so backups fill the disk.`, {
          urn,
          property: "command",
        }),
      );
    }
  }
  const covered = databases.filter((db) => backups.some((b) => reaches(b, db)));
  const dumps = backups.reduce((n, b) => n + (b.script.match(/\bpg_dump\b/g)?.length ?? 0), 0);
  if (covered.length < databases.length && dumps < databases.length) {
    for (const db of databases.filter((d) => !covered.includes(d))) {
      findings.push(
        violation(`No backup container reaches the database "${db.resource.name}".`, {
          urn: db.resource.urn,
        }),
      );
    }
  }
  return findings;
}

/** The backup names the database's host in its script, or in a URL / host setting of its env. */
function reaches(backup: Workload, db: Workload): boolean {
  const names = networkNames(db);
  const hosts = new Set<string>();
  for (const [key, value] of Object.entries(backup.knownEnv)) {
    const host = urlHost(value);
    if (host !== undefined) hosts.add(host);
    if (/HOST/i.test(key)) value.split(/[\s,]+/).forEach((h) => hosts.add(h.toLowerCase()));
  }
  for (const alias of Object.values(URL_ENV)) if (backup.env[alias]?.kind === "unknown") return true;
  return names.some(
    (n) =>
      hosts.has(n) ||
      new RegExp(`(^|[^\\w-])${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^\\w-]|$)`).test(backup.script),
  );
}
