/**
 * Backups on Docker: BackupService (the scheduled pg_dump of both databases) and PreReleaseBackup
 * (one dump taken right before every release, gating it).
 *
 * Both run the lead's POSIX sh scripts (components/scripts) in the pinned official `postgres`
 * image of the instance's major version, because that image carries the matching pg_dump and the
 * app image carries none. They join only the internal database network.
 *
 * The scripts are read at construction and written by a small bootstrap into an exec-able tmpfs
 * when the container starts, rather than uploaded: Docker refuses to copy files into a container
 * whose root filesystem is read-only ("container rootfs is marked read-only", moby/moby#43015),
 * and a read-only root is the point of the hardening.
 *
 * The containers run as root with every capability dropped: the backup volume (or host path) is
 * created root-owned, and root without CAP_DAC_OVERRIDE can write only where the mode bits allow.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { InstanceSettings } from "../config";
import { postgresImage } from "./database";
import { containerLogging } from "./hardening";

/** Where backups live inside the backup containers. */
export const BACKUP_DIR = "/backups";
/** Where the bootstrap writes the scripts inside the backup containers (a tmpfs). */
export const SCRIPTS_DIR = "/run/agency-deploy";
export const BACKUP_SCRIPTS = ["backup.sh", "restore.sh", "restore-drill.sh", "backup-scheduler.sh"] as const;
export type BackupScript = (typeof BACKUP_SCRIPTS)[number];
const HEREDOC_END = "AGENCY_DEPLOY_SCRIPT_END";

/**
 * components/scripts, both from the sources (components/docker/..) and from the compiled package
 * (dist/components/docker/../../../components): tsc does not copy shell scripts into dist.
 */
export function scriptsDirectory(): string {
  const candidates = [
    path.resolve(__dirname, "..", "scripts"),
    path.resolve(__dirname, "..", "..", "..", "components", "scripts"),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, "backup.sh")));
  if (found === undefined) throw new Error(`backup scripts not found in ${candidates.join(" or ")}`);
  return found;
}

/** The scripts' text, read once per construction. */
export function readBackupScripts(dir: string = scriptsDirectory()): Record<BackupScript, string> {
  const entries = BACKUP_SCRIPTS.map((script) => [script, fs.readFileSync(path.join(dir, script), "utf8")]);
  return Object.fromEntries(entries) as Record<BackupScript, string>;
}

/**
 * A `sh -c` script that writes every backup script into SCRIPTS_DIR (executable), then `exec`s
 * `run` (argv, already shell-safe) so the script becomes the container's main process.
 */
export function bootstrapScript(scripts: Record<BackupScript, string>, run: string): string {
  const lines = ["set -eu", `mkdir -p ${SCRIPTS_DIR}`];
  for (const script of BACKUP_SCRIPTS) {
    const text = scripts[script];
    if (text.includes(HEREDOC_END)) throw new Error(`${script} must not contain the line ${HEREDOC_END}`);
    lines.push(`cat > ${SCRIPTS_DIR}/${script} <<'${HEREDOC_END}'`, text.replace(/\n$/, ""), HEREDOC_END);
  }
  lines.push(`chmod 0755 ${BACKUP_SCRIPTS.map((s) => `${SCRIPTS_DIR}/${s}`).join(" ")}`, `exec ${run}`);
  return lines.join("\n");
}

/** Read-only root; an exec-able tmpfs for the scripts, a noexec one for /tmp; no capabilities. */
export function backupRuntime(): Pick<
  docker.ContainerArgs,
  "readOnly" | "tmpfs" | "capabilities" | "securityOpts" | "user"
