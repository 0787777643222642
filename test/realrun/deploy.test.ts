/**
 * The `local` stack deployed for real, one instance through its life: the first deploy, backups,
 * the audit trail as the app's own login, a second deploy, each database's outage, the web
 * container's restart behind the proxy, a password rotation, the restore drill and the sample app's own tests against the same servers.
 */
import * as fs from "fs";
import * as path from "path";
import { buildApp, type AppBuild } from "./support/app-build";
import { Instance, type DeployResult } from "./support/instance";
import { describeRealRun } from "./support/machine";
import { captureStack, type StackSpec } from "./support/stack";

jest.setTimeout(120_000);

const PUBLIC_HOST = "localhost";

describeRealRun("the local stack, deployed", () => {
  let stack: StackSpec;
  let rotated: StackSpec;
  let app: AppBuild;
  let instance: Instance;
  let first: DeployResult;

  beforeAll(async () => {
    // A short graceful timeout: gunicorn 26's gthread worker keeps an idle keep-alive connection
    // (Caddy's) open until the graceful timeout ends, so the rotation's old web container takes
    // that long to delete.
    const graceful = "gunicorn.gracefulTimeout=5";
    [stack, rotated] = await Promise.all([
      captureStack({ config: [graceful] }),
      captureStack({ config: [graceful, "rotation.databasePasswords=1"] }),
    ]);
    app = await buildApp(stack.appBuild!);
    instance = new Instance(app);
    const started = Date.now();
    first = await instance.deploy(stack);
    process.stderr.write(`first deploy: ${Date.now() - started} ms\n`);
  }, 180_000);

  afterAll(async () => {
    await instance?.destroy();
  });

  /** curl from inside the instance network: status, lower-cased headers, body. */
  async function curl(args: string[]): Promise<{ status: number; headers: string; body: string }> {
    const out = await instance.run(["curl", "-sS", "-i", "-w", "\n%{http_code}", ...args]);
    const lines = out.stdout.split("\n");
    const status = Number(lines.pop());
    const text = lines.join("\n");
    const split = text.indexOf("\r\n\r\n");
    return { status, headers: text.slice(0, split).toLowerCase(), body: text.slice(split + 4) };
  }
  const readiness = async () =>
    (
      await curl([
        "-H",
        `Host: ${PUBLIC_HOST}`,
        "-H",
        "X-Forwarded-Proto: https",
        `http://${instance.web().address}:8000/readyz/`,
      ])
    ).status;
  const viaProxy = (urlPath: string, extra: string[] = []) =>
    curl([
      "-k",
      "--resolve",
      `${PUBLIC_HOST}:443:${instance.network.resolve(stack.container("-proxy-server").name)}`,
      ...extra,
      `https://${PUBLIC_HOST}${urlPath}`,
    ]);
  const envOf = (resource: string, name: string) => instance.container(resource).env[name];
  const webEnv = (name: string) => instance.web().env[name];

  it("first deploy: rotation job, pre-release backup and release succeed in order, then web and proxy start", () => {
    expect(first.failed).toBeUndefined();
    expect(first.exitCodes).toEqual({
      "local-password-rotation-job": 0,
      "local-pre-release-backup-job": 0,
      "local-release-job": 0,
      "local-route-switch-job": 0,
    });
    const order = (name: string) => first.started.indexOf(name);
    const web = stack.web().resource;
    expect(order("local-password-rotation-job")).toBeLessThan(order("local-pre-release-backup-job"));
    expect(order("local-pre-release-backup-job")).toBeLessThan(order("local-release-job"));
    expect(order("local-release-job")).toBeLessThan(order(web));
    expect(order(web)).toBeLessThan(order("local-route-switch-job"));
    expect(order("local-proxy-server")).toBeLessThan(order("local-route-switch-job"));
    expect(instance.container("local-release-job").logs()).toContain("release: all steps done");
  });

  it("the web service passes its own healthcheck, without gunicorn control-socket errors", async () => {
    expect((await instance.web().checkHealth()).code).toBe(0);
    expect(instance.web().logs()).not.toMatch(/Control server error|Read-only file system/);
  });

  it("backs up both databases before the release, readable by the backup user only", () => {
    const dir = path.join(instance.volumesDir, "local-backups-0000000");
    const volume = fs.existsSync(dir)
      ? dir
      : path.join(
          instance.volumesDir,
          fs.readdirSync(instance.volumesDir).find((v) => v.includes("backups"))!,
        );
    const dumps = fs.readdirSync(volume).filter((f) => f.endsWith(".dump"));
    expect(dumps.filter((f) => /^app-pre-release-\d{8}T\d{6}Z\.dump$/.test(f))).toHaveLength(1);
    expect(dumps.filter((f) => /^audit-pre-release-\d{8}T\d{6}Z\.dump$/.test(f))).toHaveLength(1);
    for (const dump of dumps) {
      const stat = fs.statSync(path.join(volume, dump));
      expect({ dump, uid: stat.uid, mode: (stat.mode & 0o777).toString(8) }).toEqual({
        dump,
        uid: 999,
        mode: "600",
      });
    }
  });

  describe("the audit trail, as the login the web service really uses", () => {
    let url: string;
    beforeAll(() => {
      url = webEnv("AUDIT_DATABASE_URL");
    });
    const sql = (statement: string) => instance.psql(url, statement);

    it("is not the audit database's owner, and may append", async () => {
      expect(new URL(url).username).not.toBe(envOf("local-audit-db-server", "POSTGRES_USER"));
      const insert = await sql(
        "INSERT INTO audit_auditevent (created_at, actor_username, action, object_type, object_id, detail) VALUES (now(), 'realrun', 'probe', '', '', '{}') RETURNING id",
      );
      expect(insert).toMatchObject({ code: 0 });
    });

    it.each([
      ["UPDATE", "UPDATE audit_auditevent SET action = 'rewritten'"],
      ["DELETE", "DELETE FROM audit_auditevent"],
      ["TRUNCATE", "TRUNCATE audit_auditevent"],
      [
        "session_replication_role",
        "BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_auditevent SET action = 'x'; COMMIT;",
      ],
      ["DISABLE TRIGGER", "ALTER TABLE audit_auditevent DISABLE TRIGGER USER"],
      // A row there marks a migration applied that never ran (one adding a constraint, say).
      [
        "a row in django_migrations",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('audit', '9999_never_ran', now())",
      ],
    ])("refuses %s", async (_, statement) => {
      const result = await sql(statement);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/permission denied|must be owner/);
    });

    it("kept every row", async () => {
      const count = await sql("SELECT count(*) FROM audit_auditevent WHERE action = 'probe'");
      expect(count.stdout.trim()).toBe("1");
    });
  });

  it("second deploy: the release reruns cleanly and the seed updates, never duplicates", async () => {
    const second = await instance.deploy(stack, { rerun: true });
    expect(second.failed).toBeUndefined();
    expect(second.exitCodes["local-release-job"]).toBe(0);
    expect(instance.container("local-release-job").logs()).toContain("seed: 0 created, 6 updated");
    const programs = await instance.psql(
      envOf("local-release-job", "DATABASE_URL"),
      "SELECT count(*) FROM cases_program",
    );
    expect(programs.stdout.trim()).toBe("3");
  });

  it.each([
    ["app", "local-db-server"],
    ["audit", "local-audit-db-server"],
  ])(
    "survives the %s database's outage: readiness 503, then 200, without restarting gunicorn",
    async (_, database) => {
      const web = instance.web();
      const gunicorn = await web.pid();
      expect(await readiness()).toBe(200);
      await instance.stop(database);
      expect(await readiness()).toBe(503);
      await instance.startAgain(database, stack);
      expect(await readiness()).toBe(200);
      expect(instance.web()).toBe(web);
      expect(web.running).toBe(true);
      expect(await web.pid()).toBe(gunicorn);
    },
  );

  it("holds a visitor's request while the web container restarts, and answers at once once it is back", async () => {
    const web = stack.web().resource;
    expect((await viaProxy("/")).status).toBe(200);
    // Its restart policy after a crash, or `docker restart`: the same container, gone a moment.
    await instance.stop(web);
    const asked = Date.now();
    const held = viaProxy("/", ["--max-time", "10"]);
    const healthy = instance.startAgain(web, stack);
    while ((await readiness()) !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    const gap = Date.now() - asked;
    await healthy;
    // The dial that failed in the gap did not mark the only upstream down: the next visitor is
    // answered at once, not after Caddy's 5 s of looking for an available upstream.
    expect((await viaProxy("/", ["--max-time", "3"])).status).toBe(200);
    // Caddy re-dials for 5 s (lb_try_duration): a shorter gap is invisible to the visitor.
    const heldStatus = (await held).status;
    process.stderr.write(
      `web restart: answering again after ${gap} ms, the held request got ${heldStatus}\n`,
    );
    if (gap < 4_000) expect(heldStatus).toBe(200);
  });

  it("rotates the database passwords: the new generation works, the old is refused, services reconnect", async () => {
    const before = {
      app: webEnv("DATABASE_URL"),
      audit: envOf("local-release-job", "AUDIT_DATABASE_URL"),
      writer: webEnv("AUDIT_DATABASE_URL"),
    };
    const databases = [instance.container("local-db-server"), instance.container("local-audit-db-server")];
    const result = await instance.deploy(rotated);
    expect(result.failed).toBeUndefined();
    // A new release (the setting changed): a new web container beside the old one, the proxy
    // switched to it, then the old one deleted.
    expect(rotated.web().resource).not.toBe(stack.web().resource);
    expect(result.started).toEqual(
      expect.arrayContaining(["local-password-rotation-job", rotated.web().resource]),
    );
    expect(result.started.indexOf(rotated.web().resource)).toBeLessThan(
      result.started.indexOf("local-route-switch-job"),
    );
    expect(result.deleted).toEqual([stack.web().resource]);
    expect(instance.container("local-password-rotation-job").logs()).toContain(
      "app@app-db now uses the current password",
    );
    // The protected database containers were not replaced: the env is initdb-only (ignoreChanges).
    expect([instance.container("local-db-server"), instance.container("local-audit-db-server")]).toEqual(
      databases,
    );
    const after = {
      app: webEnv("DATABASE_URL"),
      audit: envOf("local-release-job", "AUDIT_DATABASE_URL"),
      writer: webEnv("AUDIT_DATABASE_URL"),
    };
    for (const role of ["app", "audit", "writer"] as const) {
      expect(after[role]).not.toBe(before[role]);
      expect((await instance.psql(after[role], "SELECT 1")).code).toBe(0);
      const old = await instance.psql(before[role], "SELECT 1");
      expect(old.stderr).toContain("password authentication failed");
    }
    expect(await readiness()).toBe(200);
    expect((await instance.container("local-backup-scheduler").checkHealth()).code).toBe(0);
  });

  it("serves a page and a hashed, compressed static file through the proxy, with its headers", async () => {
    // Caddy answers its admin API (the healthcheck) before its internal CA has issued the
    // certificate; a first visitor may be that early too.
    let page = await viaProxy("/");
    for (let tries = 0; page.status !== 200 && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      page = await viaProxy("/");
    }
    expect(page.status).toBe(200);
    expect(page.body).toContain("Housing support");
    expect(page.headers).toContain("strict-transport-security: max-age=31536000; includesubdomains");
    expect(page.headers).toContain("x-content-type-options: nosniff");
    expect(page.headers).not.toMatch(/^server:/m);

    const manifest = JSON.parse(
      fs.readFileSync(path.join(app.app, "staticfiles", "staticfiles.json"), "utf8"),
    );
    const hashed = manifest.paths["css/site.css"] as string;
    expect(hashed).toMatch(/^css\/site\.[0-9a-f]{12}\.css$/);
    const css = await viaProxy(`/static/${hashed}`, ["-H", "Accept-Encoding: gzip"]);
    expect(css.status).toBe(200);
    expect(css.headers).toMatch(/cache-control: max-age=\d{8,}, public, immutable/);
    expect(css.headers).toContain("content-encoding: gzip");
  });

  it("the restore drill restores both databases' dumps and finds the same rows", async () => {
    const drill = await instance
      .container("local-backup-scheduler")
      .exec(["/run/agency-deploy/restore-drill.sh"], 60_000);
    expect(drill).toMatchObject({ code: 0 });
    expect(drill.stdout).toMatch(/drill: app database restored; row counts match \(\d+ tables\)/);
    expect(drill.stdout).toMatch(/drill: audit database restored; row counts match \(\d+ tables\)/);
  });

  it("the sample app's own pytest suite passes against these servers", async () => {
    const release = stack.container("-release-job");
    const tests = instance.start(
      {
        ...release,
        inputs: { ...release.inputs, envs: instance.container("local-release-job").options.spec.inputs.envs },
      },
      rotated,
      {
        command: ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        workdir: "/src",
        env: { PYTHONPATH: "/opt/test-site" },
        extraContent: [
          { source: stack.appBuild!.context, target: "/src" },
          { source: app.testSite, target: "/opt/test-site" },
        ],
      },
    );
    const code = await tests.exited;
    expect({ code, tail: tests.logs().slice(-3000) }).toEqual({
      code: 0,
      tail: expect.stringMatching(/\d+ passed/),
    });
  });
});
