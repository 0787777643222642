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
import { at, isUnknown, num } from "../props";
import { NOT_APPLICABLE, unverifiable, violation } from "../rule";
import type { Finding, Resource, StackRule } from "../rule";
import { AZURE, WORKLOAD_TYPES } from "../types";
import type { BackupService } from "../../deployment/backups";
import type { Workload } from "../../deployment/workloads";

export const scheduledBackups: StackRule = {
  id: "RC-5",
  policy: "scheduled-backups",
  category: "recovery",
  severity: "high",
  severityReason:
    "Without scheduled backups a host failure or a bad release loses every change since the last manual copy: permanent data loss.",
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
    if (databases.length > 0) findings.push(...dockerBackups(deployment.backups, databases));
    return findings;
  },
};

const AZURE_DEFAULT_RETENTION = 7;

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

function dockerBackups(backups: readonly BackupService[], databases: readonly Workload[]): Finding[] {
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
    const { name, urn } = b.workload.resource;
    if (b.schedule === null || b.restart === "no") {
      findings.push(
        violation(
          `The backup container "${name}" does not keep running on a schedule (a cron or sleep loop and a restart policy).`,
          { urn, property: b.restart === "no" ? "restart" : "command" },
        ),
      );
    }
    if (b.retention === null) {
      findings.push(
        violation(`The backup container "${name}" never deletes old dumps, so backups fill the disk.`, {
          urn,
          property: "command",
        }),
      );
    }
  }
  const covered = databases.filter((db) => backups.some((b) => b.reaches.includes(db)));
  const dumps = backups.reduce((n, b) => n + b.dumps, 0);
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
