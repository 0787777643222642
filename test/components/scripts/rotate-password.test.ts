import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../support/paths";
import { runScript, startTestServer, type TestServer } from "../../support/postgres";

const SCRIPT = path.join(REPO_ROOT, "components", "scripts", "rotate-password.sh");
const GEN0 = "gen0-Passw0rd";
// psql must quote it: a quote, a backslash and SQL that would run if it were pasted into the statement.
const GEN1 = `gen1 it's "quoted" \\ '; DROP TABLE keep; --`;

let server: TestServer;

function rotate(role: string, env: Record<string, string>) {
  return runScript(server, SCRIPT, role, { PGDATABASE: role, ...env });
}

/** Whether `role` logs in over TCP with `password`. */
function logsIn(role: string, password: string): boolean {
  const result = spawnSync(
    path.join(server.bindir, "psql"),
    ["--no-psqlrc", "--no-password", "-c", "SELECT 1", server.url(role, password, role)],
    { encoding: "utf8", env: { ...process.env, HOME: os.tmpdir() } },
  );
  return result.status === 0;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const role of ["app", "audit", "stale"]) {
    server.sql("postgres", `CREATE ROLE ${role} LOGIN PASSWORD '${GEN0}'`);
    server.sql("postgres", `CREATE DATABASE ${role} OWNER ${role}`);
  }
  server.sql("app", "SET ROLE app; CREATE TABLE keep (id int); INSERT INTO keep VALUES (1)");
}, 120_000);

afterAll(() => server?.stop());

describe("rotate-password.sh", () => {
  it("logs in with the previous generation's password and applies the current one", () => {
    const result = rotate("app", { CURRENT_PASSWORD: GEN1, PREVIOUS_PASSWORD: GEN0 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("rotate-password: app@127.0.0.1 now uses the current password");
    expect(logsIn("app", GEN1)).toBe(true);
    expect(logsIn("app", GEN0)).toBe(false);
    // The password went in as a quoted value, not as SQL.
    expect(server.sql("app", "SELECT count(*) FROM keep")).toBe("1");
  });

  it("changes nothing when the current password already logs in (a re-run, or a fresh database)", () => {
    const result = rotate("audit", { CURRENT_PASSWORD: GEN0 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("audit@127.0.0.1 already uses the current password");
    expect(logsIn("audit", GEN0)).toBe(true);
  });

  it("fails, changing nothing and printing no password, when neither generation logs in", () => {
    const result = rotate("stale", { CURRENT_PASSWORD: "gen3-new", PREVIOUS_PASSWORD: "gen2-never-applied" });
    expect(result.status).toBe(1);
    expect(result.output).toContain(
      "FAILED: stale@127.0.0.1/stale accepts neither the current nor the previous",
    );
    expect(result.output).not.toContain("gen3-new");
    expect(result.output).not.toContain("gen2-never-applied");
    expect(logsIn("stale", GEN0)).toBe(true);
  });

  it("fails before any rotation when the current password does not log in", () => {
    const result = rotate("stale", { CURRENT_PASSWORD: "not-the-password" });
    expect(result.status).toBe(1);
    expect(result.output).toContain("accepts neither the current nor the previous");
  });

  it("refuses to start without the role to log in as", () => {
    const result = rotate("", { PGUSER: "", CURRENT_PASSWORD: GEN1 });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("PGUSER is required");
  });
});
