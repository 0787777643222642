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
 * The containers run as the image's own unprivileged user (POSTGRES_IMAGE_USER, 999:999) with
 * every capability dropped. The backup volume is mounted at the image's data directory
 * (postgresDataPath: /var/lib/postgresql/data, or /var/lib/postgresql from 18), which the image
 * creates owned by that user: Docker initialises an empty named volume from the image's directory
 * at the mount point, contents and ownership alike (moby's copyExistingContents, which copies the
 * directory's uid, gid and mode), so the volume is the user's own without a root `chown` step.
 * Mounting at exactly the image's VOLUME path also keeps Docker from adding an anonymous volume
 * to every backup container. A configured host path must be writable by uid 999 (README).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { InstanceSettings } from "../config";
import { POSTGRES_IMAGE_USER, postgresDataPath, postgresImage } from "./database";
import { jobFailure } from "./gate";
import {
  containerLogging,
  type ContainerLimits,
  hardenedRuntime,
  REPLACE_ON_CHANGES,
  resourceLimits,
  TMP_TMPFS,
} from "./hardening";
import type { JobLedger } from "./job-ledger";
import { pulledImage } from "./pulled-image";
import { GatedJob } from "./one-shot-job";

/** Where backups live inside the backup containers: the postgres image's data directory (see above). */
export function backupDirectory(postgresVersion: number): string {
  return postgresDataPath(postgresVersion);
}
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

/** Scripts' text by file name, read once per construction. */
export function readScripts<Name extends string>(
  names: readonly Name[],
  dir: string = scriptsDirectory(),
): Record<Name, string> {
  const entries = names.map((script) => [script, fs.readFileSync(path.join(dir, script), "utf8")]);
  return Object.fromEntries(entries) as Record<Name, string>;
}

/** The backup scripts' text. */
export function readBackupScripts(dir: string = scriptsDirectory()): Record<BackupScript, string> {
  return readScripts(BACKUP_SCRIPTS, dir);
}

/**
 * A `sh -c` script that writes each script into SCRIPTS_DIR (executable), then runs the `run`
 * commands (already shell-safe) in order, stopping at the first failure; the last one is
 * `exec`ed so it becomes the container's main process and its exit code the container's.
 */
export function bootstrapScript(scripts: Readonly<Record<string, string>>, run: readonly string[]): string {
  if (run.length === 0) throw new Error("bootstrapScript needs a command to run");
  const names = Object.keys(scripts);
  const lines = ["set -eu", `mkdir -p ${SCRIPTS_DIR}`];
  for (const script of names) {
    const text = scripts[script];
    if (text.includes(HEREDOC_END)) throw new Error(`${script} must not contain the line ${HEREDOC_END}`);
    lines.push(`cat > ${SCRIPTS_DIR}/${script} <<'${HEREDOC_END}'`, text.replace(/\n$/, ""), HEREDOC_END);
  }
  lines.push(`chmod 0755 ${names.map((s) => `${SCRIPTS_DIR}/${s}`).join(" ")}`);
  lines.push(...run.slice(0, -1), `exec ${run[run.length - 1]}`);
  return lines.join("\n");
}

/**
 * The scripts tmpfs: dockerd mounts every tmpfs root-owned and `noexec` unless its options say
 * otherwise, so uid 999 could neither write the scripts nor run them. `uid=`/`gid=` make it the
 * job user's (a `mode=1777` would be reset to 0755 when the container restarts, moby#45549) and
 * `exec` lets the scripts run.
 */
export function scriptsTmpfsOptions(): string {
  const [uid, gid] = POSTGRES_IMAGE_USER.split(":");
  return `rw,exec,nosuid,nodev,size=1m,mode=0700,uid=${uid},gid=${gid}`;
}

/** The job's writable mounts: an exec-able tmpfs for the scripts owned by the job user, a noexec /tmp. */
export function backupTmpfs(): Record<string, string> {
  return { [SCRIPTS_DIR]: scriptsTmpfsOptions(), ...TMP_TMPFS };
}

/**
 * The postgres image's unprivileged user, a read-only root, backupTmpfs(), no capabilities, no
 * privilege gain.
 */
export function backupRuntime(): Pick<
  docker.ContainerArgs,
  "readOnly" | "tmpfs" | "capabilities" | "securityOpts" | "user"
> {
  return { user: POSTGRES_IMAGE_USER, ...hardenedRuntime(backupTmpfs()) };
}

/** Whether a backup runs before every release: configured, else on in production only. */
export function backupBeforeRelease(settings: InstanceSettings): boolean {
  return settings.backup.beforeRelease ?? settings.mode === "production";
}

/** Where dumps are kept: a protected named volume, or the configured host directory, at backupDirectory(). */
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
  const containerPath = backupDirectory(settings.postgres.version);
  if (settings.backup.hostPath !== undefined) {
    return {
      mount: { hostPath: settings.backup.hostPath, containerPath },
      description: pulumi.output(`host directory ${settings.backup.hostPath}`),
    };
  }
  const volume = new docker.Volume(
    name,
    { labels: [{ label: "agency-deploy.role", value: "backups" }] },
    { ...opts, protect: settings.protectData, retainOnDelete: settings.protectData },
  );
  return {
    mount: { volumeName: volume.name, containerPath },
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
  /** CPU and memory caps (`resources.backup`). */
  limits: ContainerLimits;
}

/** The env the scripts read; the connection URLs as secret entries. */
export function backupEnvironment(
  args: BackupContainerArgs,
  extra: Record<string, string>,
): pulumi.Input<string>[] {
  return [
    `BACKUP_DIR=${backupDirectory(args.postgresVersion)}`,
    `RETENTION_COUNT=${args.retentionCount}`,
    `RETENTION_DAYS=${args.retentionDays}`,
    ...Object.entries(extra).map(([key, value]) => `${key}=${value}`),
    pulumi.secret(pulumi.interpolate`DATABASE_URL=${args.databaseUrl}`),
    pulumi.secret(pulumi.interpolate`AUDIT_DATABASE_URL=${args.auditDatabaseUrl}`),
  ];
}

/** Healthy while both databases answer and the backup directory is writable. */
export function backupHealthcheck(backupDir: string): docker.types.input.ContainerHealthcheck {
  return {
    tests: [
      "CMD-SHELL",
      `pg_isready -q -d "$DATABASE_URL" && pg_isready -q -d "$AUDIT_DATABASE_URL" && test -w ${backupDir}`,
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
    const script = bootstrapScript(readBackupScripts(), [`${SCRIPTS_DIR}/backup-scheduler.sh`]);
    super("agency-deploy:docker:BackupService", name, {}, opts);
    const pulled = pulledImage(name, image, this);
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
        healthcheck: backupHealthcheck(backupDirectory(args.postgresVersion)),
        wait: true,
        waitTimeout: 180,
        restart: "unless-stopped",
        // An init forwards `docker stop`'s SIGTERM to the scheduler loop (PID 1 sh would ignore it).
        init: true,
        stopTimeout: 30,
        ...backupRuntime(),
        ...resourceLimits(args.limits),
        ...containerLogging(),
      },
      // dependsOn does not flow from a component to its children: forward it (healthy databases).
      // A fixed name cannot exist twice: replace by deleting first.
      {
        parent: this,
        dependsOn: opts?.dependsOn,
        deleteBeforeReplace: true,
        replaceOnChanges: REPLACE_ON_CHANGES,
      },
    );
    this.registerOutputs({ name: this.container.name });
  }
}

