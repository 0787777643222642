import * as path from "path";
import { REPO_ROOT } from "../../support/paths";
import { runScript, sqlAs, startTestServer, type TestServer } from "../../support/postgres";

const SCRIPT = path.join(REPO_ROOT, "components", "scripts", "audit-role.sh");
const ADMIN_PASSWORD = "Admin-S3cret-pw";
// psql must quote it: a quote, a backslash and SQL that would run if it were pasted into the statement.
const FIRST_PASSWORD = `first it's "quoted" \\ '; DROP TABLE keep; --`;
const SECOND_PASSWORD = "second-Rotated-pw-42";

let server: TestServer;

/** Runs the script as `agencyadmin`: like Azure's server admin, CREATEROLE but not a superuser. */
function setUpRole(password: string, env: Record<string, string> = {}) {
  return runScript(server, SCRIPT, "agencyadmin", {
    PGPASSWORD: ADMIN_PASSWORD,
    AUDIT_ROLE: "agencyaudit",
    AUDIT_ROLE_PASSWORD: password,
    AUDIT_DATABASE: "audit",
    APP_DATABASE: "app",
    ...env,
  });
}

/** Runs SQL over TCP as `role`; the status and output tell whether the login and statement worked. */
const asRole = (role: string, password: string, database: string, statement: string) =>
  sqlAs(server, role, password, database, statement);

beforeAll(async () => {
  server = await startTestServer();
  server.sql("postgres", `CREATE ROLE agencyadmin LOGIN CREATEROLE CREATEDB PASSWORD '${ADMIN_PASSWORD}'`);
  server.sql("postgres", "CREATE DATABASE app OWNER agencyadmin");
  server.sql("postgres", "CREATE DATABASE audit OWNER agencyadmin");
  server.sql("app", "SET ROLE agencyadmin; CREATE TABLE keep (id int); INSERT INTO keep VALUES (1)");
}, 120_000);

afterAll(() => server?.stop());

describe("audit-role.sh", () => {
  let first: ReturnType<typeof setUpRole>;
  beforeAll(() => {
    first = setUpRole(FIRST_PASSWORD);
  });

  it("creates a login role that is not a superuser and cannot create roles or databases", () => {
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(
      "audit-role: agencyaudit may use database audit and cannot connect to app",
    );
    expect(
      server.sql(
        "postgres",
        "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'agencyaudit'",
      ),
    ).toBe("t|f|f|f");
    // The password went in as a quoted value, not as SQL.
    expect(server.sql("app", "SELECT count(*) FROM keep")).toBe("1");
  });

  it("lets the audit role create, fill and read a table in the audit database", () => {
    const result = asRole(
      "agencyaudit",
      FIRST_PASSWORD,
      "audit",
      "CREATE TABLE audit_event (id serial PRIMARY KEY, action text); " +
        "INSERT INTO audit_event (action) VALUES ('login'); SELECT count(*) FROM audit_event",
    );
    expect(result).toEqual({ status: 0, output: "1" });
  });

  it("keeps the audit role out of the app database, while the app's role still connects", () => {
    const audit = asRole("agencyaudit", FIRST_PASSWORD, "app", "SELECT 1");
    expect(audit.status).not.toBe(0);
    expect(audit.output).toContain('permission denied for database "app"');
    expect(asRole("agencyadmin", ADMIN_PASSWORD, "app", "SELECT count(*) FROM keep")).toEqual({
      status: 0,
      output: "1",
    });
  });

  it("changes nothing on a re-run with the same password", () => {
    const again = setUpRole(FIRST_PASSWORD);
    expect(again.status).toBe(0);
    expect(server.sql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'agencyaudit'")).toBe("1");
    expect(asRole("agencyaudit", FIRST_PASSWORD, "audit", "SELECT count(*) FROM audit_event")).toEqual({
      status: 0,
      output: "1",
    });
    expect(asRole("agencyaudit", FIRST_PASSWORD, "app", "SELECT 1").status).not.toBe(0);
  });

  it("applies a new password on the next run: the new one logs in, the old one no longer does", () => {
    const rotated = setUpRole(SECOND_PASSWORD);
    expect(rotated.status).toBe(0);
    expect(asRole("agencyaudit", SECOND_PASSWORD, "audit", "SELECT count(*) FROM audit_event")).toEqual({
      status: 0,
      output: "1",
    });
    expect(asRole("agencyaudit", FIRST_PASSWORD, "audit", "SELECT 1").status).not.toBe(0);
  });

  it("fails, printing no password, when the admin cannot close the app database to the audit role", () => {
    expect(first.output).not.toContain(FIRST_PASSWORD);
    // A GRANT or REVOKE on a database the admin does not own is only a WARNING in PostgreSQL.
    server.sql("postgres", "CREATE DATABASE foreign_db");
    const failed = setUpRole(SECOND_PASSWORD, { APP_DATABASE: "foreign_db" });
    expect(failed.status).toBe(1);
    expect(failed.output).toContain("audit-role: FAILED: agencyadmin could not give agencyaudit exactly");
    expect(failed.output).toContain('got "t|t|t"');
    expect(failed.output).not.toContain(SECOND_PASSWORD);
  });

  it("fails, printing nothing secret, when the admin cannot log in or the audit database is missing", () => {
    const wrong = setUpRole(SECOND_PASSWORD, { PGPASSWORD: "wrong-admin-pw" });
    expect(wrong.status).toBe(1);
    expect(wrong.output).toContain("password authentication failed");
    expect(wrong.output).toContain(
      "audit-role: FAILED: could not set up role agencyaudit as agencyadmin@127.0.0.1",
    );
    const missing = setUpRole(SECOND_PASSWORD, { AUDIT_DATABASE: "no_such_db" });
    expect(missing.status).toBe(1);
    expect(missing.output).toContain('database "no_such_db" does not exist');
    for (const output of [wrong.output, missing.output]) {
      expect(output).not.toContain(SECOND_PASSWORD);
      expect(output).not.toContain("wrong-admin-pw");
    }
  });

  it("refuses to run without the password or with the app's own role as the audit role", () => {
    const missing = setUpRole("", {});
    expect(missing.status).not.toBe(0);
    expect(missing.output).toContain("AUDIT_ROLE_PASSWORD is required");
    const same = setUpRole(SECOND_PASSWORD, { AUDIT_ROLE: "agencyadmin" });
    expect(same.status).toBe(1);
    expect(same.output).toContain("must differ from the app role and the admin");
  });
});
