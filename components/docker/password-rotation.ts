/**
 * DatabasePasswordRotation: a one-shot job, run before the backups and the release, that makes
 * each database role's password the current generation's.
 *
 * The database containers ignore changes to their env (database.ts: the image reads
 * POSTGRES_PASSWORD only at initdb, and a replacement would fail on the protected container), so
 * a bumped `rotation.databasePasswords` reaches the servers only through this job:
 * rotate-password.sh logs in with the current password (nothing to do) or else with the previous
 * generation's (kept by AgencySecrets) and runs `ALTER ROLE CURRENT_USER PASSWORD`. The job's env
 * carries both passwords, so a new generation replaces the container and the job runs again.
 *
 * Its exit code is gated like the release's: a failed rotation fails the deployment before the
 * pre-release backup, the release and the web service change. Between the `ALTER ROLE` and the
 * new web container the old one holds the old password: new connections fail for that window.
 */
import * as pulumi from "@pulumi/pulumi";
import { configKey } from "../config";
import { backupTmpfs, bootstrapScript, readScripts, SCRIPTS_DIR } from "./backup";
import { type DatabaseEndpoint, POSTGRES_IMAGE_USER, postgresImage } from "./database";
import { jobFailure } from "./gate";
import type { ContainerLimits } from "./hardening";
import type { JobLedger } from "./job-ledger";
import { pulledImage } from "./pulled-image";
import { GatedJob } from "./one-shot-job";

export const ROTATION_SCRIPT = "rotate-password.sh";
export const AUDIT_WRITER_SCRIPT = "audit-writer-role.sh";

/** One role whose password the job applies. */
export interface RotatedLogin {
  endpoint: DatabaseEndpoint;
  /** The current generation's password (secret). */
  password: pulumi.Input<string>;
  /** The previous generation's password (secret); absent before the first rotation. */
  previousPassword?: pulumi.Input<string>;
}

/** The append-only audit login, made by the audit database's owner once its password is current. */
export interface AuditWriterLogin {
  /** The owner's login (the audit database's POSTGRES_USER) and the database. */
  owner: RotatedLogin;
  role: string;
  /** The writer's password, current generation (secret). */
  password: pulumi.Input<string>;
}

export interface DatabasePasswordRotationArgs {
  /** PostgreSQL major version: the job runs the databases' own image (psql). */
  postgresVersion: number;
  /** The internal database network. */
  network: pulumi.Input<string>;
  logins: RotatedLogin[];
  /** Create or update the audit trail's append-only login after the passwords are current. */
  auditWriter?: AuditWriterLogin;
  /** CPU and memory caps (`resources.backup`). */
  limits: ContainerLimits;
  /** How long the rotation may run (`timeouts.rotationMinutes`). */
  timeoutMinutes: number;
  /** Reruns the rotation after a failed one (job-ledger.ts); without it, a failed rotation sticks. */
  ledger?: JobLedger;
  /**
   * The setting that holds the passwords' generation, as the failure names it: the instance's
   * argument path or config key (config.ts SettingsOrigin). Default: the stack config key.
   */
  generationSetting?: string;
}

/** The stack config key of the database passwords' generation. */
export const PASSWORD_GENERATION_KEY = configKey(["rotation", "databasePasswords"]);

/** The ledger's name for the password rotation. */
export const PASSWORD_ROTATION_JOB = "password-rotation";

