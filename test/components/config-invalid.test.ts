/**
 * Bad configuration, section by section of the schema in components/config.ts, for both targets:
 * parseInstanceSettings names the exact key, and the stack program stops with that key before a
 * single resource is registered. (The component-level cases live in docker/instance.test.ts.)
 */
import * as pulumi from "@pulumi/pulumi";
import {
  argsKey,
  ConfigError,
  parseInstanceSettings,
  protectedDataChanges,
  rawSettingsFromConfig,
  settingsOrigin,
} from "../../components/config";
import { regexpLiteral } from "../../policies/pack/inspect/regexp-literal";
import { deployAgency } from "../../stacks/program";
import { installAzureCapture } from "../support/azure-capture";
import { installCapture } from "../support/capture";

type Settings = Record<string, unknown>;
type Target = "docker" | "azure";

const BASE: Settings = {
  agency: "lakeside",
  domains: ["lakeside.example.org"],
  image: { ref: "ghcr.io/lakeside/app:1.0.0" },
};

/** [what, settings over the base (undefined removes a key), the key named, a fragment of its message]. */
type Case = [string, Settings, string, string];

const CASES: Case[] = [
  // identity and routing
  ["no agency", { agency: undefined }, "agency-deploy:agency", "is required"],
  ["an agency of 41 characters", { agency: `a${"b".repeat(40)}` }, "agency-deploy:agency", "lowercase slug"],
  ["an agency ending in a dash", { agency: "lakeside-" }, "agency-deploy:agency", "lowercase slug"],
  ["an empty mode", { mode: "" }, "agency-deploy:mode", 'must be "production" or "demo"'],
  ["no domains", { domains: undefined }, "agency-deploy:domains", "is required"],
  [
    "a URL given as a domain",
    { domains: ["https://lakeside.example.org"] },
    "agency-deploy:domains[0]",
    "must be a hostname",
  ],
  [
    "a domain label of 64 characters",
    { domains: [`${"a".repeat(64)}.org`] },
    "agency-deploy:domains[0]",
    "must be a hostname",
  ],
  [
    "a domain with an empty label",
    { domains: ["lakeside..org"] },
    "agency-deploy:domains[0]",
    "must be a hostname",
  ],
  // image
  ["no image", { image: undefined }, "agency-deploy:image", "is required"],
  [
    "an image with neither context nor ref",
    { image: {} },
    "agency-deploy:image",
    "must set exactly one of image.context or image.ref",
  ],
  ["an empty image ref", { image: { ref: "" } }, "agency-deploy:image.ref", "must be at least 1"],
  [
    "an empty Dockerfile name",
    { image: { ref: "app:1", dockerfile: "" } },
    "agency-deploy:image.dockerfile",
    "must be at least 1",
  ],
  [
    "an unknown image setting",
    { image: { ref: "app:1", tag: "latest" } },
    "agency-deploy:image",
    "has unknown setting(s): tag",
  ],
  [
    "a build-arg name that is not a name",
    { image: { ref: "app:1", buildArgs: { "1BAD": "x" } } },
    "agency-deploy:image.buildArgs.1BAD",
    "",
  ],
  [
    "a build arg that carries a password",
    { image: { ref: "app:1", buildArgs: { DB_PASSWORD: "x" } } },
    "agency-deploy:image.buildArgs.DB_PASSWORD",
    "looks like a secret",
  ],
  // django
  [
    "a settings module given as a path",
    { django: { settingsModule: "config/settings/production.py" } },
    "agency-deploy:django.settingsModule",
    "must be a dotted Python module",
  ],
  [
    "a WSGI target without its callable",
    { django: { wsgiModule: "config.wsgi" } },
    "agency-deploy:django.wsgiModule",
    'must look like "package.wsgi:application"',
  ],
  [
    "a health path without its slash",
    { django: { healthPath: "healthz/" } },
    "agency-deploy:django.healthPath",
    "must start with /",
  ],
  [
    "a readiness path without its slash",
    { django: { readinessPath: "readyz/" } },
    "agency-deploy:django.readinessPath",
    "must start with /",
  ],
  [
    "an unknown django setting",
    { django: { debug: true } },
    "agency-deploy:django",
    "has unknown setting(s): debug",
  ],
  // release
  [
    "an empty release",
    { release: { steps: [] } },
    "agency-deploy:release.steps",
    "must have at least one step",
  ],
  [
    "a release step name with spaces",
    { release: { steps: [{ name: "Migrate DB", command: ["x"], onFailure: "abort" }] } },
    "agency-deploy:release.steps[0].name",
    "must be a kebab-case step name",
  ],
  [
    "a release step without a command",
    { release: { steps: [{ name: "migrate", command: [], onFailure: "abort" }] } },
    "agency-deploy:release.steps[0].command",
    "must name a command",
  ],
  [
    "a release step with an empty argument",
    { release: { steps: [{ name: "migrate", command: ["python", ""], onFailure: "abort" }] } },
    "agency-deploy:release.steps[0].command[1]",
    "must not be empty",
  ],
  [
    "a release step with an unknown setting",
    { release: { steps: [{ name: "migrate", command: ["x"], onFailure: "warn", retries: 3 }] } },
    "agency-deploy:release.steps[0]",
    "has unknown setting(s): retries",
  ],
  // gunicorn
  ["65 threads", { gunicorn: { threads: 65 } }, "agency-deploy:gunicorn.threads", "must be at most 64"],
  ["a timeout of zero", { gunicorn: { timeout: 0 } }, "agency-deploy:gunicorn.timeout", "must be at least 1"],
  [
    "a graceful timeout over an hour",
    { gunicorn: { timeout: 3600, gracefulTimeout: 3601 } },
    "agency-deploy:gunicorn.gracefulTimeout",
    "must be at most 3600",
  ],
  // postgres and resources
  ["PostgreSQL 19", { postgres: { version: 19 } }, "agency-deploy:postgres.version", "must be at most 18"],
  [
    "an unknown postgres setting",
    { postgres: { version: 16, password: "x" } },
    "agency-deploy:postgres",
    "has unknown setting(s): password",
  ],
  ["zero CPUs", { resources: { cpu: 0 } }, "agency-deploy:resources.cpu", "must be at least 0"],
  ["65 CPUs", { resources: { cpu: 65 } }, "agency-deploy:resources.cpu", "must be at most 64"],
  [
    "256 GiB and one MiB of memory",
    { resources: { memoryMb: 262145 } },
    "agency-deploy:resources.memoryMb",
    "must be at most 262144",
  ],
  // env
  ["an env name starting with a digit", { env: { "1X": "a" } }, "agency-deploy:env.1X", ""],
  [
    "an env setting the database URL",
    { env: { DATABASE_URL: "postgres://x" } },
    "agency-deploy:env.DATABASE_URL",
    "is managed by agency-deploy",
  ],
  [
    "an env setting the port",
    { env: { PORT: "9000" } },
    "agency-deploy:env.PORT",
    "is managed by agency-deploy",
  ],
  [
    "an env carrying an API key",
    { env: { STRIPE_API_KEY: "sk_live_x" } },
    "agency-deploy:env.STRIPE_API_KEY",
    "looks like a secret",
  ],
  [
    "an env carrying credentials",
    { env: { GOOGLE_CREDENTIALS: "{}" } },
    "agency-deploy:env.GOOGLE_CREDENTIALS",
    "looks like a secret",
  ],
  // proxy, data, rotation
  [
    "a proxy e-mail that is not one",
    { proxy: { email: "admin-at-lakeside" } },
    "agency-deploy:proxy.email",
    "Invalid email address",
  ],
  [
    "an unknown proxy setting",
    { proxy: { enabled: true, port: 8080 } },
    "agency-deploy:proxy",
    "has unknown setting(s): port",
  ],
  [
    "a negative rotation generation",
    { rotation: { fieldEncryptionKey: -1 } },
    "agency-deploy:rotation.fieldEncryptionKey",
    "must be a generation number",
  ],
  [
    "a rotation generation with a leading zero",
    { rotation: { databasePasswords: "01" } },
    "agency-deploy:rotation.databasePasswords",
    "must be a generation number",
  ],
  [
    "a rotation of an unknown secret",
    { rotation: { apiKey: "1" } },
    "agency-deploy:rotation",
    "has unknown setting(s): apiKey",
  ],
  // backup
  [
    "a backup schedule that is not cron",
    { backup: { schedule: "daily" } },
    "agency-deploy:backup.schedule",
    "must be a cron schedule of five fields",
  ],
  [
    "a backup schedule in words",
    { backup: { schedule: "every night" } },
    "agency-deploy:backup.schedule",
    "must be a cron schedule of five fields",
  ],
  [
    "a backup schedule whose fields are out of range (it would never fire)",
    { backup: { schedule: "99 99 * * *" } },
    "agency-deploy:backup.schedule",
    "Invalid value for minute: 99",
  ],
  [
    "keeping zero backups",
    { backup: { retentionCount: 0 } },
    "agency-deploy:backup.retentionCount",
    "must be at least 1",
  ],
  [
    "keeping backups for zero days",
    { backup: { retentionDays: 0 } },
    "agency-deploy:backup.retentionDays",
    "must be at least 1",
  ],
  [
    "a relative backup directory",
    { backup: { hostPath: "backups" } },
    "agency-deploy:backup.hostPath",
    "must be an absolute path",
  ],
  // docker
  ["HTTP port 0", { docker: { httpPort: 0 } }, "agency-deploy:docker.httpPort", "must be at least 1"],
  [
    "HTTPS port 65536",
    { docker: { httpsPort: 65536 } },
    "agency-deploy:docker.httpsPort",
    "must be at most 65535",
  ],
  ["an empty Docker host", { docker: { host: "" } }, "agency-deploy:docker.host", "must be at least 1"],
  // azure
  [
    "an unknown PostgreSQL tier",
    { azure: { postgresTier: "Premium" } },
    "agency-deploy:azure.postgresTier",
    "Burstable",
  ],
  [
    "16 GB of PostgreSQL storage",
    { azure: { storageGb: 16 } },
    "agency-deploy:azure.storageGb",
    "must be at least 32",
  ],
  [
    "40 days of point-in-time restore",
    { azure: { backupRetentionDays: 40 } },
    "agency-deploy:azure.backupRetentionDays",
    "must be at most 35",
  ],
  [
    "31 minimum replicas",
    { azure: { minReplicas: 31 } },
    "agency-deploy:azure.minReplicas",
    "must be at most 30",
  ],
  [
    "zero maximum replicas",
    { azure: { maxReplicas: 0 } },
    "agency-deploy:azure.maxReplicas",
    "must be at least 1",
  ],
  [
    "0.3 vCPU",
    { azure: { cpu: 0.3 } },
    "agency-deploy:azure.cpu",
    "must be a multiple of 0.25 from 0.25 to 4",
  ],
  [
    "a release timeout of 30 s",
    { azure: { releaseTimeoutSeconds: 30 } },
    "agency-deploy:azure.releaseTimeoutSeconds",
    "must be at least 60",
  ],
  [
    "a PostgreSQL subnet without its DNS zone",
    {
      azure: {
        postgresSubnetId: "/subscriptions/s/subnets/db",
        containerAppsSubnetId: "/subscriptions/s/subnets/apps",
      },
    },
    "agency-deploy:azure.postgresPrivateDnsZoneId",
    "is required with azure.postgresSubnetId",
  ],
  [
    "a PostgreSQL subnet without an apps subnet",
    { azure: { postgresSubnetId: "/subscriptions/s/subnets/db", postgresPrivateDnsZoneId: "/zones/z" } },
    "agency-deploy:azure.containerAppsSubnetId",
    "is required with azure.postgresSubnetId",
  ],
  [
    "an empty Azure location",
    { azure: { location: "" } },
    "agency-deploy:azure.location",
    "must be at least 1",
  ],
  // the namespace itself
  ["an unknown top-level setting", { region: "eu" }, "agency-deploy", "has unknown setting(s): region"],
];

