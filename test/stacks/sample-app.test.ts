import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import ignore from "@balena/dockerignore";
import { DockerfileParser, Instruction } from "dockerfile-ast";
import { REPO_ROOT } from "../support/paths";

const APP = path.join(REPO_ROOT, "stacks", "sample-app");

function read(relative: string): string {
  return fs.readFileSync(path.join(APP, relative), "utf8");
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "__pycache__" ? [] : filesUnder(full);
    return [path.relative(APP, full)];
  });
}

/** A dotted Python module name -> its file in the app, as Django would import it. */
function moduleFile(module: string): string {
  return path.join(...module.split(".")) + ".py";
}

const allFiles = filesUnder(APP);
const pythonFiles = allFiles.filter((file) => file.endsWith(".py"));

describe("sample-app Python sources", () => {
  it("every .py file compiles", () => {
    // One interpreter for all files; compile() checks syntax without writing __pycache__ into the repo.
    const script = [
      "import json, sys",
      "errors = []",
      "for name in json.load(sys.stdin):",
      "    try:",
      "        compile(open(name, encoding='utf-8').read(), name, 'exec')",
      "    except SyntaxError as error:",
      "        errors.append(f'{name}:{error.lineno}: {error.msg}')",
      "print(json.dumps(errors))",
    ].join("\n");
    const output = execFileSync("python3", ["-c", script], {
      cwd: APP,
      input: JSON.stringify(pythonFiles),
      encoding: "utf8",
    });
    expect(pythonFiles.length).toBeGreaterThan(20);
    expect(JSON.parse(output)).toEqual([]);
  });

  it.each([
    "manage.py",
    "config/__init__.py",
    "config/settings/__init__.py",
    "config/settings/base.py",
    "config/settings/production.py",
    "config/settings/build.py",
    "config/urls.py",
    "config/wsgi.py",
    "config/db_router.py",
    "apps/__init__.py",
    "apps/core/__init__.py",
    "apps/cases/__init__.py",
    "apps/audit/__init__.py",
  ])("has %s where Django imports it", (file) => {
    expect(allFiles).toContain(file);
  });

  it.each(["apps/audit/migrations/0001_initial.py", "apps/cases/migrations/0001_initial.py"])(
    "has the migration %s in a migrations package",
    (file) => {
      expect(allFiles).toContain(file);
      expect(allFiles).toContain(path.join(path.dirname(file), "__init__.py"));
    },
  );

  it.each([
    ["apps/audit", "lockdown_audit_db"],
    ["apps/audit", "startup_check"],
    ["apps/core", "seed"],
  ])("%s provides the management command %s", (app, command) => {
    const commandFile = `${app}/management/commands/${command}.py`;
    expect(allFiles).toContain(`${app}/management/__init__.py`);
    expect(allFiles).toContain(`${app}/management/commands/__init__.py`);
    expect(read(commandFile)).toMatch(/^class Command\(BaseCommand\):/m);
  });

  it("requires every secret and connection string with require_env, without defaults", () => {
    const base = read("config/settings/base.py");
    for (const name of ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "AUDIT_DATABASE_URL"]) {
      expect(base).toContain(`require_env("${name}")`);
    }
    expect(base).toContain('ALLOWED_HOSTS = require_env_list("ALLOWED_HOSTS")');
    expect(base).not.toMatch(/os\.environ\.get\(/);
    expect(base).toContain('DEBUG = env_bool("DEBUG", False)');
  });

  it("production settings force DEBUG off and secure cookies, and require https CSRF origins", () => {
    const production = read("config/settings/production.py");
    expect(production).toMatch(/^DEBUG = False$/m);
    expect(production).toMatch(/^SESSION_COOKIE_SECURE = True$/m);
    expect(production).toMatch(/^CSRF_COOKIE_SECURE = True$/m);
    expect(production).toContain('CSRF_TRUSTED_ORIGINS = require_env_list("CSRF_TRUSTED_ORIGINS")');
    expect(production).toContain('SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]');
  });

  it("routes the audit app, and only it, to the audit database", () => {
    expect(read("config/settings/base.py")).toContain('DATABASE_ROUTERS = ["config.db_router.AuditRouter"]');
    const router = read("config/db_router.py");
    expect(router).toContain('AUDIT_APP = "audit"');
    expect(router).toContain("return db == AUDIT_DB");
    expect(router).toContain("return db != AUDIT_DB");
  });
});

describe("sample-app requirements", () => {
  const runtime = read("requirements.txt")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"));

  it("pins every runtime dependency exactly", () => {
    for (const line of runtime) expect(line).toMatch(/^[A-Za-z0-9_.-]+(\[[a-z,]+\])?==\d[\w.]*$/);
    expect(runtime).toEqual(expect.arrayContaining([expect.stringMatching(/^Django==5\.2\.\d+$/)]));
    for (const name of ["gunicorn", "whitenoise", "psycopg[binary]", "dj-database-url", "cryptography"]) {
      expect(runtime.some((line) => line.startsWith(`${name}==`))).toBe(true);
    }
  });

  it("keeps test tools out of the runtime requirements", () => {
    expect(runtime.some((line) => /^pytest/i.test(line))).toBe(false);
    expect(read("requirements-dev.txt")).toMatch(/^pytest==/m);
  });
});

