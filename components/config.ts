/**
 * The settings of one agency instance: a single zod schema that turns raw Pulumi
 * configuration (or component args) into typed, validated, defaulted settings.
 *
 * Every problem is reported at once, each with the exact config key
 * (`agency-deploy:domains[0] must be a hostname`), and nothing is registered
 * with the engine until the whole configuration is valid.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cron } from "croner";
import { z } from "zod";
import type { Mode } from "../policies/mode";
import { type DomainsInput, domainIssues } from "./domains";

/** The Pulumi project name, and so the namespace of every config key. */
export const CONFIG_NAMESPACE = "agency-deploy";

const SLUG = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const PYTHON_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const WSGI_TARGET = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that carry credentials; such values must be generated secrets, never plain config. */
export const SECRET_LIKE_NAME = /(secret|passw(or)?d|pwd|token|api[_-]?key|private[_-]?key|credential|auth)/i;

/** Environment variables the components manage; extra env may not override them. */
export const MANAGED_ENV = [
  "DJANGO_SETTINGS_MODULE",
  "DEBUG",
  "ALLOWED_HOSTS",
  "CSRF_TRUSTED_ORIGINS",
  "DATABASE_URL",
  "AUDIT_DATABASE_URL",
  "SECRET_KEY",
  "SECRET_KEY_FALLBACKS",
  "FIELD_ENCRYPTION_KEY",
  "FIELD_ENCRYPTION_KEY_FALLBACKS",
  "PORT",
] as const;

/**
 * An identifier a consumer may pass from another resource (`pulumi.Input<string>`): a non-empty
 * string, or an Output or Promise, checked by the resource it reaches.
 */
const resourceInput = z.union([
  z.string().min(1),
  z.custom<pulumi.Output<string> | Promise<string>>(
    (value) => pulumi.Output.isInstance(value) || value instanceof Promise,
    "must be a string",
  ),
]);

/** Public hostnames, plain or pending (domains.ts): what is known is checked now, the rest once it resolves. */
const domainsSchema = z.custom<DomainsInput>().superRefine((domains, ctx) => {
  for (const issue of domainIssues(domains)) ctx.addIssue({ code: "custom", ...issue });
});

/** A whole number from `min` to `max`; `fallback` when unset. */
function wholeNumber(min: number, max: number, fallback: number) {
  return z.number().int().min(min).max(max).default(fallback);
}

const releaseStepSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a kebab-case step name"),
    command: z.array(z.string().min(1, "must not be empty")).min(1, "must name a command"),
    onFailure: z.enum(["abort", "warn"], { error: 'must be "abort" or "warn"' }),
  })
  .strict();

export type ReleaseStep = z.output<typeof releaseStepSchema>;
export type { Mode } from "../policies/mode";

/** The default ordered release: what must succeed before the web service changes. */
export function defaultReleaseSteps(mode: Mode): ReleaseStep[] {
  return [
    { name: "migrate", command: ["python", "manage.py", "migrate", "--noinput"], onFailure: "abort" },
    {
      name: "migrate-audit",
      command: ["python", "manage.py", "migrate", "--database=audit", "--noinput"],
      onFailure: "abort",
    },
    { name: "lockdown-audit", command: ["python", "manage.py", "lockdown_audit_db"], onFailure: "abort" },
    { name: "seed", command: ["python", "manage.py", "seed"], onFailure: "warn" },
    {
      name: "security-check",
      command: ["python", "manage.py", "startup_check"],
      onFailure: mode === "production" ? "abort" : "warn",
    },
  ];
}

// A rotation value is a generation number: bumping it rotates the secret, and the previous
// generation (value - 1) is kept so old sessions and encrypted fields stay readable.
const rotationValue = z.coerce
  .string()
  .regex(/^(0|[1-9][0-9]{0,5})$/, "must be a generation number (0, 1, 2, ...); increase it by one to rotate")
  .default("0");

const imageSchema = z
  .object({
    /** Build context directory; relative paths are resolved against the Pulumi project root. */
    context: z.string().min(1).optional(),
    dockerfile: z.string().min(1).default("Dockerfile"),
    /** Build stage to stop at (multi-stage Dockerfiles). */
    target: z.string().min(1).optional(),
    buildArgs: z.record(z.string().regex(ENV_NAME, "must be a build-arg name"), z.string()).default({}),
    /** A pushed image reference, instead of a build. */
    ref: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((image, ctx) => {
    if ((image.context === undefined) === (image.ref === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "must set exactly one of image.context or image.ref",
        path: [],
      });
    }
    for (const name of Object.keys(image.buildArgs)) {
      if (SECRET_LIKE_NAME.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["buildArgs", name],
          message: "looks like a secret; build args are stored in the image history. Use runtime env instead",
        });
      }
    }
  });