> {
  return {
    user: "root",
    readOnly: true,
    tmpfs: {
      [SCRIPTS_DIR]: "rw,nosuid,nodev,size=1m,mode=0755",
      "/tmp": "rw,noexec,nosuid,nodev,size=64m",
    },
    capabilities: { drops: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
  };
}

/** Whether a backup runs before every release: configured, else on in production only. */
export function backupBeforeRelease(settings: InstanceSettings): boolean {
  return settings.backup.beforeRelease ?? settings.mode === "production";
}

/** Where dumps are kept: a protected named volume, or the configured host directory. */
export interface BackupStorage {
  /** The mount every backup container uses. */
  mount: docker.types.input.ContainerVolume;
  /** The named volume, when no host path is configured. */
  volume?: docker.Volume;
  /** For people: `volume <name>` or the host path. */
  description: pulumi.Output<string>;
}

/** Backups survive `pulumi destroy` (protect + retainOnDelete) unless the instance opts out. */
export function backupStorage(
  name: string,
  settings: InstanceSettings,
  opts: pulumi.CustomResourceOptions,
): BackupStorage {
  if (settings.backup.hostPath !== undefined) {
    return {
      mount: { hostPath: settings.backup.hostPath, containerPath: BACKUP_DIR },
      description: pulumi.output(`host directory ${settings.backup.hostPath}`),
    };
  }
  const volume = new docker.Volume(
    name,
    { labels: [{ label: "agency-deploy.role", value: "backups" }] },
    { ...opts, protect: settings.protectData, retainOnDelete: settings.protectData },
  );
  return {
    mount: { volumeName: volume.name, containerPath: BACKUP_DIR },
    volume,
    description: pulumi.interpolate`Docker volume ${volume.name}`,
  };
}

export interface BackupContainerArgs {
  /** PostgreSQL major version; the backup image matches the databases'. */
  postgresVersion: number;
  /** The internal database network. */
  network: pulumi.Input<string>;
  databaseUrl: pulumi.Input<string>;
  auditDatabaseUrl: pulumi.Input<string>;
  /** From backupStorage(). */
  storage: docker.types.input.ContainerVolume;
  retentionCount: number;
  retentionDays: number;
}

/** The env the scripts read; the connection URLs as secret entries. */
export function backupEnvironment(
  args: BackupContainerArgs,
  extra: Record<string, string>,
): pulumi.Input<string>[] {
  return [
    `BACKUP_DIR=${BACKUP_DIR}`,
    `RETENTION_COUNT=${args.retentionCount}`,
    `RETENTION_DAYS=${args.retentionDays}`,
    ...Object.entries(extra).map(([key, value]) => `${key}=${value}`),
    pulumi.secret(pulumi.interpolate`DATABASE_URL=${args.databaseUrl}`),
    pulumi.secret(pulumi.interpolate`AUDIT_DATABASE_URL=${args.auditDatabaseUrl}`),
  ];
}

/** Healthy while both databases answer and the backup directory is writable. */
export function backupHealthcheck(): docker.types.input.ContainerHealthcheck {
  return {
    tests: [
      "CMD-SHELL",
      `pg_isready -q -d "$DATABASE_URL" && pg_isready -q -d "$AUDIT_DATABASE_URL" && test -w ${BACKUP_DIR}`,
    ],
    interval: "60s",
    timeout: "10s",
    retries: 3,
    startPeriod: "30s",
  };
}

export interface BackupServiceArgs extends BackupContainerArgs {
  /** Five-field cron expression (UTC). */
  schedule: string;
}

/** The scheduled backup of both databases: a long-running container running backup-scheduler.sh. */
export class BackupService extends pulumi.ComponentResource {
  readonly container: docker.Container;

  constructor(name: string, args: BackupServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const image = postgresImage(args.postgresVersion);
    const script = bootstrapScript(readBackupScripts(), `${SCRIPTS_DIR}/backup-scheduler.sh`);
    super("agency-deploy:docker:BackupService", name, {}, opts);
    const pulled = new docker.RemoteImage(
      `${name}-image`,
      { name: image, keepLocally: true },
      { parent: this },
    );
    this.container = new docker.Container(
      `${name}-scheduler`,
      {
        // A fixed name (the component's) so the runbook's `docker exec` commands stay exact.
        name,
        image: pulled.name,
        entrypoints: ["/bin/sh", "-c"],
        command: [script],
        envs: backupEnvironment(args, { BACKUP_SCHEDULE: args.schedule }),
        networksAdvanced: [{ name: args.network }],
        volumes: [args.storage],
        healthcheck: backupHealthcheck(),
        wait: true,
        waitTimeout: 180,
        restart: "unless-stopped",
        // An init forwards `docker stop`'s SIGTERM to the scheduler loop (PID 1 sh would ignore it).
        init: true,
        stopTimeout: 30,
        ...backupRuntime(),
        ...containerLogging(),
      },
      // dependsOn does not flow from a component to its children: forward it (healthy databases).
      // A fixed name cannot exist twice: replace by deleting first.
      { parent: this, dependsOn: opts?.dependsOn, deleteBeforeReplace: true },
    );
    this.registerOutputs({ name: this.container.name });
  }
}

export interface PreReleaseBackupArgs extends BackupContainerArgs {
  /** The image the release runs: a new image means a new release, and so a new backup. */
  releaseImageId: pulumi.Input<string>;
  /** The release script: new steps mean a new release, and so a new backup. */
  releaseScript: string;
}

/**
 * One backup of both databases before each release. A one-shot container gated on its exit code
 * (attach, mustRun false, rm false, logs, then an explicit exitCode check), as the release is:
 * `after(value)` resolves only once the backup succeeded, so a release consuming it never runs
 * after a failed backup. Its labels carry the release's image and steps, and a changed label
 * replaces the container: the backup runs again exactly when the release does.
 */
export class PreReleaseBackup extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly exitCode: pulumi.Output<number>;
  private readonly succeeded: pulumi.Output<number>;

  constructor(name: string, args: PreReleaseBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    const image = postgresImage(args.postgresVersion);
    const script = bootstrapScript(readBackupScripts(), `${SCRIPTS_DIR}/backup.sh`);
    const stepsDigest = crypto.createHash("sha256").update(args.releaseScript).digest("hex");
    super("agency-deploy:docker:PreReleaseBackup", name, {}, opts);
    const pulled = new docker.RemoteImage(
      `${name}-image`,
      { name: image, keepLocally: true },
      { parent: this },
    );
    this.container = new docker.Container(
      `${name}-job`,
      {
        name,
        image: pulled.name,
        entrypoints: ["/bin/sh", "-c"],
        command: [script],
        envs: backupEnvironment(args, { BACKUP_LABEL: "pre-release" }),
        networksAdvanced: [{ name: args.network }],
        volumes: [args.storage],
        labels: [
          { label: "agency-deploy.release-image", value: args.releaseImageId },
          { label: "agency-deploy.release-steps", value: stepsDigest },
        ],
        attach: true,
        mustRun: false,
        rm: false,
        logs: true,
        restart: "no",
        ...backupRuntime(),
        ...containerLogging(),
      },
      {
        parent: this,
        dependsOn: opts?.dependsOn,
        additionalSecretOutputs: ["containerLogs"],
        deleteBeforeReplace: true,
      },
    );
    this.exitCode = this.container.exitCode;
    this.succeeded = this.container.exitCode.apply((exitCode) => {
      if (exitCode !== 0) {
        throw new pulumi.RunError(
          `${name}: the pre-release backup exited with code ${exitCode}; the release was not run. ` +
            "See the backup container's logs (docker logs) and fix the database connection or backup storage",
        );
      }
      return exitCode;
    });
    this.registerOutputs({ exitCode: this.exitCode });
  }

  /** `value`, resolved only after the backup succeeded: consume it to run after a good backup. */
  after<T>(value: pulumi.Input<T>): pulumi.Output<T> {
    return pulumi.all([this.succeeded, value]).apply(([, resolved]) => resolved as T);
  }
}
