/**
 * The arguments of an agency instance, as TypeScript and other languages see them.
 *
 * These interfaces mirror the zod schema in ./config.ts, and Pulumi's component package analyzer
 * (`pulumi package add`) turns them into the schema other languages' SDKs are generated from. So
 * they are interfaces (no type aliases, no general unions), and each closed set of values is an
 * enum the way the analyzer reads one: an `as const` object and the union of its values, declared
 * object first. TypeScript sees a literal union (`mode: "prodution"` does not compile); the schema
 * gets a named enum type; and the values are still checked at run time, for other languages, each
 * problem reported with its argument path (`args.mode`).
 *
 * `pulumi.Input` marks what a consumer may pass from another resource's outputs: the domains,
 * identifiers of Azure resources and the Docker host. Everything else shapes which resources exist
 * or is judged by the policy pack at preview, so it must be known when the instance is declared.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Mode } from "../policies/mode";

/** Where the instance runs. */
export const Target = {
  /** One Docker host (local engine or ssh://). */
  Docker: "docker",
  /** Azure Container Apps, PostgreSQL Flexible Server and Key Vault. */
  Azure: "azure",
} as const;
export type Target = (typeof Target)[keyof typeof Target];

/** How strict the instance is: declared once, beside the pack's and the command's reading of it. */
export { Mode };

/** What a failed release step does. */
export const OnFailure = {
  /** Stop the release: the web service is not updated. */
  Abort: "abort",
  /** Print a loud warning and go on. */
  Warn: "warn",
} as const;
export type OnFailure = (typeof OnFailure)[keyof typeof OnFailure];

/** The compute tier of the Azure PostgreSQL Flexible Server. */
export const PostgresTier = {
  Burstable: "Burstable",
  GeneralPurpose: "GeneralPurpose",
  MemoryOptimized: "MemoryOptimized",
} as const;
export type PostgresTier = (typeof PostgresTier)[keyof typeof PostgresTier];

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
  onFailure: OnFailure;
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
  /** CPUs. */
  cpu?: number;
  /** Memory limit in MiB. */
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
  /** Generation of Django's SECRET_KEY. Default "0". */
  secretKey?: string;
  /** Generation of the Fernet key that encrypts fields. Default "0". */
  fieldEncryptionKey?: string;
  /** Generation of both database passwords. Default "0". */
  databasePasswords?: string;
}

/** Scheduled and pre-release backups. */
export interface BackupArgs {
  /** Scheduled backups of both databases. Default true. */
  enabled?: boolean;
  /** cron expression. Default "0 2 * * *". */
  schedule?: string;
  /** Backups kept, at least. Default 14. */
  retentionCount?: number;
  /** Days a backup is kept. Default 30. */
  retentionDays?: number;
  /** Take a backup as the first release step. Default: on in production. */
  beforeRelease?: boolean;
  /** Absolute host directory for backups; a protected Docker volume when unset. */
  hostPath?: string;
}

/** The Docker host. */
export interface DockerHostArgs {
  /** Docker host for the provider, e.g. ssh://deploy@agency.example.org; the local engine when unset. */
  host?: pulumi.Input<string>;
  /** Host port published by the proxy for HTTP. Default 80. */
  httpPort?: number;
  /** Host port published by the proxy for HTTPS. Default 443. */
  httpsPort?: number;
}

/** Azure Container Apps + PostgreSQL Flexible Server. */
export interface AzureArgs {
  /** Azure region. Default "westeurope". */
  location?: string;
  /** Deploy into an existing resource group instead of creating one. */
  resourceGroupName?: pulumi.Input<string>;
  /** PostgreSQL Flexible Server SKU. Default "Standard_B1ms". */
  postgresSku?: string;
  /** "Burstable" (default), "GeneralPurpose" or "MemoryOptimized". */
  postgresTier?: PostgresTier;
  /** PostgreSQL storage in GiB, at least 32. Default 32. */
  storageGb?: number;
  /** Point-in-time restore retention in days (7 to 35): default 14 in production, 7 in demo. */
  backupRetentionDays?: number;
  /** Keep backups in the paired region too. Default false. */
  geoRedundantBackup?: boolean;
  /** Delegated subnet for PostgreSQL; public access is disabled when set. */
  postgresSubnetId?: pulumi.Input<string>;
  /**
   * Private DNS zone (privatelink.postgres.database.azure.com) linked to the VNet; required with
   * `postgresSubnetId`.
   */
  postgresPrivateDnsZoneId?: pulumi.Input<string>;
  /**
   * Infrastructure subnet of the Container Apps environment; required with `postgresSubnetId`
   * (the apps must be in the VNet to reach the server).
   */
  containerAppsSubnetId?: pulumi.Input<string>;
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
  target?: Target;
  /** "production" (default) or "demo". Demo makes the security check advisory. */
  mode?: Mode;
  /**
   * Public hostnames; the first is the canonical URL. They name the TLS sites, ALLOWED_HOSTS and
   * the probes' Host header. The list, or any hostname in it, may be another resource's output:
   * it is validated once it resolves, and during a preview the pack reports what it names as not
   * verifiable. A hostname known when the instance is declared also names the release's web
   * container (Docker), so changing one starts the new container beside the old; changing an
   * output hostname replaces the web container in place.
   */
  domains: pulumi.Input<pulumi.Input<string>[]>;
  /** The application image: a build context or a pushed reference. */
  image: ImageArgs;
  /** How Django is started and probed. */
  django?: DjangoArgs;
  /** The ordered release steps run before the web service changes. */
  release?: ReleaseArgs;
  /** gunicorn tuning. */
  gunicorn?: GunicornArgs;
  /** PostgreSQL version. */
  postgres?: PostgresArgs;
  /** CPU and memory limits. */
  resources?: ResourcesArgs;
  /** Extra, non-secret environment variables for the app. */
  env?: { [name: string]: string };
  /** The TLS proxy (Docker). */
  proxy?: ProxyArgs;
  /** Protect databases and their volumes from `pulumi destroy` and replacement. Default true. */
  protectData?: boolean;
  /** Secret rotation generations. */
  rotation?: RotationArgs;
  /** Scheduled and pre-release backups. */
  backup?: BackupArgs;
  /** The Docker host (target "docker"). */
  docker?: DockerHostArgs;
  /** Azure settings (target "azure"). */
  azure?: AzureArgs;
  /** How long `pulumi up` waits for each one-shot job (release, backups, password rotation). */
  timeouts?: TimeoutsArgs;
}