const djangoSchema = z
  .object({
    settingsModule: z
      .string()
      .regex(PYTHON_MODULE, "must be a dotted Python module")
      .default("config.settings.production"),
    wsgiModule: z
      .string()
      .regex(WSGI_TARGET, 'must look like "package.wsgi:application"')
      .default("config.wsgi:application"),
    healthPath: z.string().startsWith("/", "must start with /").default("/healthz/"),
    readinessPath: z.string().startsWith("/", "must start with /").default("/readyz/"),
  })
  .strict();

const gunicornSchema = z
  .object({
    workers: wholeNumber(1, 64, 2),
    threads: wholeNumber(1, 64, 4),
    timeout: wholeNumber(1, 3600, 60),
    gracefulTimeout: wholeNumber(1, 3600, 30),
  })
  .strict();

const postgresSchema = z
  .object({
    version: wholeNumber(13, 18, 16),
  })
  .strict();

/** CPU and memory limits of one kind of container; the defaults suit a small agency's VPS. */
const containerLimitsSchema = (cpu: number, memoryMb: number) =>
  z
    .object({
      cpu: z.number().positive().max(64).default(cpu),
      memoryMb: wholeNumber(128, 262144, memoryMb),
    })
    .strict();

const resourcesSchema = z
  .object({
    /** The web service and the release job (both run the app). */
    cpu: z.number().positive().max(64).default(1),
    memoryMb: wholeNumber(128, 262144, 1024),
    /** Each PostgreSQL container (app and audit). */
    database: containerLimitsSchema(1, 1024).prefault({}),
    /** The backup service, the pre-release backup and the password rotation job. */
    backup: containerLimitsSchema(0.5, 512).prefault({}),
    /** The Caddy TLS proxy. */
    proxy: containerLimitsSchema(0.5, 256).prefault({}),
  })
  .strict();

const proxySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** ACME account e-mail for public certificates; unused for localhost (Caddy's internal CA). */
    email: z.email().optional(),
  })
  .strict();

const rotationSchema = z
  .object({
    secretKey: rotationValue,
    fieldEncryptionKey: rotationValue,
    databasePasswords: rotationValue,
  })
  .strict();

/**
 * A five-field cron schedule (minute hour day-of-month month day-of-week), each field in range.
 * croner (maintained, no dependencies) validates the fields, names and steps the way the scheduler
 * must read them; it also accepts six- and seven-field patterns, so the field count is checked here.
 */
const cronSchedule = z.string().superRefine((value, ctx) => {
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) {
    ctx.addIssue({
      code: "custom",
      message: `must be a cron schedule of five fields (minute hour day month weekday), got "${value}"`,
    });
    return;
  }
  try {
    new Cron(value, { paused: true });
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `is not a valid cron schedule: ${(error as Error).message.replace(/^CronPattern: /, "")}`,
    });
  }
});

const backupSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** cron expression for the scheduled pg_dump of both databases */
    schedule: cronSchedule.default("0 2 * * *"),
    retentionCount: z.number().int().min(1).default(14),
    retentionDays: z.number().int().min(1).default(30),
    /** Take a backup as the first release step (default: on in production). */
    beforeRelease: z.boolean().optional(),
    /**
     * Host directory for backups; a protected Docker volume when unset. The backup containers run
     * as the postgres image's user (uid 999), so the directory must be writable by uid 999.
     */
    hostPath: z.string().startsWith("/", "must be an absolute path").optional(),
  })
  .strict();

/**
 * How long each one-shot job may run on Docker before `pulumi up` stops waiting for it and fails:
 * the provider's default (20 minutes) cuts a long migration or dump off mid-run. The defaults sit
 * well above the longest run a small agency's database should see.
 */
const timeoutsSchema = z
  .object({
    /** The release (migrations and the other steps). */
    releaseMinutes: wholeNumber(1, 1440, 120),
    /** The pre-release backup (pg_dump of both databases). */
    backupMinutes: wholeNumber(1, 1440, 120),
    /** The database password rotation (two `ALTER ROLE`s). */
    rotationMinutes: wholeNumber(1, 1440, 15),
  })
  .strict();

