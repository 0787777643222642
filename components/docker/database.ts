/**
 * AppDatabase and AuditDatabase: one PostgreSQL container each, with its own volume, role and
 * password, reachable only on the instance's internal network (no published ports).
 *
 * Guarantees: a pinned image tag; `pg_isready` healthcheck with a start period, and `wait` so
 * nothing that depends on a database starts before it is healthy; a restart policy; the container
 * and its volume protected from `pulumi destroy` (and the volume retained on delete) unless the
 * instance opts out with `protectData: false`.
 *
 * The official image only reads POSTGRES_PASSWORD when it initialises an empty volume, so a
 * rotated password would never reach an existing database. The container therefore starts
 * PostgreSQL through a small wrapper that sets the role's password to the current generation over
 * the local socket (trust inside the container) before the healthcheck may pass.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { containerLogging } from "./hardening";

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
const CREDENTIALS_MARKER = "/var/run/postgresql/credentials-applied";

export function postgresImage(version: number): string {
  const image = POSTGRES_IMAGES[version];
  if (image === undefined) throw new Error(`no pinned PostgreSQL image for major version ${version}`);
  return image;
}

/** PostgreSQL 18 images keep data under /var/lib/postgresql/<major>/docker and expect the volume one level up. */
export function postgresDataPath(version: number): string {
  return version >= 18 ? "/var/lib/postgresql" : "/var/lib/postgresql/data";
}

/** Start PostgreSQL, apply the current password to the role, then mark the credentials applied. */
export function postgresStartScript(): string {
  return [
    "set -eu",
    `rm -f ${CREDENTIALS_MARKER}`,
    "docker-entrypoint.sh postgres &",
    "pid=$!",
    // Fast shutdown on docker stop (SIGINT is the image's own stop signal).
    `trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT`,
    'until pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"; do',
    '  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; exit $?; fi',
    "  sleep 1",
    "done",
    'psql -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v pw="$POSTGRES_PASSWORD" <<\'SQL\'',
    "ALTER ROLE CURRENT_USER PASSWORD :'pw';",
    "SQL",
    `touch ${CREDENTIALS_MARKER}`,
    "status=0",
    'wait "$pid" || status=$?',
    // A trapped signal interrupts wait; wait again until PostgreSQL has finished shutting down.
    'if kill -0 "$pid" 2>/dev/null; then wait "$pid" || status=$?; fi',
    'exit "$status"',
  ].join("\n");
}

/** Healthy only when the server accepts TCP connections and the current password is in force. */
export function postgresHealthcheck(): docker.types.input.ContainerHealthcheck {
  return {
    tests: [
      "CMD-SHELL",
      `pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" && test -f ${CREDENTIALS_MARKER}`,
    ],
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

    const pulled = new docker.RemoteImage(
      `${name}-image`,
      { name: image, keepLocally: true },
      { parent: this },
    );
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
        command: ["sh", "-c", postgresStartScript()],
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
        ...containerLogging(),
      },
      { ...dataOpts, retainOnDelete: undefined },
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

/** The audit trail's database (Django's `audit` alias), separate role and credentials (DB-7). */
export class AuditDatabase extends PostgresDatabase {
  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agency-deploy:docker:AuditDatabase", { database: "audit", host: "audit-db" }, name, args, opts);
  }
}
