/**
 * The release gate, for real: a failed migration stops the release before the seed and the web
 * service never starts; a failed seed only warns; the security check blocks a production instance
 * and warns on a demo one; a weak or missing SECRET_KEY never reaches a running web service.
 */
import { buildApp } from "./support/app-build";
import { Instance } from "./support/instance";
import { describeRealRun } from "./support/machine";
import { captureStack, type StackSpec } from "./support/stack";
import { RELEASE_EXIT_BASE } from "../../components/release";

jest.setTimeout(120_000);

const WEAK_KEY = "not-a-secret";
const RELEASE = "local-release-job";
const step = (name: string, stack: StackSpec) => {
  const script = stack.container("-release-job").inputs.command![0];
  const names = [...script.matchAll(/release: step \d+\/\d+ ([a-z-]+) \(on failure/g)].map((m) => m[1]);
  return RELEASE_EXIT_BASE + [...new Set(names)].indexOf(name);
};

describeRealRun("the release gate, run for real", () => {
  let production: StackSpec;
  let demo: StackSpec;
  let instance: Instance;
  const appUrl = () => instance.container("local-db-server").env;

  beforeAll(async () => {
    [production, demo] = await Promise.all([captureStack(), captureStack({ mode: "demo" })]);
    instance = new Instance(await buildApp(production.appBuild!));
    const databases = await instance.deploy(production, { only: ["-db-server"] });
    expect(databases.failed).toBeUndefined();
  }, 180_000);

  afterAll(async () => {
    await instance?.destroy();
  });

  const appSql = (sql: string) => {
    const env = appUrl();
    return instance.psql(
      `postgres://${env.POSTGRES_USER}:${encodeURIComponent(env.POSTGRES_PASSWORD)}@app-db:5432/${env.POSTGRES_DB}`,
      sql,
    );
  };

  it("a failed migration stops the release before the seed; the web service never starts", async () => {
    // A table in the migration's way: `migrate` fails on it, as it would on a drifted schema.
    expect(await appSql("CREATE TABLE cases_program (id int)")).toMatchObject({ code: 0 });
    const result = await instance.deploy(production);
    expect(result.exitCodes[RELEASE]).toBe(step("migrate", production));
    expect(result.failed?.resource).toBe(RELEASE);
    expect(result.started.some((name) => name.startsWith("local-web-server-"))).toBe(false);
    const logs = instance.container(RELEASE).logs();
    expect(logs).toContain("RELEASE ABORTED: step 1/5 migrate failed");
    expect(logs).not.toContain("step 4/5 seed");
    expect(await appSql("DROP TABLE cases_program")).toMatchObject({ code: 0 });
  });

  it("a weak SECRET_KEY: the security check blocks the production release, the web service never starts", async () => {
    const result = await instance.deploy(production, {
      rerun: true,
      env: { "-release-job": { SECRET_KEY: WEAK_KEY } },
    });
    expect(result.exitCodes[RELEASE]).toBe(step("security-check", production));
    expect(result.started.some((name) => name.startsWith("local-web-server-"))).toBe(false);
    expect(instance.container(RELEASE).logs()).toMatch(/startup_check: CRITICAL: SECRET_KEY is weak/);
  });

  it("a missing SECRET_KEY stops the release at its first step, naming the variable", async () => {
    const result = await instance.deploy(production, {
      rerun: true,
      env: { "-release-job": { SECRET_KEY: undefined } },
    });
    expect(result.exitCodes[RELEASE]).toBe(step("migrate", production));
    expect(result.started.some((name) => name.startsWith("local-web-server-"))).toBe(false);
    expect(instance.container(RELEASE).logs()).toContain(
      "Environment variable SECRET_KEY is required and is not set.",
    );
  });

  it("a failed seed warns and the release succeeds", async () => {
    expect((await instance.deploy(production, { rerun: true })).failed).toBeUndefined();
    // The seed's upserts now fail; the migrations and the checks do not touch the table.
    await appSql(
      "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'seed refused'; END $$; " +
        "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON cases_program FOR EACH ROW EXECUTE FUNCTION refuse()",
    );
    const result = await instance.deploy(production, { rerun: true });
    expect(result.failed).toBeUndefined();
    expect(result.exitCodes[RELEASE]).toBe(0);
    const logs = instance.container(RELEASE).logs();
    expect(logs).toContain("WARNING: release step 4/5 seed failed");
    expect(logs).toContain("release: step 5/5 security-check succeeded");
    await appSql("DROP TRIGGER refuse ON cases_program; DROP FUNCTION refuse()");
  });

  it("on a demo instance the security check only warns, and the web service starts", async () => {
    const result = await instance.deploy(demo, {
      rerun: true,
      env: { "-release-job": { SECRET_KEY: WEAK_KEY } },
    });
    expect(result.failed).toBeUndefined();
    expect(result.exitCodes[RELEASE]).toBe(0);
    const logs = instance.container(RELEASE).logs();
    expect(logs).toMatch(/startup_check: .*SECRET_KEY is weak/);
    expect(logs).toContain("WARNING: release step 5/5 security-check failed");
    // The web service's inputs did not change with the mode: it keeps running, serving.
    expect(instance.web().running).toBe(true);
    expect((await instance.web().checkHealth()).code).toBe(0);
  });
});
