import * as path from "path";
import { contextDirectory, discoverApp } from "../../../../policies/command/offline/app-context";
import { UsageError } from "../../../../policies/command/offline/usage-error";
import { scratchDirectory } from "../../../support/scratch-directory";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";

const SAMPLE_APP = path.join(REPO_ROOT, "stacks", "sample-app");
const BAD_APP = path.join(FIXTURES_DIR, "apps", "bad-app");

const scratch = scratchDirectory("agency-deploy-context");
const app = (files: Record<string, string>): string => scratch.write(files);

const MANAGE_PY = (settings: string): string =>
  `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${settings}")\n`;
const WSGI_PY = "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n";

describe("what the sample app declares", () => {
  it("finds the settings module from manage.py, the WSGI module, the Dockerfile and its production stage", () => {
    expect(discoverApp(SAMPLE_APP, "production")).toEqual({
      context: SAMPLE_APP,
      settingsModule: "config.settings.production",
      wsgiModule: "config.wsgi:application",
      dockerfile: "Dockerfile",
      target: "runtime",
    });
  });

  it("leaves the target to the Dockerfile's last stage in demo mode", () => {
    expect(discoverApp(SAMPLE_APP, "demo").target).toBeUndefined();
  });

  it("reads an app it has never seen (the bad fixture app) the same way", () => {
    expect(discoverApp(BAD_APP, "production")).toMatchObject({
      settingsModule: "konote.settings",
      wsgiModule: "konote.wsgi:application",
      dockerfile: "Dockerfile",
    });
  });
});

describe("discovery rules", () => {
  it("prefers the wsgi.py of the package that holds the settings", () => {
    const dir = app({
      "manage.py": MANAGE_PY("site_b.settings"),
      "site_a/wsgi.py": WSGI_PY,
      "site_b/wsgi.py": WSGI_PY,
    });
    expect(discoverApp(dir, "production").wsgiModule).toBe("site_b.wsgi:application");
  });

  it("ignores a wsgi.py that defines no application, and virtualenvs", () => {
    const dir = app({
      "manage.py": MANAGE_PY("web.settings"),
      "web/wsgi.py": "# moved to web.server\n",
      ".venv/lib/django/wsgi.py": WSGI_PY,
      "web/server/wsgi.py": WSGI_PY,
    });
    expect(discoverApp(dir, "production").wsgiModule).toBe("web.server.wsgi:application");
  });

  it("accepts single quotes in manage.py and finds it one directory down", () => {
    const dir = app({
      "src/manage.py": "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.prod')\n",
    });
    expect(discoverApp(dir, "production").settingsModule).toBe("proj.settings.prod");
  });

  it("reads a Containerfile when there is no Dockerfile, and picks a stage named for production", () => {
    const dir = app({ Containerfile: "FROM python:3.12-slim AS build\nFROM python:3.12-slim AS Prod\n" });
    expect(discoverApp(dir, "production")).toMatchObject({ dockerfile: "Containerfile", target: "prod" });
  });

  it("sets no target when no stage has a production name", () => {
    const dir = app({ Dockerfile: "FROM python:3.12-slim AS build\nFROM python:3.12-slim AS web\n" });
    expect(discoverApp(dir, "production")).toEqual({ context: dir, dockerfile: "Dockerfile" });
  });

  it("declares nothing for a directory without Django or a Dockerfile", () => {
    expect(discoverApp(app({ "README.md": "hello\n" }), "production")).toEqual({ context: scratch.dir });
  });
});

describe("an unusable --context", () => {
  it("is a usage error naming the missing directory", () => {
    expect(() => contextDirectory(path.join(scratch.dir, "missing"))).toThrow(
      new UsageError(`--context ${path.join(scratch.dir, "missing")} cannot be read: ENOENT`),
    );
  });

  it("is a usage error when it names a file", () => {
    const file = path.join(app({ "manage.py": "" }), "manage.py");
    expect(() => discoverApp(file, "production")).toThrow(`--context ${file} is not a directory`);
  });

  it("resolves a relative directory to an absolute path", () => {
    expect(contextDirectory(path.relative(process.cwd(), SAMPLE_APP))).toBe(SAMPLE_APP);
  });
});