/** `app-db` -> `APP_DB`: the env prefix of one login's passwords. */
export function loginEnvPrefix(endpoint: DatabaseEndpoint): string {
  return endpoint.host.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * One rotate-password.sh run per login: where to log in is plain text in the command, the
 * passwords are expanded from the container's env by the shell, never written into the command.
 * Each runs through `env`: the bootstrap `exec`s the last command, and `exec NAME=value cmd`
 * would make sh look for a command named `NAME=value` (exit 127).
 */
export function rotationCommands(endpoints: readonly DatabaseEndpoint[]): string[] {
  return endpoints.map((endpoint) => {
    const prefix = loginEnvPrefix(endpoint);
    return [
      "env",
      `PGHOST=${endpoint.host}`,
      `PGPORT=${endpoint.port}`,
      `PGUSER=${endpoint.user}`,
      `PGDATABASE=${endpoint.database}`,
      `CURRENT_PASSWORD="$${prefix}_PASSWORD"`,
      `PREVIOUS_PASSWORD="\${${prefix}_PREVIOUS_PASSWORD:-}"`,
      `${SCRIPTS_DIR}/${ROTATION_SCRIPT}`,
    ].join(" ");
  });
}

/**
 * audit-writer-role.sh as the audit database's owner, logged in with the owner's current password;
 * both passwords expanded from the env, never written out.
 */
export function auditWriterCommand(writer: { owner: DatabaseEndpoint; role: string }): string {
  const prefix = loginEnvPrefix(writer.owner);
  return [
    "env",
    `PGHOST=${writer.owner.host}`,
    `PGPORT=${writer.owner.port}`,
    `PGUSER=${writer.owner.user}`,
    `PGDATABASE=${writer.owner.database}`,
    `PGPASSWORD="$${prefix}_PASSWORD"`,
    `AUDIT_ROLE=${writer.role}`,
    'AUDIT_ROLE_PASSWORD="$AUDIT_WRITER_PASSWORD"',
    `${SCRIPTS_DIR}/${AUDIT_WRITER_SCRIPT}`,
  ].join(" ");
}

/** Why nothing after the rotation ran, for a rotation job that exited with `exitCode`. */
export function passwordRotationFailure(
  name: string,
  exitCode: number,
  generationSetting: string = PASSWORD_GENERATION_KEY,
): string | undefined {
  return jobFailure(
    `${name}: the database password rotation`,
    exitCode,
    "the backups, the release and the web service were not changed",
    `See \`docker logs ${name}\`; raise ${generationSetting} by one at a time`,
  );
}

export class DatabasePasswordRotation extends GatedJob {
  constructor(name: string, args: DatabasePasswordRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    const image = postgresImage(args.postgresVersion);
    const writer = args.auditWriter;
    if (writer && !args.logins.includes(writer.owner)) {
      throw new Error(`${name}: the audit writer's owner must be one of the rotated logins`);
    }
    const script = bootstrapScript(
      readScripts(writer ? [ROTATION_SCRIPT, AUDIT_WRITER_SCRIPT] : [ROTATION_SCRIPT]),
      [
        ...rotationCommands(args.logins.map((login) => login.endpoint)),
        ...(writer ? [auditWriterCommand({ owner: writer.owner.endpoint, role: writer.role })] : []),
      ],
    );
    const envs = args.logins.flatMap((login) => {
      const prefix = loginEnvPrefix(login.endpoint);
      const entries = [pulumi.secret(pulumi.interpolate`${prefix}_PASSWORD=${login.password}`)];
      if (login.previousPassword !== undefined) {
        entries.push(
          pulumi.secret(pulumi.interpolate`${prefix}_PREVIOUS_PASSWORD=${login.previousPassword}`),
        );
      }
      return entries;
    });
    if (writer) envs.push(pulumi.secret(pulumi.interpolate`AUDIT_WRITER_PASSWORD=${writer.password}`));
    super(
      "agency-deploy:docker:DatabasePasswordRotation",
      name,
      (parent) => ({
        job: PASSWORD_ROTATION_JOB,
        // A fixed name (the component's) so the runbook's `docker logs` command stays exact.
        name,
        image: pulledImage(name, image, parent).name,
        script,
        envs,
        user: POSTGRES_IMAGE_USER,
        tmpfs: backupTmpfs(),
        networks: [args.network],
        limits: args.limits,
        timeoutMinutes: args.timeoutMinutes,
        ledger: args.ledger,
        failure: (exitCode) => passwordRotationFailure(name, exitCode, args.generationSetting),
      }),
      // dependsOn: the healthy databases.
      opts,
    );
  }
}
