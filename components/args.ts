/**
 * The arguments of an agency instance, as other languages see them.
 *
 * These interfaces mirror the zod schema in ./config.ts. They are deliberately plain: no type
 * aliases, no unions (string-literal unions included) and no enums, so that Pulumi's component
 * package analyzer can turn them into a schema for Python, Go, .NET and YAML. Values such as
 * `mode`, `target` and `onFailure` are therefore `string` here and are checked at run time by
 * `parseInstanceSettings`, which reports every problem with its config key.
 */

/** The application image: build it from a context, or reference a pushed image. Set exactly one. */
export interface ImageArgs {
  /** Build context directory; a relative path is resolved against the Pulumi project root. */
  context?: string;
  /** Dockerfile path relative to the context. Default "Dockerfile". */
  dockerfile?: string;
  /** Build stage to stop at in a multi-stage Dockerfile. */
  target?: string;
  /** Build arguments. Names that look like secrets are refused: build args end up in the image history. */
  buildArgs?: { [name: string]: string };
  /** A pushed image reference (e.g. ghcr.io/org/app:1.4.2) instead of a build. */
  ref?: string;
}

/** How Django is started and probed. */
export interface DjangoArgs {
  /** Default "config.settings.production". */
  settingsModule?: string;
  /** Default "config.wsgi:application". */
  wsgiModule?: string;
  /** Liveness endpoint. Default "/healthz/". */
  healthPath?: string;
  /** Readiness endpoint (checks both databases). Default "/readyz/". */
  readinessPath?: string;
}

/** One step of the release phase. */
export interface ReleaseStepArgs {
  /** kebab-case name, shown in logs and in the failure message. */
  name: string;
  /** argv of the command, run in the application image. */
  command: string[];
  /** "abort" stops the release (the web service is not updated); "warn" prints a loud warning and goes on. */
  onFailure: string;
}

/** The release phase run before the web service changes. */
export interface ReleaseArgs {
  /** Ordered steps. Default: migrate, migrate the audit database, audit lockdown, seed (warn), security check. */
  steps?: ReleaseStepArgs[];
}

/** gunicorn tuning. */
export interface GunicornArgs {
  /** Default 2. */
  workers?: number;
  /** Default 4. */
  threads?: number;
  /** Worker timeout in seconds. Default 60. */
  timeout?: number;
  /** Seconds given to workers to finish requests on shutdown. Default 30, at most `timeout`. */
  gracefulTimeout?: number;
}

/** PostgreSQL settings shared by the app and audit databases. */
export interface PostgresArgs {
  /** Major version. Default 16. */
  version?: number;
}

/** CPU and memory limits of one kind of container. */
export interface ContainerLimitsArgs {
  cpu?: number;
  memoryMb?: number;
}

/** Limits of the containers: the web service's (also the release job's) and, on Docker, the others. */
export interface ResourcesArgs {
  /** CPUs of the web container. Default 1. */
  cpu?: number;
  /** Memory limit of the web container in MiB. Default 1024. */
  memoryMb?: number;
  /** Docker: each database container. Default 1 CPU, 1024 MiB. */
  database?: ContainerLimitsArgs;
  /** Docker: the backup and password-rotation containers. Default 0.5 CPU, 512 MiB. */
  backup?: ContainerLimitsArgs;
  /** Docker: the TLS proxy. Default 0.5 CPU, 256 MiB. */
  proxy?: ContainerLimitsArgs;
}

/** The TLS-terminating reverse proxy. */
export interface ProxyArgs {
  /** Default true. */
  enabled?: boolean;
  /** ACME account e-mail for public certificates. */
  email?: string;
}

/**
 * Secret rotation generations. Each is a number as a string ("0", "1", ...): increase one by one
 * to rotate that secret; the previous generation is kept as a fallback.
 */
export interface RotationArgs {
  secretKey?: string;
  fieldEncryptionKey?: string;
  databasePasswords?: string;
}

/** Scheduled and pre-release backups. */
export interface BackupArgs {
  enabled?: boolean;
  /** cron expression. Default "0 2 * * *". */
  schedule?: string;
  retentionCount?: number;
  retentionDays?: number;
  /** Take a backup as the first release step. Default: on in production. */
  beforeRelease?: boolean;
  /** Absolute host directory for backups; a protected Docker volume when unset. */
  hostPath?: string;
}

/** The Docker host. */
export interface DockerHostArgs {
  /** Docker host for the provider, e.g. ssh://deploy@agency.example.org; the local engine when unset. */
  host?: string;
  /** Host port published by the proxy for HTTP. Default 80. */
  httpPort?: number;
  /** Host port published by the proxy for HTTPS. Default 443. */
  httpsPort?: number;
}

/** Azure Container Apps + PostgreSQL Flexible Server. */
export interface AzureArgs {
  location?: string;
  resourceGroupName?: string;
  postgresSku?: string;
  /** "Burstable", "GeneralPurpose" or "MemoryOptimized". */
  postgresTier?: string;
  storageGb?: number;
  backupRetentionDays?: number;
  geoRedundantBackup?: boolean;
  /** Delegated subnet for PostgreSQL; public access is disabled when set. */
  postgresSubnetId?: string;
  /**
   * Private DNS zone (privatelink.postgres.database.azure.com) linked to the VNet; required with
   * `postgresSubnetId`.
   */
  postgresPrivateDnsZoneId?: string;
  /**
   * Infrastructure subnet of the Container Apps environment; required with `postgresSubnetId`
   * (the apps must be in the VNet to reach the server).
   */
  containerAppsSubnetId?: string;
  /** Web replicas always running: default 1 in production (at least 1), 0 allowed in demo. */
  minReplicas?: number;
  /** Default 2. */
  maxReplicas?: number;
  /**
   * vCPU per web and release replica, a multiple of 0.25 from 0.25 to 4 (default 0.5); Container
   * Apps allots 2 GiB of memory per vCPU.
   */
  cpu?: number;
  /** Seconds the release job may run before it is stopped and the deployment fails (default 1800). */
  releaseTimeoutSeconds?: number;
}

/** Docker: how long each one-shot job may run before `pulumi up` fails (the provider's default is 20 minutes). */
export interface TimeoutsArgs {
  /** The release. Default 120. */
  releaseMinutes?: number;
  /** The pre-release backup. Default 120. */
  backupMinutes?: number;
  /** The database password rotation. Default 15. */
  rotationMinutes?: number;
}

/** Everything one agency instance needs; every field but `agency`, `domains` and `image` has a default. */
export interface AgencyInstanceArgs {
  /** Lowercase slug naming the agency, e.g. "riverside-food-bank". */
  agency: string;
  /** "docker" (default) or "azure". */
  target?: string;
  /** "production" (default) or "demo". Demo makes the security check advisory. */
  mode?: string;
  /** Public hostnames; the first is the canonical URL. */
  domains: string[];
  image: ImageArgs;
  django?: DjangoArgs;
  release?: ReleaseArgs;
  gunicorn?: GunicornArgs;
  postgres?: PostgresArgs;
  resources?: ResourcesArgs;
  /** Extra, non-secret environment variables for the app. */
  env?: { [name: string]: string };
  proxy?: ProxyArgs;
  /** Protect databases and their volumes from `pulumi destroy` and replacement. Default true. */
  protectData?: boolean;
  rotation?: RotationArgs;
  backup?: BackupArgs;
  docker?: DockerHostArgs;
  azure?: AzureArgs;
  timeouts?: TimeoutsArgs;
}
