import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { AgencyInstanceArgs } from "../../../components/args";
import { ConfigError, rawSettingsFromConfig } from "../../../components/config";
import { DockerAgencyInstance } from "../../../components/docker/instance";
import { APP_CONTEXT, riversideArgs } from "../../support/docker-instance";
import { installCapture, ResourceCapture, valueOf, envOf, envValue } from "../../support/capture";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const NETWORK = "docker:index/network:Network";
const IMAGE = "docker:index/image:Image";
const GATE = "pulumi-nodejs:dynamic/agency-deploy:HealthGate";

async function deploy(capture: ResourceCapture, a: AgencyInstanceArgs = riversideArgs()) {
  const instance = new DockerAgencyInstance("riverside", a);
  await valueOf(instance.url);
  await capture.settled();
  return instance;
}

/** A container's name without the web container's per-release key. */
const role = (name: string) => name.replace(/-web-server-[0-9a-f]{12}$/, "-web-server");
const container = (capture: ResourceCapture, name: string) => {
  const found = capture.ofType(CONTAINER).filter((r) => role(r.name) === `riverside-${name}`);
  if (found.length !== 1) throw new Error(`expected one riverside-${name}, found ${found.length}`);
  return found[0];
};

describe("DockerAgencyInstance", () => {
  let capture: ResourceCapture;
  beforeEach(() => {
    capture = installCapture();
  });

  describe("with defaults", () => {
    // One deployment for every assertion in this group: each takes about a second under mocks.
    let instance: DockerAgencyInstance;
    let capture: ResourceCapture;
    beforeAll(async () => {
      capture = installCapture();
      instance = await deploy(capture);
    });

    it("builds the app image from the absolute context and Dockerfile without pushing", () => {
      const image = capture.one(IMAGE, "riverside-app-image");
      expect(image.inputs.build).toEqual({
        context: APP_CONTEXT,
        dockerfile: path.join(APP_CONTEXT, "Dockerfile"),
        args: {},
      });
      expect(image.inputs.skipPush).toBe(true);
    });

    it("runs the release and the web service from the same image ID", () => {
      const imageId = container(capture, "release-job").inputs.image;
      expect(imageId).toMatch(/^sha256:/);
      expect(container(capture, "web-server").inputs.image).toBe(imageId);
    });

    it("puts the databases on an internal network, each with its own volume and no published ports", () => {
      const internal = capture.one(NETWORK, "riverside-internal");
      expect(internal.inputs.internal).toBe(true);
      for (const [role, host, user] of [
        ["db-server", "app-db", "app"],
        ["audit-db-server", "audit-db", "audit"],
      ]) {
        const db = container(capture, role);
        expect(db.inputs.image).toBe("postgres:16.10-bookworm");
        expect(db.inputs.ports).toBeUndefined();
        expect(db.inputs.networksAdvanced).toEqual([{ name: "riverside-internal-0000000", aliases: [host] }]);
        expect(db.inputs.restart).toBe("unless-stopped");
        expect(db.inputs.wait).toBe(true);
        expect(db.inputs.healthcheck).toMatchObject({
          tests: ["CMD-SHELL", expect.stringContaining("pg_isready")],
          startPeriod: "30s",
        });
        expect(envOf(db)).toEqual(expect.arrayContaining([`POSTGRES_USER=${user}`, `POSTGRES_DB=${user}`]));
        expect(db.secretPaths).toEqual(["envs"]);
        expect(db.inputs.volumes).toEqual([
          { volumeName: expect.any(String), containerPath: "/var/lib/postgresql/data" },
        ]);
      }
      const passwords = [container(capture, "db-server"), container(capture, "audit-db-server")].map((db) =>
        envValue(db, "POSTGRES_PASSWORD"),
      );
      expect(passwords[0]).not.toBe(passwords[1]);
    });

    it("protects both database containers and volumes, and retains the volumes on delete", () => {
      for (const name of ["riverside-db-data", "riverside-audit-db-data"]) {
        const volume = capture.one(VOLUME, name);
        expect(volume.protect).toBe(true);
        expect(volume.retainOnDelete).toBe(true);
      }
      expect(container(capture, "db-server").protect).toBe(true);
      expect(container(capture, "audit-db-server").protect).toBe(true);
      expect(container(capture, "web-server").protect).toBe(false);
    });

    it("runs the release once as a gated one-shot container with the ordered steps", () => {
      const job = container(capture, "release-job");
      expect(job.inputs).toMatchObject({
        attach: true,
        mustRun: false,
        rm: false,
        logs: true,
        restart: "no",
      });
      expect(job.inputs.entrypoints).toEqual(["/bin/sh", "-c"]);
      const script = (job.inputs.command as string[])[0];
      expect(script.indexOf("migrate --noinput")).toBeLessThan(script.indexOf("migrate --database=audit"));
      expect(script.indexOf("lockdown_audit_db")).toBeLessThan(script.indexOf("manage.py seed"));
      expect(script).toContain("step 5/5 security-check (on failure: abort)");
      expect(job.inputs.ports).toBeUndefined();
    });

    it("starts gunicorn on $PORT explicitly, hardened, limited, healthchecked and rotated", () => {
      const web = container(capture, "web-server");
      expect(web.inputs.entrypoints).toEqual(["/bin/sh", "-c"]);
      expect((web.inputs.command as string[])[0]).toBe(
        'exec gunicorn --bind "0.0.0.0:${PORT}" --workers 2 --threads 4 --timeout 60 --graceful-timeout 30 ' +
          "--access-logfile - --error-logfile - --no-control-socket config.wsgi:application",
      );
      expect(web.inputs).toMatchObject({
        user: "10001:10001",
        readOnly: true,
        tmpfs: { "/tmp": expect.stringContaining("rw") },
        capabilities: { drops: ["ALL"] },
        securityOpts: ["no-new-privileges:true"],
        cpus: "1",
        memory: 1024,
        restart: "unless-stopped",
        wait: true,
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "5" },
      });
      expect(web.inputs.stopTimeout as number).toBeGreaterThanOrEqual(30);
      expect(web.inputs.ports).toBeUndefined();
      const probe = (web.inputs.healthcheck as { tests: string[] }).tests;
      expect(probe.slice(0, 3)).toEqual(["CMD", "python", "-c"]);
      expect(probe[3]).toContain("/readyz/");
      expect(probe[3]).toContain('"Host": "riverside.example.org"');
    });

    it("gives the app its settings in plain env and every credential as a secret entry", () => {
      const web = container(capture, "web-server");
      expect(envOf(web)).toEqual(
        expect.arrayContaining([
          "DJANGO_SETTINGS_MODULE=config.settings.production",
          "DEBUG=False",
          "ALLOWED_HOSTS=riverside.example.org",
          "CSRF_TRUSTED_ORIGINS=https://riverside.example.org",
          "PORT=8000",
          "LANG=C.UTF-8",
        ]),
      );
      // The credentials make the whole envs property secret in the engine.
      expect(web.secretPaths).toEqual(["envs"]);
      expect(container(capture, "release-job").secretPaths).toEqual(["envs"]);
      expect(envValue(web, "DATABASE_URL")).toMatch(
        /^postgres:\/\/app:[A-Za-z0-9]{32}@app-db:5432\/app\?connect_timeout=10$/,
      );
      // The append-only login (audit-writer.test.ts), not the audit database's superuser.
      expect(envValue(web, "AUDIT_DATABASE_URL")).toMatch(
        /^postgres:\/\/audit_writer:.+@audit-db:5432\/audit\?connect_timeout=10$/,
      );
      expect(envValue(web, "SECRET_KEY")!.length).toBeGreaterThanOrEqual(50);
      expect(envValue(web, "FIELD_ENCRYPTION_KEY")).toMatch(/^[A-Za-z0-9_-]{43}=$/);
      // The same settings, except the audit login: the release migrates as the database's owner.
      const withoutAudit = (envs: string[]) => envs.filter((e) => !e.startsWith("AUDIT_DATABASE_URL="));
      expect(withoutAudit(envOf(container(capture, "release-job")))).toEqual(withoutAudit(envOf(web)));
    });

    it("publishes only the proxy's 80 and 443, with Caddy serving the domain over TLS", () => {
      const published = capture.ofType(CONTAINER).filter((c) => c.inputs.ports !== undefined);
      expect(published.map((c) => c.name)).toEqual(["riverside-proxy-server"]);
      const proxy = published[0];
      expect(proxy.inputs.image).toBe("caddy:2.10.2-alpine");
      expect(proxy.inputs.ports).toEqual([
        { internal: 80, external: 80 },
        { internal: 443, external: 443 },
      ]);
      expect(envValue(proxy, "CADDYFILE")).toContain("riverside.example.org {");
      expect(envValue(proxy, "CADDYFILE")).toContain("reverse_proxy web:8000");
      expect(capture.one(NETWORK, "riverside-edge").inputs.internal).toBeUndefined();
    });

    it("chains databases -> release -> web -> proxy", () => {
      const [db, auditDb, release, web, proxy] = [
        "db-server",
        "audit-db-server",
        "release-job",
        "web-server",
        "proxy-server",
      ].map((role) => container(capture, role));
      expect(capture.dependsOn(release, db)).toBe(true);
      expect(capture.dependsOn(release, auditDb)).toBe(true);
      expect(capture.dependsOn(web, release)).toBe(true);
      expect(capture.dependsOn(proxy, web)).toBe(true);
      // The web service consumes the release's gated output, not only an ordering edge.
      expect(web.propertyDependencies.image).toContain(release.urn);
    });

    it("exposes URLs, digest and database names, and keeps connection strings secret", async () => {
      expect(await valueOf(instance.url)).toBe("https://riverside.example.org");
      expect(await valueOf(instance.healthUrl)).toBe("https://riverside.example.org/healthz/");
      expect(await valueOf(instance.imageDigest)).toMatch(/^sha256:/);
      expect(await valueOf(instance.appDatabaseName)).toBe("app");
      expect(await valueOf(instance.auditDatabaseName)).toBe("audit");
      for (const secret of [instance.databaseUrl, instance.auditDatabaseUrl]) {
        expect(await pulumi.isSecret(secret)).toBe(true);
      }
      expect(await pulumi.isSecret(instance.url)).toBe(false);
      // The audit trail's URL is the append-only writer's, as on Azure, never its owner's.
      expect(new URL(await valueOf(instance.auditDatabaseUrl)).username).toBe("audit_writer");
    });

    it("caps the CPU and memory of every container it creates (HC-8)", () => {
      const limits = Object.fromEntries(
        capture.ofType(CONTAINER).map((r) => [role(r.name), [r.inputs.cpus, r.inputs.memory]]),
      );
      expect(limits).toEqual({
        "riverside-db-server": ["1", 1024],
        "riverside-audit-db-server": ["1", 1024],
        "riverside-password-rotation-job": ["0.5", 512],
        "riverside-backup-scheduler": ["0.5", 512],
        "riverside-pre-release-backup-job": ["0.5", 512],
        "riverside-release-job": ["1", 1024],
        "riverside-web-server": ["1", 1024],
        "riverside-proxy-server": ["0.5", 256],
        "riverside-route-switch-job": ["0.5", 256],
      });
    });

    it("runs no container as root: the app as 10001, the databases and jobs as postgres (999)", () => {
      const users = Object.fromEntries(capture.ofType(CONTAINER).map((r) => [role(r.name), r.inputs.user]));
      expect(users).toMatchObject({
        "riverside-db-server": "999:999",
        "riverside-audit-db-server": "999:999",
        "riverside-password-rotation-job": "999:999",
        "riverside-backup-scheduler": "999:999",
        "riverside-pre-release-backup-job": "999:999",
        "riverside-release-job": "10001:10001",
        "riverside-web-server": "10001:10001",
      });
    });

    it("parents every resource under the instance and names it after the instance", () => {
      const children = capture.resources.filter((r) => r.type !== "agency-deploy:docker:AgencyInstance");
      for (const r of children) {
        expect(r.parent).not.toBe("");
        expect(r.name.startsWith("riverside-")).toBe(true);
      }
    });
  });

  it("leaves data unprotected only when protectData is false", async () => {
    await deploy(capture, riversideArgs({ protectData: false }));
    for (const r of [...capture.ofType(VOLUME), ...capture.ofType(CONTAINER)]) expect(r.protect).toBe(false);
  });

  it("pulls a pushed image by reference instead of building, and runs its image ID", async () => {
    await deploy(capture, riversideArgs({ image: { ref: "ghcr.io/riverside/app:1.4.2" } }));
    expect(capture.ofType(IMAGE)).toEqual([]);
    const remote = capture.one("docker:index/remoteImage:RemoteImage", "riverside-app-image");
    expect(remote.inputs.name).toBe("ghcr.io/riverside/app:1.4.2");
    expect(container(capture, "web-server").inputs.image).toMatch(/^sha256:/);
  });

  it("serves localhost with Caddy's internal CA", async () => {
    await deploy(capture, riversideArgs({ domains: ["localhost"] }));
    expect(envValue(container(capture, "proxy-server"), "CADDYFILE")).toContain("tls internal");
  });

  it("runs no proxy when it is disabled", async () => {
    await deploy(capture, riversideArgs({ proxy: { enabled: false } }));
    expect(capture.ofType(CONTAINER).map((c) => c.name)).not.toContain("riverside-proxy-server");
    expect(capture.ofType(CONTAINER).filter((c) => c.inputs.ports !== undefined)).toEqual([]);
  });

  it("names the web container after its release, beside the old one, and switches the proxy once it is healthy", async () => {
    await deploy(capture);
    const web = container(capture, "web-server");
    const name = web.inputs.name as string;
    expect(web.name).toBe(`riverside-web-server-${name.slice("riverside-web-".length)}`);
    expect(name).toMatch(/^riverside-web-[0-9a-f]{12}$/);
    // Every release answers to `web` (the proxy's own fallback) and to its own name.
    const networks = web.inputs.networksAdvanced as { aliases: string[] }[];
    for (const network of networks) expect(network.aliases).toEqual(["web", name]);
    expect(web.inputs.wait).toBe(true);
    // A stored failed health wait is retried by replacement, never by a no-op update.
    expect(web.replaceOnChanges).toEqual(["*"]);
    expect(web.inputs.labels).toEqual([{ label: "agency-deploy.web", value: "riverside-web" }]);

    const proxy = container(capture, "proxy-server");
    const routeSwitch = container(capture, "route-switch-job");
    expect(envValue(proxy, "CADDYFILE")).toContain("reverse_proxy web:8000 {");
    expect(envValue(routeSwitch, "CADDYFILE")).toContain(`reverse_proxy ${name}:8000 {`);
    expect(routeSwitch.inputs.networkMode).toBe(`container:${proxy.name}-id`);
    expect(routeSwitch.inputs.command).toEqual([expect.stringContaining("caddy reload")]);
    expect(capture.dependsOn(routeSwitch, web)).toBe(true);
    expect(capture.dependsOn(routeSwitch, proxy)).toBe(true);
    // Caddy's admin endpoint and its healthcheck on IPv4 loopback (BusyBox wget tries ::1 for localhost).
    expect(envValue(proxy, "CADDYFILE")).toContain("admin 127.0.0.1:2019");
    expect((proxy.inputs.healthcheck as { tests: string[] }).tests).toContain(
      "http://127.0.0.1:2019/config/",
    );
  });

  it("watches the new web container with a health gate beside it; the route switch waits for both", async () => {
    await deploy(capture);
    const web = container(capture, "web-server");
    const name = web.inputs.name as string;
    const gate = capture.one(GATE, `riverside-web-health-gate-${name.slice("riverside-web-".length)}`);
    expect(gate.inputs).toMatchObject({
      containerName: name,
      // The provider's engine: no docker:host and no DOCKER_HOST here.
      endpoint: { kind: "unix", socketPath: "/var/run/docker.sock" },
      timeoutSeconds: web.inputs.waitTimeout,
      tailLines: 60,
    });
    expect(gate.inputs.containerDigest).toMatch(/^[0-9a-f]{64}$/);
    // What the logs must never show: the web container's credentials, kept secret in the state.
    expect(gate.secretPaths).toContain("redact");
    const secretKey = envValue(web, "SECRET_KEY")!;
    expect(gate.inputs.redact).toContain(secretKey);
    // Beside the container (a failed health wait fails the container's create, and nothing after
    // it would run), after the release like the container; the provider still waits too.
    expect(web.inputs.wait).toBe(true);
    const release = container(capture, "release-job");
    expect(capture.dependsOn(gate, release)).toBe(true);
    expect(capture.dependsOn(gate, web)).toBe(false);
    const routeSwitch = container(capture, "route-switch-job");
    expect(capture.dependsOn(routeSwitch, gate)).toBe(true);
    expect(capture.dependsOn(routeSwitch, web)).toBe(true);
  });

  it("asks the engine of the instance's own docker.host, and refuses one the gate cannot reach", async () => {
    await deploy(capture, riversideArgs({ docker: { host: "ssh://deploy@vps.example.org" } }));
    const gate = capture.ofType(GATE)[0];
    expect(gate.inputs.endpoint).toEqual({ kind: "ssh", host: "vps.example.org", user: "deploy" });
    capture = installCapture();
    expect(
      () =>
        new DockerAgencyInstance(
          "riverside",
          riversideArgs({ docker: { host: "npipe:////./pipe/docker_engine" } }),
        ),
    ).toThrow(/args\.docker\.host .*unix:\/\/, tcp:\/\/ or ssh:\/\//);
    expect(capture.resources).toEqual([]);
  });

  describe("names an engine address the gate cannot reach where it came from", () => {
    const refusal = (address: string) =>
      `"${address}": the health gate reaches the Docker engine over unix://, tcp:// or ssh://, not npipe://`;
    const declare = (args: unknown) => () =>
      new DockerAgencyInstance("riverside", args as AgencyInstanceArgs);

    it("an instance built in code: by its argument path", () => {
      const address = "npipe:////./pipe/docker_engine";
      expect(declare(riversideArgs({ docker: { host: address } }))).toThrow(
        `Invalid arguments of DockerAgencyInstance "riverside":\n  - args.docker.host ${refusal(address)}`,
      );
    });

    it("a stack's config: by its config key", () => {
      const address = "npipe:////./pipe/docker_engine";
      const fromConfig = rawSettingsFromConfig({
        "agency-deploy:agency": "riverside",
        "agency-deploy:domains": JSON.stringify(["riverside.example.org"]),
        "agency-deploy:image": JSON.stringify({ context: APP_CONTEXT }),
        "agency-deploy:docker": JSON.stringify({ host: address }),
      });
      expect(declare(fromConfig)).toThrow(
        `Invalid configuration:\n  - agency-deploy:docker.host ${refusal(address)}`,
      );
    });

    it("the provider's own address (DOCKER_HOST here): by the provider's key", () => {
      const saved = process.env.DOCKER_HOST;
      process.env.DOCKER_HOST = "npipe:////./pipe/other_engine";
      try {
        expect(declare(riversideArgs())).toThrow(
          `Invalid arguments of DockerAgencyInstance "riverside":\n  - docker:host ${refusal(process.env.DOCKER_HOST)}`,
        );
      } finally {
        if (saved === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = saved;
      }
    });
  });

  it("a new release (here: a new env value) gets a new web container, the same settings the same one", async () => {
    await deploy(capture);
    const first = container(capture, "web-server").name;
    capture = installCapture();
    await deploy(capture);
    expect(container(capture, "web-server").name).toBe(first);
    capture = installCapture();
    await deploy(capture, riversideArgs({ env: { FEATURE: "on" } }));
    expect(container(capture, "web-server").name).not.toBe(first);
  });

  it("gives every one-shot job a configurable timeout and an attempt label, and replaces what the provider would ignore", async () => {
    await deploy(
      capture,
      riversideArgs({ timeouts: { releaseMinutes: 240, backupMinutes: 90, rotationMinutes: 5 } }),
    );
    const timeouts = Object.fromEntries(
      ["release-job", "pre-release-backup-job", "password-rotation-job", "route-switch-job"].map((job) => [
        job,
        container(capture, job).createTimeout,
      ]),
    );
    expect(timeouts).toEqual({
      "release-job": "240m",
      "pre-release-backup-job": "90m",
      "password-rotation-job": "5m",
      "route-switch-job": "5m",
    });
    for (const job of [
      "release-job",
      "pre-release-backup-job",
      "password-rotation-job",
      "route-switch-job",
    ]) {
      const labels = container(capture, job).inputs.labels as { label: string }[];
      expect(labels.map((l) => l.label)).toContain("agency-deploy.attempt");
    }
    for (const role of ["release-job", "backup-scheduler", "proxy-server", "route-switch-job"]) {
      expect(container(capture, role).replaceOnChanges).toEqual(["tmpfs", "healthcheck"]);
    }
    // The protected databases: a replacement would fail on protection, so no replaceOnChanges.
    expect(container(capture, "db-server").replaceOnChanges).toEqual([]);
  });

  it("defaults the job timeouts above the longest expected run (the provider's own is 20 minutes)", async () => {
    await deploy(capture);
    expect(container(capture, "release-job").createTimeout).toBe("120m");
    expect(container(capture, "pre-release-backup-job").createTimeout).toBe("120m");
    expect(container(capture, "password-rotation-job").createTimeout).toBe("15m");
  });

  it("uses the configured PostgreSQL major and gunicorn tuning", async () => {
    await deploy(
      capture,
      riversideArgs({
        postgres: { version: 17 },
        gunicorn: { workers: 5, timeout: 120, gracefulTimeout: 90 },
      }),
    );
    expect(container(capture, "db-server").inputs.image).toBe("postgres:17.6-bookworm");
    const web = container(capture, "web-server");
    expect((web.inputs.command as string[])[0]).toContain(
      "--workers 5 --threads 4 --timeout 120 --graceful-timeout 90",
    );
    expect(web.inputs.stopTimeout as number).toBeGreaterThanOrEqual(90);
  });

  it("takes each kind of container's caps from resources.*", async () => {
    await deploy(
      capture,
      riversideArgs({
        resources: {
          cpu: 2,
          memoryMb: 2048,
          database: { cpu: 1.5, memoryMb: 3072 },
          proxy: { memoryMb: 128 },
        },
      }),
    );
    expect(container(capture, "db-server").inputs).toMatchObject({ cpus: "1.5", memory: 3072 });
    expect(container(capture, "audit-db-server").inputs).toMatchObject({ cpus: "1.5", memory: 3072 });
    expect(container(capture, "release-job").inputs).toMatchObject({ cpus: "2", memory: 2048 });
    expect(container(capture, "web-server").inputs).toMatchObject({ cpus: "2", memory: 2048 });
    expect(container(capture, "proxy-server").inputs).toMatchObject({ cpus: "0.5", memory: 128 });
  });

  it("targets a remote Docker host through its own provider", async () => {
    await deploy(capture, riversideArgs({ docker: { host: "ssh://deploy@riverside.example.org" } }));
    expect(capture.one("pulumi:providers:docker", "riverside-docker").inputs.host).toBe(
      "ssh://deploy@riverside.example.org",
    );
  });
});

describe("DockerAgencyInstance with invalid args", () => {
  const table: [string, AgencyInstanceArgs, string][] = [
    ["a bad slug", riversideArgs({ agency: "Riverside Food Bank" }), "args.agency must be a lowercase slug"],
    ["no domains", riversideArgs({ domains: [] }), "args.domains must list at least one domain"],
    [
      "a bad hostname",
      riversideArgs({ domains: ["ok.example.org", "not a host"] }),
      "args.domains[1] must be a hostname",
    ],
    [
      "an unknown mode",
      // @ts-expect-error -- a value the type refuses, as another language could still send it
      riversideArgs({ mode: "staging" }),
      'args.mode must be "production" or "demo"',
    ],
    [
      "an unknown target",
      // @ts-expect-error -- a value the type refuses, as another language could still send it
      riversideArgs({ target: "k8s" }),
      'args.target must be "docker" or "azure"',
    ],
    [
      "both image context and ref",
      riversideArgs({ image: { context: APP_CONTEXT, ref: "app:1" } }),
      "args.image must set exactly one",
    ],
    [
      "a missing build context",
      riversideArgs({ image: { context: "no/such/dir" } }),
      "args.image.context is not a directory",
    ],
    [
      "a missing Dockerfile",
      riversideArgs({ image: { context: APP_CONTEXT, dockerfile: "Nope" } }),
      "args.image.dockerfile does not exist",
    ],
    [
      "a secret build arg",
      riversideArgs({ image: { context: APP_CONTEXT, buildArgs: { API_TOKEN: "x" } } }),
      "args.image.buildArgs.API_TOKEN looks like a secret",
    ],
    [
      "a managed env var",
      riversideArgs({ env: { DEBUG: "True" } }),
      "args.env.DEBUG is managed by agency-deploy",
    ],
    [
      "a secret in plain env",
      riversideArgs({ env: { SMTP_PASSWORD: "x" } }),
      "args.env.SMTP_PASSWORD looks like a secret",
    ],
    ["zero workers", riversideArgs({ gunicorn: { workers: 0 } }), "args.gunicorn.workers must be at least 1"],
    [
      "graceful timeout above timeout",
      riversideArgs({ gunicorn: { timeout: 30, gracefulTimeout: 60 } }),
      "args.gunicorn.gracefulTimeout must not exceed gunicorn.timeout",
    ],
    [
      "an unsupported PostgreSQL",
      riversideArgs({ postgres: { version: 9 } }),
      "args.postgres.version must be at least 13",
    ],
    [
      "a release step with a bad onFailure",
      riversideArgs({
        // @ts-expect-error -- a value the type refuses, as another language could still send it
        release: { steps: [{ name: "migrate", command: ["x"], onFailure: "ignore" }] },
      }),
      'args.release.steps[0].onFailure must be "abort" or "warn"',
    ],
    [
      "a rotation value that is not a generation",
      riversideArgs({ rotation: { secretKey: "2026-01" } }),
      "args.rotation.secretKey must be a generation number",
    ],
    [
      "an unknown setting",
      { ...riversideArgs(), colour: "blue" } as AgencyInstanceArgs,
      "args has unknown setting(s): colour",
    ],
    [
      "memory below the minimum",
      riversideArgs({ resources: { memoryMb: 64 } }),
      "args.resources.memoryMb must be at least 128",
    ],
    [
      "a database without CPU",
      riversideArgs({ resources: { database: { cpu: 0 } } }),
      "args.resources.database.cpu",
    ],
  ];

  it.each(table)("rejects %s with a clear error and registers nothing", async (_what, bad, message) => {
    const capture = installCapture();
    let error: unknown;
    try {
      new DockerAgencyInstance("riverside", bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(message);
    await capture.settled();
    expect(capture.resources).toEqual([]);
  });

  it("reports every problem at once", () => {
    installCapture();
    expect(
      // @ts-expect-error -- a value the type refuses, as another language could still send it
      () => new DockerAgencyInstance("x", riversideArgs({ agency: "X", domains: [], mode: "live" })),
    ).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.objectContaining({ key: "args.agency" }),
          expect.objectContaining({ key: "args.domains" }),
          expect.objectContaining({ key: "args.mode" }),
        ]),
      }),
    );
  });
});
