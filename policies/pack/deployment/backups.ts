/**
 * The deployment's scheduled backups: every long-running backup service on Docker (a one-shot
 * backup, waited for before a release, is part of the release, not a schedule), with what repeats
 * its dumps, what prunes old ones, whether it is restarted, and which database containers it
 * reaches. A service reaches a database when its script or a URL / host setting of its env names
 * one of the database's network names; only hosts are read, never credentials.
 */
import { namesHost, readBackupScript, type BackupScriptFacts } from "../inspect/backup-script";
import { bool, str } from "../rules/props";
import { URL_ENV } from "./databases";
import { networkNames, urlHost, type Workload } from "./workloads";

export interface BackupService extends BackupScriptFacts {
  workload: Workload;
  /** The restart policy ("no" when unset): a service that stops is never restarted. */
  restart: string;
  /** The database workloads it names. */
  reaches: Workload[];
}

export function backupServices(workloads: readonly Workload[]): BackupService[] {
  const databases = workloads.filter((w) => w.role === "database");
  return workloads
    .filter((w) => w.role === "backup" && w.platform === "docker" && bool(w.resource.props.attach) !== true)
    .map((workload) => ({
      workload,
      ...readBackupScript(workload.script, workload.knownEnv),
      restart: str(workload.resource.props.restart) ?? "no",
      reaches: databases.filter((db) => reaches(workload, db)),
    }));
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
  // A connection URL unknown until deployment may point anywhere: it is not held against the backup.
  for (const alias of Object.values(URL_ENV)) if (backup.env[alias]?.kind === "unknown") return true;
  return names.some((n) => hosts.has(n) || namesHost(backup.script, n));
}
