/**
 * The decisions behind an Azure instance, as plain functions of its settings: names Azure needs
 * to be globally unique, replica counts, container sizes, backup retention, connection URLs and
 * the restore procedure. The component only wires resources from these.
 */
import { ConfigError, ConfigIssue, configKey, InstanceSettings } from "../config";

/** Backup retention: the configured value, else 14 days in production and 7 in demo. */
export function backupRetentionDays(settings: InstanceSettings): number {
  return settings.azure.backupRetentionDays ?? (settings.mode === "production" ? 14 : 7);
}

/** Minimum web replicas: the configured value, else 1 in production (no cold start) and 0 in demo. */
export function minReplicas(settings: InstanceSettings): number {
  return settings.azure.minReplicas ?? (settings.mode === "production" ? 1 : 0);
}

/** Consumption-plan sizes pair each 0.25 vCPU with 0.5 GiB, e.g. 0.5 CPU / 1Gi. */
export function containerResources(cpu: number): { cpu: number; memory: string } {
  return { cpu, memory: `${cpu * 2}Gi` };
}

/** Rules that need more than the azure section alone; each names its config key. */
export function azureSettingsIssues(settings: InstanceSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const azure = settings.azure;
  if (settings.mode === "production" && azure.minReplicas === 0) {
    issues.push({
      key: configKey(["azure", "minReplicas"]),
      path: ["azure", "minReplicas"],
      message:
        "must be at least 1 in production (a scaled-to-zero app fails its first requests while starting)",
    });
  }
  if (azure.minReplicas !== undefined && azure.minReplicas > azure.maxReplicas) {
    issues.push({
      key: configKey(["azure", "minReplicas"]),
      path: ["azure", "minReplicas"],
      message: "must not exceed azure.maxReplicas",
    });
  }
  return issues;
}

/** Throw every Azure-specific problem at once, before anything is registered. */
export function assertAzureSettings(settings: InstanceSettings): void {
  const issues = azureSettingsIssues(settings);
  if (issues.length > 0) throw new ConfigError(issues);
}

/**
 * Names Azure requires to be globally unique (DNS names), built from the agency slug and a
 * random suffix kept in the state. Each respects its service's rules:
 * Key Vault 3-24 [a-z0-9-] starting with a letter, no "--"; PostgreSQL server 3-63 [a-z0-9-];
 * Container Registry 5-50 [a-z0-9]; Container App 2-32 [a-z0-9-].
 */
export interface GlobalNames {
  keyVault: string;
  postgresServer: string;
  registry: string;
  webApp: string;
  releaseJob: string;
}

function dnsLabel(text: string, max: number): string {
  return text.replace(/-+/g, "-").slice(0, max).replace(/-+$/, "");
}

export function globalNames(agency: string, suffix: string): GlobalNames {
  return {
    keyVault: `kv-${dnsLabel(agency, 24 - 4 - suffix.length)}-${suffix}`,
    postgresServer: `${dnsLabel(agency, 63 - 4 - suffix.length)}-pg-${suffix}`,
    registry: `acr${agency.replace(/-/g, "").slice(0, 50 - 3 - suffix.length)}${suffix}`,
    webApp: `${dnsLabel(agency, 32 - 4)}-web`,
    releaseJob: `${dnsLabel(agency, 32 - 8)}-release`,
  };
}

/** Database names inside the server. */
export const APP_DATABASE = "app";
export const AUDIT_DATABASE = "audit";
export const POSTGRES_ADMIN_LOGIN = "agencyadmin";
/** The audit database's own login, created by the release job (audit-role.ts); never the admin. */
export const AUDIT_ROLE = "agencyaudit";
/**
 * The login the web app writes the audit trail as: SELECT and INSERT on the audit tables, nothing
 * else (audit-writer-role.sh). AUDIT_ROLE owns the tables, so it could ALTER, DELETE or TRUNCATE
 * them past the lockdown; it only migrates and locks down, in the release job.
 */
export const AUDIT_WRITER_ROLE = "agencyauditwriter";
/** Seconds libpq waits for a connection before failing (DB-3). */
export const CONNECT_TIMEOUT_SECONDS = 10;

/** A libpq URL for Django (dj-database-url): TLS required, connection timeout set. */
export function databaseUrl(login: string, password: string, host: string, database: string): string {
  const user = encodeURIComponent(login);
  const secret = encodeURIComponent(password);
  return `postgres://${user}:${secret}@${host}:5432/${database}?sslmode=require&connect_timeout=${CONNECT_TIMEOUT_SECONDS}`;
}

/** Every public origin of the instance: the configured domains and the app's default Azure name. */
export function publicHosts(domains: readonly string[], defaultHost: string): string[] {
  return [...new Set([...domains, defaultHost])];
}

/** The point-in-time restore of the instance's server, as data and as the exact command. */
export interface RestoreProcedure {
  /** The resource group of the server. */
  resourceGroup: string;
  /** The server whose point-in-time backups are restored. */
  sourceServer: string;
  /** How many days back a restore can go. */
  retentionDays: number;
  /** Whether the backups are also kept in the paired region. */
  geoRedundantBackup: boolean;
  /** Replace RESTORE_TIME (ISO 8601, UTC) and run; it creates a new server next to the old one. */
  command: string;
  /** The whole procedure around the command, in order. */
  steps: string[];
}

export function restoreProcedure(
  resourceGroup: string,
  sourceServer: string,
  retentionDays: number,
  geoRedundantBackup: boolean,
): RestoreProcedure {
  const target = `${sourceServer}-restored`.slice(0, 63);
  const command =
    `az postgres flexible-server restore --resource-group ${resourceGroup} --name ${target} ` +
    `--source-server ${sourceServer} --restore-time "RESTORE_TIME"`;
  return {
    resourceGroup,
    sourceServer,
    retentionDays,
    geoRedundantBackup,
    command,
    steps: [
      `Pick RESTORE_TIME (UTC, ISO 8601) within the last ${retentionDays} days, before the bad change.`,
      `Run: ${command}`,
      "Point DATABASE_URL and AUDIT_DATABASE_URL at the restored server (or restore both databases from it " +
        "with pg_dump/pg_restore into the original server), then run `pulumi up` so the release re-runs.",
      ...(geoRedundantBackup
        ? [
            `If the region is down: az postgres flexible-server geo-restore --resource-group ${resourceGroup} ` +
              `--name ${target} --source-server ${sourceServer} --location <paired region>`,
          ]
        : []),
    ],
  };
}