const dockerSchema = z
  .object({
    /** Docker host for the provider, e.g. ssh://deploy@agency.example.org; the local engine when unset. */
    host: resourceInput.optional(),
    httpPort: wholeNumber(1, 65535, 80),
    httpsPort: wholeNumber(1, 65535, 443),
  })
  .strict();

const azureSchema = z
  .object({
    location: z.string().min(1).default("westeurope"),
    /** Deploy into an existing resource group instead of creating one. */
    resourceGroupName: resourceInput.optional(),
    postgresSku: z.string().min(1).default("Standard_B1ms"),
    postgresTier: z.enum(["Burstable", "GeneralPurpose", "MemoryOptimized"]).default("Burstable"),
    storageGb: z.number().int().min(32).default(32),
    /** Point-in-time-restore retention; defaults to 14 in production, 7 in demo. */
    backupRetentionDays: z.number().int().min(7).max(35).optional(),
    geoRedundantBackup: z.boolean().default(false),
    /** Delegated subnet for PostgreSQL; public access is disabled when set. */
    postgresSubnetId: resourceInput.optional(),
    minReplicas: z.number().int().min(0).max(30).optional(),
    maxReplicas: wholeNumber(1, 30, 2),
    /** Private DNS zone (privatelink.postgres.database.azure.com) linked to the VNet; needed with postgresSubnetId. */
    postgresPrivateDnsZoneId: resourceInput.optional(),
    /** Infrastructure subnet of the Container Apps environment; needed to reach a VNet-only PostgreSQL server. */
    containerAppsSubnetId: resourceInput.optional(),
    /** vCPU per web and release replica; Container Apps allots 2 GiB of memory per vCPU. */
    cpu: z
      .number()
      .refine(
        (cpu) => cpu >= 0.25 && cpu <= 4 && Number.isInteger(cpu * 4),
        "must be a multiple of 0.25 from 0.25 to 4",
      )
      .default(0.5),
    /** How long the release job may run before it is stopped and the deployment fails. */
    releaseTimeoutSeconds: wholeNumber(60, 86400, 1800),
  })
  .strict()
  .superRefine((azure, ctx) => {
    if (azure.postgresSubnetId !== undefined && azure.postgresPrivateDnsZoneId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["postgresPrivateDnsZoneId"],
        message: "is required with azure.postgresSubnetId",
      });
    }
    if (azure.postgresSubnetId !== undefined && azure.containerAppsSubnetId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["containerAppsSubnetId"],
        message: "is required with azure.postgresSubnetId (the apps must be in the VNet to reach the server)",
      });
    }
  });

export const instanceSchema = z
  .object({
    agency: z.string().regex(SLUG, "must be a lowercase slug (letters, digits, dashes; 2-40 characters)"),
    target: z.enum(["docker", "azure"], { error: 'must be "docker" or "azure"' }).default("docker"),
    mode: z.enum(["production", "demo"], { error: 'must be "production" or "demo"' }).default("production"),
    domains: domainsSchema,
    image: imageSchema,
    django: djangoSchema.prefault({}),
    release: z
      .object({ steps: z.array(releaseStepSchema).min(1, "must have at least one step").optional() })
      .strict()
      .prefault({}),
    gunicorn: gunicornSchema.prefault({}),
    postgres: postgresSchema.prefault({}),
    resources: resourcesSchema.prefault({}),
    env: z.record(z.string().regex(ENV_NAME, "must be an environment variable name"), z.string()).default({}),
    proxy: proxySchema.prefault({}),
    /** Protect databases and their volumes from `pulumi destroy` and replacement. Opt out explicitly. */
    protectData: z.boolean().default(true),
    rotation: rotationSchema.prefault({}),
    backup: backupSchema.prefault({}),
    docker: dockerSchema.prefault({}),
    azure: azureSchema.prefault({}),
    timeouts: timeoutsSchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const name of Object.keys(cfg.env)) {
      if ((MANAGED_ENV as readonly string[]).includes(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["env", name],
          message: "is managed by agency-deploy and cannot be set",
        });
      } else if (SECRET_LIKE_NAME.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["env", name],
          message:
            "looks like a secret; plain config values are stored unencrypted. Use `pulumi config set --secret`",
        });
      }
    }
    if (cfg.gunicorn.gracefulTimeout > cfg.gunicorn.timeout) {
      ctx.addIssue({
        code: "custom",
        path: ["gunicorn", "gracefulTimeout"],
        message: "must not exceed gunicorn.timeout",
      });
    }
  });

