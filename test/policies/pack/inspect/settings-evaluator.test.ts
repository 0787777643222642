/**
 * Settings read as Python runs them: one case per pattern a reviewer reads (issue 14), each asserting
 * what the facts say and where.
 */
import { diskContext, memoryContext, walkDirectory } from "../../../../policies/pack/inspect/context-files";
import { readSettingsModule } from "../../../../policies/pack/inspect/settings";
import { konoteApp } from "../../../support/konote-app";

const settingsOf = (files: Record<string, string>, module = "proj.settings") =>
  readSettingsModule(memoryContext(files), module, [""]);

const lines = (...text: string[]) => text.join("\n");

/** The module `proj.settings`, one file of the given lines. */
const settingsFile = (...text: string[]) => settingsOf({ "proj/settings.py": lines(...text) });

describe("settings evaluated as Python runs them", () => {
  it("runs a star-imported base in order, so later assignments and item assignments win", async () => {
    const facts = await settingsOf(
      {
        "proj/__init__.py": "",
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": lines(
          "import dj_database_url",
          'DATABASES = {"default": dj_database_url.config(conn_max_age=60)}',
          'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]',
        ),
        "proj/settings/production.py": lines(
          "from .base import *",
          'DATABASES["default"]["CONN_HEALTH_CHECKS"] = True',
          'MIDDLEWARE = MIDDLEWARE + ["whitenoise.middleware.WhiteNoiseMiddleware"]',
        ),
      },
      "proj.settings.production",
    );
    expect(facts.files).toEqual(["proj/settings/production.py", "proj/settings/base.py"]);
    expect(facts.databases[0]).toMatchObject({
      alias: "default",
      connHealthChecks: { literal: true, location: { file: "proj/settings/production.py", line: 2 } },
      connMaxAge: { literal: 60, location: { file: "proj/settings/base.py", line: 2 } },
    });
    expect(facts.whitenoiseMiddleware).toBe(true);
  });

  it.each([
    ['MIDDLEWARE += ["whitenoise.middleware.WhiteNoiseMiddleware"]'],
    ['MIDDLEWARE.append("whitenoise.middleware.WhiteNoiseMiddleware")'],
    ['MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")'],
    ['MIDDLEWARE.extend(["whitenoise.middleware.WhiteNoiseMiddleware"])'],
    ['MIDDLEWARE = [*MIDDLEWARE, "whitenoise.middleware.WhiteNoiseMiddleware"]'],
  ])("sees a list grown by %s", async (statement) => {
    const facts = await settingsFile(
      'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]',
      statement,
    );
    expect(facts.middleware).toContain("whitenoise.middleware.WhiteNoiseMiddleware");
    expect(facts.middleware[0]).toBe(
      statement.includes("insert") ? "django.middleware.security.SecurityMiddleware" : facts.middleware[0],
    );
  });

  it.each([
    ['DATABASES["default"].update({"CONN_HEALTH_CHECKS": True})'],
    ['DATABASES["default"].update(CONN_HEALTH_CHECKS=True)'],
    ['DATABASES["default"] = DATABASES["default"] | {"CONN_HEALTH_CHECKS": True}'],
    ['DATABASES["default"] |= {"CONN_HEALTH_CHECKS": True}'],
  ])("sees a dict updated by %s", async (statement) => {
    const facts = await settingsFile(
      'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}',
      statement,
    );
    expect(facts.databases[0].connHealthChecks).toMatchObject({ literal: true, location: { line: 2 } });
  });

  it("reads default=require_env(...) as required, env.db(default=...) as a silent fallback", async () => {
    const facts = await settingsFile(
      "import environ, dj_database_url, os",
      "def require_env(name):",
      "    value = os.environ.get(name)",
      "    if not value:",
      '        raise ImproperlyConfigured(name + " is required")',
      "    return value",
      "env = environ.Env()",
      "DATABASES = {",
      '    "default": dj_database_url.config(default=require_env("DATABASE_URL")),',
      '    "audit": env.db("AUDIT_DATABASE_URL", default="sqlite:///audit.sqlite3"),',
      "}",
    );
    const [app, audit] = facts.databases;
    expect(app.urlDefault).toBeNull();
    expect(app.env.every((read) => read.required)).toBe(true);
    expect(audit).toMatchObject({ urlDefault: '"sqlite:///audit.sqlite3"', location: { line: 10 } });
    expect(audit.env[0]).toMatchObject({ name: "AUDIT_DATABASE_URL", required: false });
  });

  it.each([
    ['os.environ["SECRET_KEY"]', true, null],
    ['os.environ.get("SECRET_KEY")', false, null],
    ['os.getenv("SECRET_KEY", "dev")', false, "dev"],
    ['os.environ.get("SECRET_KEY") or "dev"', false, "dev"],
    ['env("SECRET_KEY")', true, null],
    ['env.str("SECRET_KEY", default="dev")', false, "dev"],
    ['config("SECRET_KEY")', true, null],
    ['config("SECRET_KEY", default="dev")', false, "dev"],
    ['require_env("SECRET_KEY")', true, null],
  ])("reads %s (required %s, default %s)", async (expression, required, defaultLiteral) => {
    const facts = await settingsFile(
      "import environ, os",
      "env = environ.Env()",
      `SECRET_KEY = ${expression}`,
    );
    expect(facts.secretKey?.env).toMatchObject({ name: "SECRET_KEY", required });
    if (defaultLiteral !== null) expect(facts.secretKey?.env?.defaultLiteral).toBe(defaultLiteral);
  });

  it("takes django-environ's scheme defaults (environ.Env(DEBUG=(bool, False)))", async () => {
    const facts = await settingsFile(
      "import environ",
      "env = environ.Env(DEBUG=(bool, False))",
      'DEBUG = env("DEBUG")',
    );
    expect(facts.debug?.env).toMatchObject({ name: "DEBUG", required: false, defaultLiteral: false });
  });

  it("reads dj_database_url.parse(os.getenv(..., default)) as a fallback", async () => {
    const facts = await settingsFile(
      "import dj_database_url, os",
      'DATABASES = {"default": dj_database_url.parse(os.getenv("DATABASE_URL", "sqlite:///db.sqlite3"))}',
    );
    expect(facts.databases[0].urlDefault).toBe('"sqlite:///db.sqlite3"');
  });

  it("makes a value fail closed when a check raises on it empty or insecure", async () => {
    const facts = await settingsFile(
      "import os",
      'DEBUG = os.environ.get("DEBUG", "False") == "True"',
      'SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-dev")',
      'if SECRET_KEY.startswith("django-insecure") and not DEBUG:',
      '    raise ImproperlyConfigured("set SECRET_KEY")',
      'FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "dev-key")',
      "if not FIELD_ENCRYPTION_KEY:",
      '    raise ImproperlyConfigured("set FIELD_ENCRYPTION_KEY")',
    );
    expect(facts.secretKey?.env).toMatchObject({ required: true, failsClosedAt: { line: 4 } });
    // The check only fires on an empty key; "dev-key" passes it, so the default still leaks.
    expect(facts.fieldEncryptionKey?.env).toMatchObject({ required: false, defaultLiteral: "dev-key" });
    expect(facts.debug?.env?.required).toBe(false);
  });

  it("considers both branches of an if on the environment: the default branch is a fallback", async () => {
    const facts = await settingsFile(
      "import os, dj_database_url",
      'if os.environ.get("DATABASE_URL"):',
      '    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_health_checks=True)}',
      "else:",
      '    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}',
    );
    const [app] = facts.databases;
    expect(app.urlDefault).toContain("sqlite3");
    expect(app.connHealthChecks?.literal).toBe(true);
    expect(facts.envReads.filter((r) => r.name === "DATABASE_URL" && !r.required)).toHaveLength(1);
  });

  it("reads a required variable when the else branch raises", async () => {
    const facts = await settingsFile(
      "import os",
      'if "SECRET_KEY" in os.environ:',
      '    SECRET_KEY = os.environ.get("SECRET_KEY")',
      "else:",
      '    raise ImproperlyConfigured("SECRET_KEY")',
    );
    expect(facts.secretKey?.env).toMatchObject({ name: "SECRET_KEY", required: true });
  });

  it("follows a helper of a local module that raises when the variable is missing", async () => {
    const facts = await settingsOf(
      {
        "proj/__init__.py": "",
        "proj/env.py": lines(
          "import os",
          "def get_env(name, default=None):",
          "    value = os.environ.get(name, default)",
          "    if value is None:",
          '        raise ImproperlyConfigured(f"{name} is required")',
          "    return value",
        ),
        "proj/settings.py": lines(
          "from proj.env import get_env",
          'SECRET_KEY = get_env("SECRET_KEY")',
          'DEBUG = get_env("DEBUG", "False")',
        ),
      },
      "proj.settings",
    );
    expect(facts.secretKey?.env).toMatchObject({ required: true, via: "get_env" });
    expect(facts.debug?.env).toMatchObject({ required: false, defaultLiteral: "False" });
  });

  it("reads the KoNote fixture's production settings as a reviewer does", async () => {
    const root = konoteApp();
    const walk = walkDirectory(root, 1000, () => false);
    const facts = await readSettingsModule(
      diskContext(root, walk.files.sort(), false),
      "config.settings.production",
      [""],
    );
    expect(facts.secretKey?.env).toMatchObject({
      required: true,
      failsClosedAt: { file: "config/settings/base.py" },
    });
    expect(facts.whitenoiseMiddleware).toBe(true);
    expect(facts.databases.map((d) => [d.alias, d.urlDefault, d.connHealthChecks?.location.file])).toEqual([
      ["default", null, "config/settings/production.py"],
      ["audit", null, "config/settings/production.py"],
    ]);
    expect(facts.syntaxErrors).toEqual([]);
  });

  it("reports a syntax error with its file and line", async () => {
    const facts = await settingsFile("DEBUG = False", "SECRET_KEY = (", "X = 1");
    expect(facts.syntaxErrors[0]).toMatchObject({ file: "proj/settings.py" });
  });
});
