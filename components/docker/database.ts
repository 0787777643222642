/**
 * AppDatabase and AuditDatabase: one PostgreSQL container each, with its own volume, role and
 * password, reachable only on the instance's internal network (no published ports).
 *
 * Guarantees: a pinned image tag run as the image's own unprivileged user; a `pg_isready`
 * healthcheck with a start period, and `wait` so nothing that depends on a database starts before
 * it is healthy; a restart policy; CPU and memory caps; the container and its volume protected
 * from `pulumi destroy` (and the volume retained on delete) unless the instance opts out with
 * `protectData: false`.
 *
 * Password rotation: the official image reads POSTGRES_USER, POSTGRES_DB and POSTGRES_PASSWORD
 * only when it initialises an empty volume, so a new password in the env would never reach an
 * existing database, yet a changed env replaces the container, and replacing a protected
 * container fails the update. The env is therefore left out of the diff (`ignoreChanges`), and
 * DatabasePasswordRotation (password-rotation.ts) applies a new password with `ALTER ROLE` before
 * the release.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { after } from "./gate";
import { containerLogging, type ContainerLimits, resourceLimits } from "./hardening";
import { pulledImage } from "./pulled-image";

/** Pinned PostgreSQL images per major version; bump deliberately (CS-3, DB-8). */
export const POSTGRES_IMAGES: Readonly<Record<number, string>> = {
  13: "postgres:13.22-bookworm",
  14: "postgres:14.19-bookworm",
  15: "postgres:15.14-bookworm",
  16: "postgres:16.10-bookworm",
  17: "postgres:17.6-bookworm",
  18: "postgres:18.0-trixie",
};
export const POSTGRES_PORT = 5432;
/** Seconds a database gets to finish a fast shutdown (checkpoint) before it is killed. */
export const POSTGRES_STOP_TIMEOUT = 60;
/**
 * The official Debian-based images' `postgres` user and group (`groupadd --gid=999`,
 * `useradd --uid=999` in docker-library/postgres' bookworm and trixie Dockerfiles). Their
 * entrypoint supports running as that user directly; every pinned image above is Debian-based
 * (alpine images use 70:70 instead).
 */
export const POSTGRES_IMAGE_USER = "999:999";

export function postgresImage(version: number): string {
  const image = POSTGRES_IMAGES[version];
  if (image === undefined) throw new Error(`no pinned PostgreSQL image for major version ${version}`);
  return image;
}

/** PostgreSQL 18 images keep data under /var/lib/postgresql/<major>/docker and expect the volume one level up. */
export function postgresDataPath(version: number): string {
  return version >= 18 ? "/var/lib/postgresql" : "/var/lib/postgresql/data";
}