describe("sample-app Dockerfile", () => {
  const dockerfile = DockerfileParser.parse(read("Dockerfile"));
  const instructions = dockerfile.getInstructions();
  const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf("FROM");
  const finalStage = instructions.slice(lastFrom);
  const args = (instruction: Instruction): string => instruction.getArgumentsContent() ?? "";
  const finalOf = (keyword: string): Instruction[] => finalStage.filter((i) => i.getKeyword() === keyword);
  const finalEnv = new Map(
    dockerfile
      .getENVs()
      .filter((env) => env.getRange().start.line >= finalStage[0].getRange().start.line)
      .flatMap((env) => env.getProperties().map((p) => [p.getName(), p.getValue() ?? ""] as const)),
  );

  it("is multi-stage, every stage on an exact python 3.12 slim-bookworm tag", () => {
    const froms = dockerfile.getFROMs();
    expect(froms.map((from) => from.getBuildStage())).toEqual(["builder", "runtime"]);
    for (const from of froms) expect(from.getImage()).toMatch(/^python:3\.12\.\d+-slim-bookworm$/);
  });

  it("runs the final stage as the numeric non-root user 10001", () => {
    const users = finalOf("USER");
    expect(args(users[users.length - 1])).toBe("10001:10001");
    expect(finalStage.some((i) => i.getKeyword() === "RUN" && args(i).includes("--uid 10001"))).toBe(true);
  });

  it("installs apt packages without recommends, cleans the lists, and leaves compilers in the builder", () => {
    const runs = instructions.filter((i) => i.getKeyword() === "RUN").map(args);
    for (const run of runs.filter((r) => r.includes("apt-get install"))) {
      expect(run).toContain("--no-install-recommends");
      expect(run).toContain("rm -rf /var/lib/apt/lists/*");
    }
    expect(finalOf("RUN").map(args).join("\n")).not.toMatch(/apt-get|build-essential|gcc/);
  });

  it("collects static files at build time with build settings that exist", () => {
    const collect = instructions.find((i) => i.getKeyword() === "RUN" && args(i).includes("collectstatic"));
    const settings = /--settings=([\w.]+)/.exec(args(collect as Instruction))?.[1];
    expect(settings).toBe("config.settings.build");
    expect(allFiles).toContain(moduleFile(settings as string));
  });

  it("sets a UTF-8 locale, unbuffered output and production settings that exist", () => {
    expect(finalEnv.get("LANG")).toBe("C.UTF-8");
    expect(finalEnv.get("LC_ALL")).toBe("C.UTF-8");
    expect(finalEnv.get("PYTHONUNBUFFERED")).toBe("1");
    expect(finalEnv.get("DJANGO_SETTINGS_MODULE")).toBe("config.settings.production");
    expect(allFiles).toContain(moduleFile(finalEnv.get("DJANGO_SETTINGS_MODULE") as string));
  });

  it("bakes no secret into ENV or ARG", () => {
    const names = [...dockerfile.getENVs(), ...dockerfile.getARGs()].flatMap((i) =>
      i.getProperties().map((p) => p.getName()),
    );
    for (const name of names) expect(name).not.toMatch(/SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL/);
  });

  it("serves gunicorn on $PORT, tuned, logging to stdout, with a liveness healthcheck", () => {
    expect(args(finalOf("EXPOSE")[0])).toBe("8000");
    const healthcheck = args(finalOf("HEALTHCHECK")[0]);
    expect(healthcheck).toContain("urllib.request");
    expect(healthcheck).toContain("${PORT}/healthz/");
    const cmd = args(finalOf("CMD")[0]);
    expect(cmd).toMatch(/^exec gunicorn config\.wsgi:application/);
    expect(cmd).toContain('--bind "0.0.0.0:${PORT}"');
    for (const flag of ["--workers", "--threads", "--timeout"]) expect(cmd).toContain(flag);
    expect(cmd).toContain("--access-logfile -");
    expect(cmd).toContain("--error-logfile -");
    expect(Number(finalEnv.get("GUNICORN_TIMEOUT"))).toBeGreaterThanOrEqual(60);
  });
});

describe("sample-app .dockerignore", () => {
  const rules = ignore().add(read(".dockerignore").split("\n"));

  it.each([
    ".env",
    ".env.production",
    ".git/HEAD",
    ".venv/bin/python",
    "venv/bin/python",
    "tests/test_env.py",
    "requirements-dev.txt",
    "README.md",
    "apps/core/__pycache__/views.cpython-312.pyc",
  ])("keeps %s out of the build context", (file) => {
    expect(rules.ignores(file)).toBe(true);
  });

  it("keeps everything the image needs", () => {
    const needed = allFiles.filter(
      (file) =>
        (file.endsWith(".py") && !file.startsWith("tests/")) ||
        file.startsWith("templates/") ||
        file.startsWith("static/") ||
        file.startsWith("locale/") ||
        file === "requirements.txt",
    );
    expect(needed).toContain("locale/fr/LC_MESSAGES/django.mo");
    expect(rules.filter(needed)).toEqual(needed);
  });
});
