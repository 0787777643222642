/**
 * What the runner needs to know of an image: its config (ENV, USER, WORKDIR, ENTRYPOINT, CMD,
 * STOPSIGNAL), the users its /etc/passwd holds (Docker takes HOME from there), the directories it
 * has with their owner and mode (a new volume copies them), and where its content comes from on
 * this machine (the host's /usr with Debian's packages, plus the app and its venv).
 *
 * The app image is read from its Dockerfile with the pack's own Dockerfile reader. The pinned
 * `postgres` and `caddy` images are modelled from their Dockerfiles (docker-library/postgres
 * 16/bookworm; caddy-docker 2.10 alpine), which this machine cannot pull.
 */
import * as fs from "fs";
import * as path from "path";
import { effectiveEnv, finalStage, readDockerfile } from "../../../policies/pack/inspect/dockerfile";
import type { CommandFact } from "../../../policies/pack/inspect/facts";

export interface ImageUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** A directory the image has: a mount point, and what a new volume mounted there copies. */
export interface ImagePath {
  path: string;
  uid: number;
  gid: number;
  mode: number;
}

/** Image content provided from this machine, mounted read-only at `target`. */
export interface ImageContent {
  source: string;
  target: string;
}

export interface ImageModel {
  ref: string;
  env: Record<string, string>;
  /** USER: `uid[:gid]` or a name in `users`; "" is root. */
  user: string;
  workdir: string;
  entrypoint: string[];
  cmd: string[];
  stopSignal: string;
  users: ImageUser[];
  paths: ImagePath[];
  content: ImageContent[];
}

/** The base images' own PATH (python:3.12-slim, debian, alpine): what `$PATH` expands to in ENV. */
const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const ROOT: ImageUser = { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/sh" };

function commandArgv(fact: CommandFact | null): string[] {
  if (fact === null) return [];
  return fact.form === "exec" ? fact.argv : ["/bin/sh", "-c", fact.text];
}

/**
 * Users the Dockerfile's RUN steps create with `useradd --uid N --gid G --home-dir H ... name`
 * (the sample app's pattern); parsed here because the pack's reader does not model accounts.
 */
function createdUsers(runs: readonly string[]): ImageUser[] {
  const users: ImageUser[] = [];
  for (const run of runs) {
    for (const match of run.matchAll(
      /useradd((?:\s+(?:--?[a-z-]+(?:[= ][^\s\\-][^\s\\]*)?|\\\n))+)\s+([a-z_][a-z0-9_-]*)/g,
    )) {
      const flags = match[1];
      const flag = (name: string) => flags.match(new RegExp(`--${name}[= ](\\S+)`))?.[1];
      const uid = Number(flag("uid"));
      users.push({
        name: match[2],
        uid,
        gid: Number(flag("gid") ?? uid),
        home: flag("home-dir") ?? `/home/${match[2]}`,
        shell: flag("shell") ?? "/bin/sh",
      });
    }
  }
  return users;
}

export interface AppImageContent {
  /** The built /app (context copy with collected static files). */
  app: string;
  /** The venv the Dockerfile builds at /opt/venv. */
  venv: string;
}

/** The app image as its Dockerfile's final stage describes it, with the built app and venv. */
export function appImage(dockerfile: string, content: AppImageContent): ImageModel {
  const facts = readDockerfile(fs.readFileSync(dockerfile, "utf8"), dockerfile);
  const stage = finalStage(facts);
  if (stage === null) throw new Error(`${dockerfile} has no stage`);
  const env: Record<string, string> = { PATH: BASE_PATH };
  for (const fact of effectiveEnv(facts, stage)) {
    env[fact.name] = fact.value.replace(/\$\{?PATH\}?/g, env.PATH ?? BASE_PATH);
  }
  const runs = facts.stages.flatMap((s) => s.runs.map((r) => r.command));
  return {
    ref: path.basename(path.dirname(dockerfile)),
    env,
    user: stage.effectiveUser?.value ?? "",
    workdir: stage.workdir,
    entrypoint: commandArgv(stage.entrypoint),
    cmd: commandArgv(stage.cmd),
    stopSignal: "SIGTERM",
    users: [ROOT, ...createdUsers(runs)],
    paths: [{ path: stage.workdir, uid: 0, gid: 0, mode: 0o755 }],
    content: [
      { source: content.app, target: "/app" },
      { source: content.venv, target: "/opt/venv" },
    ],
  };
}

/** The newest Debian PostgreSQL server on this machine: `/usr/lib/postgresql/<major>/bin`. */
export function postgresBindir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  const major = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a))[0];
  return major === undefined ? undefined : path.join(root, major, "bin");
}

const POSTGRES_USER: ImageUser = {
  name: "postgres",
  uid: 999,
  gid: 999,
  home: "/var/lib/postgresql",
  shell: "/bin/bash",
};

/**
 * A pinned `postgres:*-bookworm` image (docker-library/postgres 16/bookworm/Dockerfile): uid 999,
 * /var/lib/postgresql and PGDATA 1777, /var/run/postgresql 3777, STOPSIGNAL SIGINT. The server is
 * Debian's (this machine's major version) and the entrypoint is postgres-entrypoint.sh, which
 * initialises PGDATA as the image's docker-entrypoint.sh does. LANG is C.UTF-8: the image generates
 * en_US.utf8, which this machine does not have.
 */
export function postgresImageModel(ref: string, bindir: string): ImageModel {
  return {
    ref,
    env: {
      PATH: `${BASE_PATH}:${bindir}`,
      PG_MAJOR: path.basename(path.dirname(bindir)),
      PGDATA: "/var/lib/postgresql/data",
      LANG: "C.UTF-8",
    },
    user: "",
    workdir: "/",
    entrypoint: ["/docker-entrypoint.sh"],
    cmd: ["postgres"],
    stopSignal: "SIGINT",
    users: [ROOT, POSTGRES_USER],
    paths: [
      { path: "/var/lib/postgresql", uid: 999, gid: 999, mode: 0o1777 },
      { path: "/var/run/postgresql", uid: 999, gid: 999, mode: 0o3777 },
      { path: "/var/lib/postgresql/data", uid: 999, gid: 999, mode: 0o1777 },
      { path: "/docker-entrypoint-initdb.d", uid: 0, gid: 0, mode: 0o755 },
    ],
    content: [{ source: path.join(__dirname, "postgres-entrypoint.sh"), target: "/docker-entrypoint.sh" }],
  };
}

/** A pinned `caddy:*-alpine` image (caddy-docker): root, XDG dirs /config and /data, WORKDIR /srv. */
export function caddyImageModel(ref: string): ImageModel {
  return {
    ref,
    env: { PATH: BASE_PATH, XDG_CONFIG_HOME: "/config", XDG_DATA_HOME: "/data" },
    user: "",
    workdir: "/srv",
    entrypoint: [],
    cmd: ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
    stopSignal: "SIGTERM",
    users: [ROOT],
    paths: [
      { path: "/config/caddy", uid: 0, gid: 0, mode: 0o755 },
      { path: "/data/caddy", uid: 0, gid: 0, mode: 0o755 },
      { path: "/srv", uid: 0, gid: 0, mode: 0o755 },
    ],
    content: [],
  };
}