/** Values of the wrong type: the key is named, and the message says which type it must be. */
const WRONG_TYPES: [string, Settings, string, string][] = [
  ["a numeric agency", { agency: 42 }, "agency-deploy:agency", "must be string"],
  [
    "a domain given as a string",
    { domains: "lakeside.example.org" },
    "agency-deploy:domains",
    "must be array",
  ],
  ["a fractional timeout", { gunicorn: { timeout: 1.5 } }, "agency-deploy:gunicorn.timeout", "must be int"],
  ["protectData as text", { protectData: "no" }, "agency-deploy:protectData", "must be boolean"],
  [
    "release steps as text",
    { release: { steps: "migrate" } },
    "agency-deploy:release.steps",
    "must be array",
  ],
  ["a numeric env value", { env: { SITE_NAME: 1 } }, "agency-deploy:env.SITE_NAME", "must be string"],
];

function settingsFor(target: Target, overrides: Settings): Settings {
  const merged: Settings = { ...BASE, target, ...overrides };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged;
}

/** The settings as the engine hands them to the program: `agency-deploy:<key>`, objects as JSON text. */
function engineConfig(settings: Settings): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      `agency-deploy:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

function issuesOf(settings: Settings): ConfigError["issues"] {
  try {
    parseInstanceSettings(settings);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error("the settings were accepted");
}

const TARGETS: Target[] = ["docker", "azure"];
const table = (cases: Case[]) =>
  TARGETS.flatMap((t) => cases.map(([what, s, key, m]) => [t, what, s, key, m] as const));

describe("invalid configuration", () => {
  it("covers at least 30 distinct mistakes across every section of the schema", () => {
    expect(CASES.length + WRONG_TYPES.length).toBeGreaterThanOrEqual(30);
    const sections = new Set(CASES.map(([, , key]) => key.split(":")[1]?.split(/[.[]/)[0] ?? ""));
    for (const section of [
      "agency",
      "mode",
      "domains",
      "image",
      "django",
      "release",
      "gunicorn",
      "postgres",
      "resources",
      "env",
      "proxy",
      "rotation",
      "backup",
      "docker",
      "azure",
      "",
    ]) {
      expect(sections).toContain(section);
    }
  });

  describe.each(table([...CASES, ...WRONG_TYPES]))(
    "(%s target) %s",
    (target, _what, overrides, key, message) => {
      const settings = settingsFor(target, overrides);

      it("is rejected by parseInstanceSettings naming the exact key", () => {
        const issues = issuesOf(settings);
        const named = issues.filter((i) => i.key === key).map((i) => i.message);
        expect(named).not.toEqual([]);
        if (!WRONG_TYPES.some(([, , k]) => k === key)) {
          expect(named).toContainEqual(expect.stringContaining(message));
        }
      });

      it("stops the stack program with that key and registers nothing", async () => {
        const capture = target === "azure" ? installAzureCapture() : installCapture();
        let error: unknown;
        try {
          deployAgency(engineConfig(settings));
        } catch (err) {
          error = err;
        }
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        expect((error as Error).message).toMatch(new RegExp(`^  - ${regexpLiteral(key)} `, "m"));
        await capture.settled();
        expect(capture.resources).toEqual([]);
      });
    },
  );

  it('names the expected type for a value of the wrong type, not "is required"', () => {
    for (const [, overrides, key, message] of WRONG_TYPES) {
      const issue = issuesOf(settingsFor("docker", overrides)).find((i) => i.key === key);
      expect(issue?.message).toBe(message);
    }
  });
});

describe("protectedDataChanges", () => {
  const settings = (extra: Record<string, unknown> = {}) =>
    parseInstanceSettings({
      agency: "riverside",
      domains: ["riverside.example.org"],
      image: { ref: "app:1" },
      ...extra,
    });

  it("refuses a new database CPU cap or PostgreSQL major while data is protected, naming the key and the way out", () => {
    const last = { databaseCpu: 1, postgresVersion: 16 };
    expect(protectedDataChanges(settings({ resources: { database: { cpu: 2 } } }), last)).toEqual([
      {
        key: "agency-deploy:resources.database.cpu",
        message: expect.stringMatching(
          /^changed from 1 to 2, which would replace the protected database containers.*agency-deploy:protectData false/,
        ),
      },
    ]);
    expect(protectedDataChanges(settings({ postgres: { version: 17 } }), last)[0]).toMatchObject({
      key: "agency-deploy:postgres.version",
      message: expect.stringContaining("set it back to 16"),
    });
  });

  it("names argument paths for an instance built in code", () => {
    const [issue] = protectedDataChanges(
      settings({ resources: { database: { cpu: 2 } } }),
      { databaseCpu: 1, postgresVersion: 16 },
      argsKey,
    );
    expect(issue.key).toBe("args.resources.database.cpu");
    expect(issue.message).toContain("args.protectData false");
    expect(issue.message).not.toContain("agency-deploy:");
  });

  it("lets the change through when it would replace nothing protected, or nothing was recorded yet", () => {
    const last = { databaseCpu: 1, postgresVersion: 16 };
    expect(
      protectedDataChanges(settings({ resources: { database: { cpu: 1, memoryMb: 4096 } } }), last),
    ).toEqual([]);
    expect(
      protectedDataChanges(settings({ protectData: false, resources: { database: { cpu: 2 } } }), last),
    ).toEqual([]);
    expect(protectedDataChanges(settings({ resources: { database: { cpu: 2 } } }), undefined)).toEqual([]);
    expect(
      protectedDataChanges(settings({ resources: { database: { cpu: 2 } } }), { postgresVersion: 16 }),
    ).toEqual([]);
  });
});

describe("settingsOrigin", () => {
  it("names a stack's config by its keys and args written in code by their paths", () => {
    const fromConfig = rawSettingsFromConfig({ "agency-deploy:agency": "riverside" });
    const fromCode = { agency: "riverside" };
    expect(
      settingsOrigin('DockerAgencyInstance "r"', fromConfig).key(["rotation", "databasePasswords"]),
    ).toBe("agency-deploy:rotation.databasePasswords");
    expect(settingsOrigin('DockerAgencyInstance "r"', fromCode).key(["rotation", "databasePasswords"])).toBe(
      "args.rotation.databasePasswords",
    );
    // A copy of the config's settings is args written in code.
    expect(settingsOrigin("x", { ...(fromConfig as object) }).key(["mode"])).toBe("args.mode");
    expect(
      settingsOrigin('DockerAgencyInstance "r"', fromCode).problems([
        { path: ["domains", 1], message: "must be a hostname" },
      ]).message,
    ).toBe('Invalid arguments of DockerAgencyInstance "r":\n  - args.domains[1] must be a hostname');
    expect(settingsOrigin("x", fromConfig).problems([{ path: ["mode"], message: "is wrong" }]).message).toBe(
      "Invalid configuration:\n  - agency-deploy:mode is wrong",
    );
  });
});
