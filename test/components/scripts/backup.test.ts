import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../support/paths";
import { startTestServer, type TestServer } from "../../support/postgres";

const SCRIPTS = path.join(REPO_ROOT, "components", "scripts");
const APP_PASSWORD = "app-S3cret-pw";
const AUDIT_PASSWORD = "audit-S3cret-pw";

let server: TestServer;
let backupDir: string;

function run(script: string, args: string[], env: Record<string, string>) {
  const result = spawnSync("sh", [path.join(SCRIPTS, script), ...args], {
    encoding: "utf8",
    env: { PATH: `${server.bindir}:${process.env.PATH}`, HOME: os.tmpdir(), ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function backupEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: server.url("app_user", APP_PASSWORD, "app"),
    AUDIT_DATABASE_URL: server.url("audit_user", AUDIT_PASSWORD, "audit"),
    BACKUP_DIR: backupDir,
    ...extra,
  };
}

const dumps = (role: string) =>
  fs.readdirSync(backupDir).filter((f) => f.startsWith(`${role}-`) && f.endsWith(".dump"));

beforeAll(async () => {
  server = await startTestServer();
  server.sql("postgres", `CREATE ROLE app_user LOGIN CREATEDB PASSWORD '${APP_PASSWORD}'`);
  server.sql("postgres", `CREATE ROLE audit_user LOGIN CREATEDB PASSWORD '${AUDIT_PASSWORD}'`);
  server.sql("postgres", "CREATE DATABASE app OWNER app_user");
  server.sql("postgres", "CREATE DATABASE audit OWNER audit_user");
  server.sql("app", "SET ROLE app_user; CREATE TABLE client (id serial PRIMARY KEY, name text NOT NULL)");
  server.sql(
    "app",
    "SET ROLE app_user; INSERT INTO client (name) SELECT 'client ' || g FROM generate_series(1, 250) g",
  );
  server.sql("app", "SET ROLE app_user; CREATE TABLE note (id serial PRIMARY KEY, body text)");
  server.sql(
    "app",
    "SET ROLE app_user; INSERT INTO note (body) SELECT 'note ' || g FROM generate_series(1, 40) g",
  );
  server.sql("audit", "SET ROLE audit_user; CREATE TABLE audit_event (id serial PRIMARY KEY, action text)");
  server.sql(
    "audit",
    "SET ROLE audit_user; INSERT INTO audit_event (action) SELECT 'login' FROM generate_series(1, 75)",
  );
}, 120_000);

afterAll(() => server?.stop());

beforeEach(() => {
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-backups-"));
});

afterEach(() => fs.rmSync(backupDir, { recursive: true, force: true }));

describe("backup.sh", () => {
  it("dumps both databases in custom format with timestamped names", () => {
    const result = run("backup.sh", [], backupEnv({ BACKUP_LABEL: "pre-release" }));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(dumps("app")).toEqual([expect.stringMatching(/^app-pre-release-\d{8}T\d{6}Z\.dump$/)]);
    expect(dumps("audit")).toEqual([expect.stringMatching(/^audit-pre-release-\d{8}T\d{6}Z\.dump$/)]);
    const header = fs
      .readFileSync(path.join(backupDir, dumps("app")[0]))
      .subarray(0, 5)
      .toString();
    expect(header).toBe("PGDMP"); // pg_dump's custom-format magic
  });

  it("keeps the dumps readable by the backup user only", () => {
    expect(run("backup.sh", [], backupEnv()).status).toBe(0);
    for (const dump of [...dumps("app"), ...dumps("audit")]) {
      expect(fs.statSync(path.join(backupDir, dump)).mode & 0o077).toBe(0);
    }
  });

  it("fails the run, leaves no partial dump and never prints a password when a database is unreachable", () => {
    const env = backupEnv({ AUDIT_DATABASE_URL: server.url("audit_user", "wrong-password", "audit") });
    const result = run("backup.sh", [], env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("FAILED to dump the audit database");
    expect(fs.readdirSync(backupDir).filter((f) => f.includes("audit"))).toEqual([]);
    expect(result.stdout + result.stderr).not.toContain(AUDIT_PASSWORD);
    expect(result.stdout + result.stderr).not.toContain("wrong-password");
  });

  it("refuses to start without its required settings", () => {
    const result = run("backup.sh", [], { BACKUP_DIR: backupDir });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("DATABASE_URL is required");
  });

  it("keeps at most RETENTION_COUNT dumps and none older than RETENTION_DAYS, but always the newest", () => {
    const old = ["20200101T020000Z", "20200102T020000Z", "20200103T020000Z"];
    for (const stamp of old) {
      const file = path.join(backupDir, `app-scheduled-${stamp}.dump`);
      fs.writeFileSync(file, "old");
      fs.utimesSync(file, new Date("2020-01-05"), new Date("2020-01-05"));
    }
    const recent = path.join(backupDir, "app-scheduled-20991231T020000Z.dump");
    fs.writeFileSync(recent, "recent, but not the newest by name");
    const result = run("backup.sh", [], backupEnv({ RETENTION_COUNT: "3", RETENTION_DAYS: "30" }));
    expect(result.status).toBe(0);
    // The 2099 file sorts newest by name, so it is the one always kept; the fresh dump is second.
    expect(dumps("app").sort()).toEqual(
      [expect.stringMatching(/^app-scheduled-20\d{6}T/), "app-scheduled-20991231T020000Z.dump"].sort(),
    );
    expect(dumps("app")).toHaveLength(2);
  });
  it("orders dumps by their timestamp whatever their label, so the newest one is the one always kept", () => {
    const names = ["app-pre-release-20200101T000000Z.dump", "app-scheduled-20200102T000000Z.dump"];
    for (const name of names) {
      const file = path.join(backupDir, name);
      fs.writeFileSync(file, "old");
      fs.utimesSync(file, new Date("2020-01-05"), new Date("2020-01-05"));
    }
    const result = run("backup.sh", [], backupEnv({ RETENTION_COUNT: "1", RETENTION_DAYS: "30" }));
    expect(result.status).toBe(0);
    expect(dumps("app")).toEqual([expect.stringMatching(/^app-scheduled-20\d{6}T\d{6}Z\.dump$/)]);
    expect(dumps("app")[0]).not.toMatch(/^app-(pre-release-20200101|scheduled-20200102)/);
  });
});

describe("restore.sh", () => {
  it("round-trips both databases: every row survives a backup and restore into fresh databases", () => {
    expect(run("backup.sh", [], backupEnv()).status).toBe(0);
    server.sql("postgres", "CREATE DATABASE app_restored OWNER app_user");
    server.sql("postgres", "CREATE DATABASE audit_restored OWNER audit_user");
    const app = run(
      "restore.sh",
      [path.join(backupDir, dumps("app")[0]), server.url("app_user", APP_PASSWORD, "app_restored")],
      {},
    );
    const audit = run(
      "restore.sh",
      [path.join(backupDir, dumps("audit")[0]), server.url("audit_user", AUDIT_PASSWORD, "audit_restored")],
      {},
    );
    expect([app.status, app.stderr, audit.status, audit.stderr]).toEqual([0, "", 0, ""]);
    expect(server.sql("app_restored", "SELECT count(*) FROM client")).toBe("250");
    expect(server.sql("app_restored", "SELECT count(*) FROM note")).toBe("40");
    expect(server.sql("audit_restored", "SELECT count(*) FROM audit_event")).toBe("75");
    expect(server.sql("app_restored", "SELECT name FROM client WHERE id = 250")).toBe("client 250");
  });

  it("restores all or nothing: a bad dump leaves the target untouched", () => {
    server.sql("postgres", "CREATE DATABASE app_target OWNER app_user");
    server.sql("app_target", "SET ROLE app_user; CREATE TABLE keep (id int); INSERT INTO keep VALUES (1)");
    const broken = path.join(backupDir, "app-scheduled-20260101T000000Z.dump");
    fs.writeFileSync(broken, "PGDMP this is not a dump");
    const result = run("restore.sh", [broken, server.url("app_user", APP_PASSWORD, "app_target")], {});
    expect(result.status).not.toBe(0);
    expect(server.sql("app_target", "SELECT count(*) FROM keep")).toBe("1");
  });

  it("explains its usage", () => {
    const result = run("restore.sh", [], {});
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("usage: restore.sh <dump file> <target database URL>");
  });
});

describe("restore-drill.sh", () => {
  it("restores fresh dumps into scratch databases, compares row counts and drops the scratch databases", () => {
    const result = run("restore-drill.sh", [], backupEnv());
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("app database restored; row counts match (2 tables)");
    expect(result.stdout).toContain("audit database restored; row counts match (1 tables)");
    expect(server.sql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'drill_%'")).toBe("0");
  });
});

describe("backup-scheduler.sh", () => {
  const matches = (expression: string, when: string) =>
    spawnSync("sh", [path.join(SCRIPTS, "backup-scheduler.sh"), "--matches", expression, ...when.split(" ")])
      .status;

  it.each([
    ["0 2 * * *", "0 2 15 6 3", 0],
    ["0 2 * * *", "1 2 15 6 3", 1],
    ["*/15 * * * *", "30 5 1 1 1", 0],
    ["*/15 * * * *", "31 5 1 1 1", 1],
    ["0 2 * * 1-5", "0 2 1 1 6", 1],
    ["0 2 * * 1-5", "0 2 1 1 5", 0],
    ["0 2 * * 7", "0 2 1 1 0", 0],
    ["0 2,14 * * *", "0 14 1 1 0", 0],
    ["30 3 1 */3 *", "30 3 1 4 2", 0],
    ["30 3 1 */3 *", "30 3 1 5 2", 1],
  ])("matches %s at minute/hour/day/month/weekday %s -> %i", (expression, when, status) => {
    expect(matches(expression, when)).toBe(status);
  });

  it("rejects an expression without five fields", () => {
    expect(matches("0 2", "0 2 1 1 1")).toBe(2);
  });
});