/** Healthy only when the server accepts TCP connections (initdb's temporary server listens on the socket only). */
export function postgresHealthcheck(): docker.types.input.ContainerHealthcheck {
  return {
    tests: ["CMD-SHELL", 'pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
    interval: "10s",
    timeout: "5s",
    retries: 5,
    startPeriod: "30s",
  };
}

export interface DatabaseEndpoint {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Seconds a client waits for a connection before failing (DB-3). */
export const CONNECT_TIMEOUT_SECONDS = 10;

/** `postgres://user:password@host:5432/db?connect_timeout=10`, the password URL-encoded. */
export function databaseUrl(endpoint: DatabaseEndpoint, password: string): string {
  const user = encodeURIComponent(endpoint.user);
  const secret = encodeURIComponent(password);
  return `postgres://${user}:${secret}@${endpoint.host}:${endpoint.port}/${endpoint.database}?connect_timeout=${CONNECT_TIMEOUT_SECONDS}`;
}

export interface DatabaseArgs {
  /** PostgreSQL major version. */
  postgresVersion: number;
  /** Name of the internal network the database joins. */
  network: pulumi.Input<string>;
  /** The role's password (current generation). */
  password: pulumi.Input<string>;
  /** Protect the container and volume from destroy and replacement; retain the volume on delete. */
  protectData: boolean;
  /** CPU and memory caps (`resources.database`). */
  limits: ContainerLimits;
  /**
   * Resolves only when no change that would replace a protected container is pending (the
   * instance compares with the last update, config.ts protectedDataChanges); the CPU cap, the
   * one configurable input that forces a replacement, waits on it.
   */
  refused?: pulumi.Output<unknown>;
}

interface DatabaseRole {
  /** Database and role name. */
  database: string;
  /** DNS name on the internal network. */
  host: string;
}

/** One PostgreSQL container with its volume; AppDatabase and AuditDatabase differ only in role. */
abstract class PostgresDatabase extends pulumi.ComponentResource {
  readonly endpoint: DatabaseEndpoint;
  readonly container: docker.Container;
  readonly volume: docker.Volume;
  /** Connection URL for the app (secret). */
  readonly url: pulumi.Output<string>;

  protected constructor(
    type: string,
    role: DatabaseRole,
    name: string,
    args: DatabaseArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const image = postgresImage(args.postgresVersion);
    super(type, name, {}, opts);
    this.endpoint = { host: role.host, port: POSTGRES_PORT, database: role.database, user: role.database };
    const dataOpts = { parent: this, protect: args.protectData, retainOnDelete: args.protectData };

    const pulled = pulledImage(name, image, this);
    this.volume = new docker.Volume(
      `${name}-data`,
      { labels: [{ label: "agency-deploy.role", value: role.host }] },
      dataOpts,
    );
    this.container = new docker.Container(
      `${name}-server`,
      {
        // The pulled image's name (the pinned tag): orders the pull first and keeps the tag visible.
        image: pulled.name,
        // The image's own user: the volume is initialised with its ownership (the image's data
        // directory is owned by it), so the entrypoint needs no root step down (gosu).
        user: POSTGRES_IMAGE_USER,
        envs: [
          `POSTGRES_USER=${role.database}`,
          `POSTGRES_DB=${role.database}`,
          pulumi.secret(pulumi.interpolate`POSTGRES_PASSWORD=${args.password}`),
        ],
        volumes: [{ volumeName: this.volume.name, containerPath: postgresDataPath(args.postgresVersion) }],
        networksAdvanced: [{ name: args.network, aliases: [role.host] }],
        healthcheck: postgresHealthcheck(),
        wait: true,
        waitTimeout: 180,
        restart: "unless-stopped",
        stopTimeout: POSTGRES_STOP_TIMEOUT,
        destroyGraceSeconds: POSTGRES_STOP_TIMEOUT,
        securityOpts: ["no-new-privileges:true"],
        ...resourceLimits(args.limits),
        ...(args.refused === undefined ? {} : { cpus: after(args.refused, String(args.limits.cpu)) }),
        ...containerLogging(),
      },
      // The env is read only by initdb (see the header): a new password must not replace the
      // protected container. DatabasePasswordRotation applies it to the running server instead.
      { ...dataOpts, retainOnDelete: undefined, ignoreChanges: ["envs"] },
    );
    this.url = pulumi.secret(
      pulumi.output(args.password).apply((password) => databaseUrl(this.endpoint, password)),
    );
    this.registerOutputs({ url: this.url, database: role.database, host: role.host });
  }
}

/** The application's own database (Django's `default`). */
export class AppDatabase extends PostgresDatabase {
  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agency-deploy:docker:AppDatabase", { database: "app", host: "app-db" }, name, args, opts);
  }
}

/**
 * The login the app writes the audit trail as: it may read and append, never change, remove or
 * truncate a row, nor switch the append-only triggers off (docker/password-rotation.ts creates it).
 * The database's own POSTGRES_USER, a superuser, runs the migrations and the lockdown only.
 */
export const AUDIT_WRITER_ROLE = "audit_writer";

/** The audit trail's database (Django's `audit` alias), separate role and credentials (DB-7). */
export class AuditDatabase extends PostgresDatabase {
  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agency-deploy:docker:AuditDatabase", { database: "audit", host: "audit-db" }, name, args, opts);
  }

  /** Where the app's append-only login connects: this database as AUDIT_WRITER_ROLE. */
  get writerEndpoint(): DatabaseEndpoint {
    return { ...this.endpoint, user: AUDIT_WRITER_ROLE };
  }

  /** The app's audit connection URL (secret) for the append-only login's password. */
  writerUrl(password: pulumi.Input<string>): pulumi.Output<string> {
    const endpoint = this.writerEndpoint;
    return pulumi.secret(pulumi.output(password).apply((secret) => databaseUrl(endpoint, secret)));
  }
}
