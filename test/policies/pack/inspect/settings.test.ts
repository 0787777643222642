import { memoryContext } from "../../../../policies/pack/inspect/context-files";
import { readSettingsModule } from "../../../../policies/pack/inspect/settings";

const CONTEXT = memoryContext({
  "src/proj/settings/__init__.py": "",
  "src/proj/settings/base.py": [
    "import os",
    'DEBUG = os.environ.get("DEBUG", "False") == "True"',
    'SECRET_KEY = os.environ["SECRET_KEY"]',
    'FIELD_ENCRYPTION_KEY = os.getenv("FIELD_ENCRYPTION_KEY", "dev-key")',
    'ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "*").split(",")',
    "DATABASES = {",
    '    "default": dj_database_url.config(env="DATABASE_URL", conn_max_age=60, conn_health_checks=True),',
    '    "audit": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"connect_timeout": 5}},',
    "}",
    'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]',
    'STORAGES = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}',
  ].join("\n"),
  "src/proj/settings/production.py": [
    "from .base import *",
    'MIDDLEWARE += ["whitenoise.middleware.WhiteNoiseMiddleware"]',
    'DATABASE_ROUTERS = ["proj.routers.AuditRouter"]',
    'LOGGING = {"handlers": {"f": {"class": "logging.handlers.RotatingFileHandler", "filename": "/var/log/app.log"}}}',
    "SECURE_SSL_REDIRECT = True",
  ].join("\n"),
});

describe("readSettingsModule", () => {
  it("follows star imports and reports each setting where it is finally assigned", async () => {
    const facts = await readSettingsModule(CONTEXT, "proj.settings.production", ["src"]);
    expect(facts.files).toEqual(["src/proj/settings/production.py", "src/proj/settings/base.py"]);
    expect(facts.debug).toMatchObject({
      kind: "env",
      env: { name: "DEBUG", required: false, defaultLiteral: false },
      location: { file: "src/proj/settings/base.py", line: 2 },
    });
    expect(facts.secretKey?.env).toMatchObject({ name: "SECRET_KEY", required: true, via: "os.environ[]" });
    expect(facts.fieldEncryptionKey?.env).toMatchObject({ required: false, defaultLiteral: "dev-key" });
    expect(facts.allowedHosts?.containsWildcard).toBe(true);
    expect(facts.secureSslRedirect).toMatchObject({ kind: "literal", literal: true, location: { line: 5 } });
  });

  it("reads databases, middleware, storage, routers and file log handlers", async () => {
    const facts = await readSettingsModule(CONTEXT, "proj.settings.production", ["src"]);
    expect(facts.databases.map((d) => d.alias)).toEqual(["default", "audit"]);
    expect(facts.databases[0].connHealthChecks?.literal).toBe(true);
    expect(facts.databases[1]).toMatchObject({ connectTimeout: "5", optionKeys: ["connect_timeout"] });
    expect(facts.whitenoiseMiddleware).toBe(true);
    expect(facts.compressedManifestStorage).toBe(true);
    expect(facts.databaseRouters).toEqual(["proj.routers.AuditRouter"]);
    expect(facts.logging.fileHandlers[0]).toMatchObject({ filename: "/var/log/app.log" });
  });

  it("reads database options a module-level helper sets, as Django would run it", async () => {
    const context = memoryContext({
      "proj/settings.py": [
        "def database_config(url):",
        "    config = dj_database_url.parse(url)",
        '    config["CONN_HEALTH_CHECKS"] = True',
        '    config["CONN_MAX_AGE"] = 60',
        "    return config",
        'DATABASES = {"default": database_config(require_env("DATABASE_URL"))}',
      ].join("\n"),
    });
    const facts = await readSettingsModule(context, "proj.settings", [""]);
    expect(facts.databases[0].connHealthChecks).toMatchObject({
      kind: "literal",
      literal: true,
      location: { line: 3 },
    });
    expect(facts.databases[0].connMaxAge?.literal).toBe(60);
    expect(facts.databases[0].env.map((e) => e.name)).toEqual(["DATABASE_URL"]);
  });

  it.each([
    ['DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 10'],
    ['options = DATABASES["default"].setdefault("OPTIONS", {})\noptions["connect_timeout"] = 10'],
    [
      'DATABASES["default"]["OPTIONS"] = {"sslmode": "require"}\nDATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 10',
    ],
  ])("reads a connect timeout set through setdefault: %s", async (statements) => {
    const context = memoryContext({
      "proj/settings.py": `DATABASES = {"default": dj_database_url.config(env="DATABASE_URL")}\n${statements}\n`,
    });
    const facts = await readSettingsModule(context, "proj.settings", [""]);
    expect(facts.databases[0]).toMatchObject({ alias: "default", connectTimeout: "10" });
    expect(facts.databases[0].optionKeys).toContain("connect_timeout");
  });

  it("marks a module missing from the context as not existing", async () => {
    const facts = await readSettingsModule(CONTEXT, "proj.settings_minimal", ["src"]);
    expect(facts.exists).toBe(false);
    expect(facts.file).toBeNull();
  });
});

describe("readSettingsModule: where a variable must come from", () => {
  it("marks reads made only in a branch taken when an optional variable is set, and notes dotenv loads", async () => {
    const context = memoryContext({
      "proj/settings.py": [
        "import os",
        "from dotenv import load_dotenv",
        "load_dotenv()",
        'SECRET_KEY = os.environ["SECRET_KEY"]',
        'if os.environ.get("USE_S3"):',
        '    AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]',
      ].join("\n"),
    });
    const facts = await readSettingsModule(context, "proj.settings", [""]);
    const read = (name: string) => facts.envReads.find((r) => r.name === name);
    expect(read("SECRET_KEY")).toMatchObject({ required: true });
    expect(read("SECRET_KEY")?.conditional).toBeUndefined();
    expect(read("AWS_STORAGE_BUCKET_NAME")).toMatchObject({ required: true, conditional: true });
    expect(facts.envFileLoads).toEqual([{ file: "proj/settings.py", line: 3 }]);
  });
});