/** Validated settings with every default filled in. */
export type InstanceSettings = Omit<z.output<typeof instanceSchema>, "release"> & {
  release: { steps: ReleaseStep[] };
};

export interface ConfigIssue {
  /** The full config key, e.g. `agency-deploy:domains[0]` (or argument path, `args.domains[0]`). */
  key: string;
  /** The setting's path in the settings (`["domains", 0]`), from which either key is written. */
  path?: readonly PropertyKey[];
  message: string;
}

/** Invalid configuration (or component arguments): every problem, each naming its key. */
export class ConfigError extends Error {
  constructor(
    readonly issues: ConfigIssue[],
    heading = "Invalid configuration",
  ) {
    super(`${heading}:\n${issues.map((i) => `  - ${i.key} ${i.message}`).join("\n")}`);
    this.name = "ConfigError";
  }

  /** The same problems, each keyed by `keyOf(path)` (issues without a path keep their key). */
  rekeyed(keyOf: (path: readonly PropertyKey[]) => string, heading?: string): ConfigError {
    const issues = this.issues.map((issue) =>
      issue.path === undefined ? issue : { ...issue, key: keyOf(issue.path) },
    );
    return new ConfigError(issues, heading);
  }
}

/** `["domains", 0]` -> `agency-deploy:domains[0]`. */
export function configKey(path: readonly PropertyKey[], namespace = CONFIG_NAMESPACE): string {
  let key = "";
  for (const part of path) {
    if (typeof part === "number") key += `[${part}]`;
    else key += key === "" ? String(part) : `.${String(part)}`;
  }
  return key === "" ? namespace : `${namespace}:${key}`;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `has unknown setting(s): ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_type" && issue.input === undefined) return "is required";
  if (issue.code === "invalid_type") return `must be ${issue.expected}`;
  // zod's own wording ("Too small: expected number to be >=1") reads poorly after a key.
  if (issue.code === "too_small" && issue.message.startsWith("Too small")) {
    return issue.origin === "array"
      ? `must have at least ${issue.minimum} item(s)`
      : `must be at least ${issue.minimum}`;
  }
  if (issue.code === "too_big" && issue.message.startsWith("Too big"))
    return `must be at most ${issue.maximum}`;
  return issue.message;
}

/** `["domains", 0]` -> `args.domains[0]`: where a value passed in code sits in a component's args. */
export function argsKey(path: readonly PropertyKey[]): string {
  return configKey(path, "args").replace(/^args:/, "args.");
}

/** Names a setting by its path: `configKey` or `argsKey`. */
export type SettingKey = (path: readonly PropertyKey[]) => string;

/**
 * Where an instance's settings came from, for the messages that name a setting after validation
 * (a job's failure, a refused change, a domain that resolved to no hostname): a stack's config
 * names its keys (`agency-deploy:rotation.databasePasswords`), an instance built in code its
 * argument paths (`args.rotation.databasePasswords`).
 */
export interface SettingsOrigin {
  key: SettingKey;
  /**
   * The component whose args were written in code (`DockerAgencyInstance "harbor"`), where a
   * setting is changed by editing the program; undefined for a stack's config (`pulumi config set`).
   */
  component?: string;
  /** What heads a list of problems (ConfigError's default for a stack's config). */
  heading?: string;
  /** The problems as one error, each named by `key`. */
  problems(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ConfigError;
}

// The raw settings rawSettingsFromConfig read from a stack's config: a stack program passes them on
// as the instance's args, and only it does. Held weakly: nothing else keeps them.
const readFromStackConfig = new WeakSet<object>();

/** The origin of `args` given to `component` (`DockerAgencyInstance "harbor"`). */
export function settingsOrigin(component: string, args: unknown): SettingsOrigin {
  const fromConfig = typeof args === "object" && args !== null && readFromStackConfig.has(args);
  const key: SettingKey = fromConfig ? (path) => configKey(path) : argsKey;
  const heading = fromConfig ? undefined : `Invalid arguments of ${component}`;
  return {
    key,
    component: fromConfig ? undefined : component,
    heading,
    problems: (issues) =>
      new ConfigError(
        issues.map((issue) => ({ key: key(issue.path), path: issue.path, message: issue.message })),
        heading,
      ),
  };
}

/**
 * Validate raw settings (parsed Pulumi config or component args).
 * @throws ConfigError listing every problem with its key.
 */
export function parseInstanceSettings(raw: unknown, namespace = CONFIG_NAMESPACE): InstanceSettings {
  // reportInput: tells a missing value ("is required") from one of the wrong type ("must be string").
  // The input stays inside the issue; messages never quote it, as it may be a secret.
  const result = instanceSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        key: configKey(issue.path, namespace),
        path: issue.path,
        message: issueMessage(issue),
      })),
    );
  }
  const cfg = result.data;
  return { ...cfg, release: { steps: cfg.release.steps ?? defaultReleaseSteps(cfg.mode) } };
}

/** Stack config the policy pack reads (policies/pack/exemptions.ts), not the instance. */
const POLICY_PACK_KEYS: readonly string[] = ["exemptions"];

/**
 * Run a component's validation (written with config keys) on its args, so that each problem is
 * named as `origin` names settings: by argument path (`args.mode`) under the component's name for
 * args given in code, by config key for a stack's config.
 */
export function validateArgs<T>(origin: SettingsOrigin, validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    if (err instanceof ConfigError) throw err.rekeyed(origin.key, origin.heading);
    throw err;
  }
}

/**
 * The settings that, changed, would replace a protected database container: the provider replaces
 * a container whose `cpus` or image changes (only `memory` is updated in place), and a protected
 * resource cannot be replaced, so `pulumi up` would fail half-way. Recorded by every completed
 * update (the stack output `protectedSettings`) and compared with the next one's.
 */
export interface ProtectedSettings {
  /** `resources.database.cpu`. */
  databaseCpu: number;
  /** `postgres.version`. */
  postgresVersion: number;
}

export function protectedSettings(settings: InstanceSettings): ProtectedSettings {
  return { databaseCpu: settings.resources.database.cpu, postgresVersion: settings.postgres.version };
}

/**
 * Changes to settings that would replace the protected database containers, each named by `key`
 * (the config key by default), with the way out. None when data is not protected, or nothing was recorded yet.
 */
export function protectedDataChanges(
  settings: InstanceSettings,
  last: Partial<ProtectedSettings> | undefined,
  key: SettingKey = (path) => configKey(path),
): ConfigIssue[] {
  if (!settings.protectData || last === undefined) return [];
  const now = protectedSettings(settings);
  const protect = key(["protectData"]);
  const checks: { key: (string | number)[]; was: unknown; is: number; wayOut: string }[] = [
    {
      key: ["resources", "database", "cpu"],
      was: last.databaseCpu,
      is: now.databaseCpu,
      wayOut:
        `set it back to ${String(last.databaseCpu)}, or run one \`pulumi up\` with ${protect} false ` +
        "(the containers are recreated on the same data volumes, which are not replaced), then set it back to true",
    },
    {
      key: ["postgres", "version"],
      was: last.postgresVersion,
      is: now.postgresVersion,
      wayOut:
        `set it back to ${String(last.postgresVersion)}: a new major version cannot read the old data directory; ` +
        "upgrade by dumping (the runbook's backup), deploying a new stack and restoring into it",
    },
  ];
  return checks
    .filter((check) => typeof check.was === "number" && check.was !== check.is)
    .map((check) => ({
      key: key(check.key),
      message:
        `changed from ${String(check.was)} to ${check.is}, which would replace the protected database ` +
        `containers and fail the update; ${check.wayOut}`,
    }));
}

/**
 * Turn the engine's flat config map (`pulumi.runtime.allConfig()`: `"agency-deploy:gunicorn"`
 * -> JSON text) into the raw object the schema reads. Keys of other namespaces are ignored.
 */
export function rawSettingsFromConfig(
  allConfig: Record<string, string>,
  namespace = CONFIG_NAMESPACE,
): unknown {
  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(allConfig)) {
    const [ns, key] = fullKey.split(":", 2);
    if (ns !== namespace || key === undefined || POLICY_PACK_KEYS.includes(key)) continue;
    raw[key] = parseConfigValue(text);
  }
  readFromStackConfig.add(raw);
  return raw;
}

// The engine hands every value over as text: objects, arrays, numbers and booleans as JSON.
function parseConfigValue(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" || typeof value === "number" || typeof value === "boolean"
      ? value
      : text;
  } catch {
    return text;
  }
}
