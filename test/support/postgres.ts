/**
 * A throwaway PostgreSQL server from Debian's packages for tests that need a real one:
 * its own data directory and loopback port, started as the `postgres` user when the tests
 * run as root (the server refuses root), stopped and deleted afterwards.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export interface TestServer {
  port: number;
  bindir: string;
  /** Connection URL for a role and database on this server. */
  url(user: string, password: string, database: string): string;
  /** Runs SQL as the superuser; returns psql's unaligned, tuples-only output. */
  sql(database: string, statement: string): string;
  stop(): void;
}

/** The newest installed server's bin directory, or a message saying how to install one. */
export function findPostgresBindir(): string {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      "These tests need a PostgreSQL server: `apt-get install postgresql` (Debian's package; .ci/run installs it).",
    );
  }
  return path.join(root, versions[0], "bin");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

const asRoot = process.getuid?.() === 0;

function runAsServerUser(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] });
}

export async function startTestServer(): Promise<TestServer> {
  const bindir = findPostgresBindir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-pg-"));
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  const port = await freePort();
  runAsServerUser(path.join(bindir, "initdb"), [
    "--pgdata",
    data,
    "--username=postgres",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "--encoding=UTF8",
  ]);
  runAsServerUser(path.join(bindir, "pg_ctl"), [
    "--pgdata",
    data,
    "--wait",
    "--log",
    path.join(dir, "server.log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    "start",
  ]);
  const sql = (database: string, statement: string): string =>
    runAsServerUser(path.join(bindir, "psql"), [
      "--no-psqlrc",
      "--quiet",
      "--tuples-only",
      "--no-align",
      "-v",
      "ON_ERROR_STOP=1",
      "-h",
      dir,
      "-p",
      String(port),
      "-U",
      "postgres",
      "-d",
      database,
      "-c",
      statement,
    ]).trim();
  return {
    port,
    bindir,
    url: (user, password, database) =>
      `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}?connect_timeout=5`,
    sql,
    stop: () => {
      try {
        runAsServerUser(path.join(bindir, "pg_ctl"), ["--pgdata", data, "--mode=immediate", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs SQL over TCP as `user`; the status and output tell whether the login and statement worked. */
export function sqlAs(
  server: TestServer,
  user: string,
  password: string,
  database: string,
  statement: string,
) {
  const result = spawnSync(
    path.join(server.bindir, "psql"),
    [
      "--no-psqlrc",
      "--no-password",
      "--quiet",
      "--tuples-only",
      "--no-align",
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      statement,
      server.url(user, password, database),
    ],
    { encoding: "utf8", env: { ...process.env, HOME: os.tmpdir() } },
  );
  return { status: result.status, output: (result.stdout + result.stderr).trim() };
}

/**
 * Runs a components/scripts shell script against the test server as `user`, the way a one-shot
 * job runs it: the PostgreSQL client tools on PATH and the connection in PG* variables.
 */
export function runScript(server: TestServer, script: string, user: string, env: Record<string, string>) {
  const result = spawnSync("sh", [script], {
    encoding: "utf8",
    env: {
      PATH: `${server.bindir}:${process.env.PATH}`,
      HOME: os.tmpdir(),
      PGHOST: "127.0.0.1",
      PGPORT: String(server.port),
      PGUSER: user,
      ...env,
    },
    timeout: 60_000,
  });
  return { status: result.status, output: result.stdout + result.stderr, stdout: result.stdout };
}