export interface PreReleaseBackupArgs extends BackupContainerArgs {
  /** The image the release runs: a new image means a new release, and so a new backup. */
  releaseImageId: pulumi.Input<string>;
  /** The release script: new steps mean a new release, and so a new backup. */
  releaseScript: string;
  /** How long the backup may run (`timeouts.backupMinutes`). */
  timeoutMinutes: number;
  /** Reruns the backup after a failed one (job-ledger.ts); without it, a failed backup sticks. */
  ledger?: JobLedger;
}

/** The ledger's name for the pre-release backup. */
export const PRE_RELEASE_BACKUP_JOB = "pre-release-backup";

/**
 * One backup of both databases before each release. A one-shot container gated on its exit code
 * (attach, mustRun false, rm false, logs, then an explicit exitCode check), as the release is:
 * `after(value)` resolves only once the backup succeeded, so a release consuming it never runs
 * after a failed backup. Its labels carry the release's image and steps, and a changed label
 * replaces the container: the backup runs again exactly when the release does, and, through its
 * JobLedger attempt label (job-ledger.ts), on the `up` after a failed backup. `after(value)`
 * resolves only after the backup succeeded: consume it to run after a good backup.
 */
export class PreReleaseBackup extends GatedJob {
  constructor(name: string, args: PreReleaseBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    const image = postgresImage(args.postgresVersion);
    const script = bootstrapScript(readBackupScripts(), [`${SCRIPTS_DIR}/backup.sh`]);
    const stepsDigest = crypto.createHash("sha256").update(args.releaseScript).digest("hex");
    super(
      "agency-deploy:docker:PreReleaseBackup",
      name,
      (parent) => ({
        job: PRE_RELEASE_BACKUP_JOB,
        name,
        image: pulledImage(name, image, parent).name,
        script,
        envs: backupEnvironment(args, { BACKUP_LABEL: "pre-release" }),
        user: POSTGRES_IMAGE_USER,
        tmpfs: backupTmpfs(),
        networks: [args.network],
        volumes: [args.storage],
        labels: [
          { label: "agency-deploy.release-image", value: args.releaseImageId },
          { label: "agency-deploy.release-steps", value: stepsDigest },
        ],
        limits: args.limits,
        timeoutMinutes: args.timeoutMinutes,
        ledger: args.ledger,
        secretLogs: true,
        failure: (exitCode) => preReleaseBackupFailure(name, exitCode),
      }),
      opts,
    );
  }
}

/** Why the release did not run, for a pre-release backup that exited with `exitCode`. */
export function preReleaseBackupFailure(name: string, exitCode: number): string | undefined {
  return jobFailure(
    `${name}: the pre-release backup`,
    exitCode,
    "the release was not run and the web service was not changed",
    `See \`docker logs ${name}\` and fix the database connection or the backup storage (writable by uid 999)`,
  );
}
