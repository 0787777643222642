/**
 * Discovery from a repository root: which compose files production merges, the Dockerfile and
 * stage it builds, platform files and their release command, where manage.py is, the settings
 * module production uses and what set it, the build-only module, and a non-Django app told apart.
 */
import * as fs from "fs";
import * as path from "path";
import { composeSet, discover, judgedLine } from "../../../../policies/command/app-deployment/discovery";
import { repositoryFiles } from "../../../../policies/command/app-deployment/repository-files";
import { computedSettingsModules } from "../../../../policies/pack/inspect/settings";
import { scratchDirectory } from "../../../support/scratch-directory";
import { FIXTURES_DIR } from "../../../support/paths";

const DEPLOYMENTS = path.join(FIXTURES_DIR, "deployments");

const scratch = scratchDirectory("agency-deploy-discovery");
const repo = (files: Record<string, string>): string => scratch.write(files);

describe("the compose files a production run merges", () => {
  let n = 0;
  /** composeSet over a fresh repository holding `files` (and what `repo` wrote before). */
  const names = (files: string[]) => {
    const dir = `r${n++}`;
    const root = path.join(
      repo(Object.fromEntries(files.map((f) => [`${dir}/${f}`, "services: {}\n"]))),
      dir,
    );
    if (fs.existsSync(path.join(scratch.dir, ".env")))
      fs.copyFileSync(path.join(scratch.dir, ".env"), path.join(root, ".env"));
    return composeSet(root, repositoryFiles(root));
  };

  it("merges compose.yaml with compose.override.yaml, as docker compose does by default", () => {
    expect(names(["compose.yaml", "compose.override.yaml"])?.files).toEqual([
      "compose.yaml",
      "compose.override.yaml",
    ]);
  });

  it("merges the production file over the base instead of the development override", () => {
    expect(
      names(["docker-compose.yml", "docker-compose.override.yml", "docker-compose.prod.yml"])?.files,
    ).toEqual(["docker-compose.yml", "docker-compose.prod.yml"]);
    expect(names(["docker-compose.yml", "docker-compose.production.yml"])?.files).toEqual([
      "docker-compose.yml",
      "docker-compose.production.yml",
    ]);
  });

  it("prefers compose.yaml over docker-compose.yml, and finds compose files in a deploy folder", () => {
    expect(names(["compose.yaml", "docker-compose.yml"])?.files).toEqual(["compose.yaml"]);
    expect(names(["deploy/docker-compose.yml", "deploy/docker-compose.prod.yml"])?.files).toEqual([
      "deploy/docker-compose.yml",
      "deploy/docker-compose.prod.yml",
    ]);
  });

  it("follows COMPOSE_FILE in .env", () => {
    repo({ ".env": "COMPOSE_FILE=base.yml:docker-compose.live.yml\n" });
    expect(names(["docker-compose.yml"])).toEqual({
      files: ["base.yml", "docker-compose.live.yml"],
      reason: "COMPOSE_FILE in .env",
    });
  });

  it("skips vendored and generated folders", () => {
    expect(names(["node_modules/pkg/docker-compose.yml", ".venv/lib/compose.yaml"])).toBeNull();
  });
});

describe("the fixture deployments", () => {
  it("compose-merge: base + prod file, the production stage, settings named only in compose, a build-only module", () => {
    const found = discover(path.join(DEPLOYMENTS, "compose-merge"));
    expect(found.compose?.files).toEqual(["docker-compose.yml", "docker-compose.prod.yml"]);
    expect(found.dockerfile).toMatchObject({
      file: "Dockerfile",
      stages: ["builder", "production"],
      builtStage: "production",
    });
    expect(found.django).toMatchObject({
      managePy: "manage.py",
      settingsPackage: "shop.settings",
      settings: { module: "shop.settings.production", source: "docker-compose.yml:3 (environment)" },
      buildOnly: [{ module: "shop.settings.build", source: "Dockerfile:12" }],
    });
    expect(judgedLine(found)).toBe(
      "Judged: Dockerfile (stage production); docker-compose.yml + docker-compose.prod.yml; settings shop.settings.production",
    );
  });

  it("monorepo: a Dockerfile in a subfolder, manage.py under src/, settings computed by a function", () => {
    const found = discover(path.join(DEPLOYMENTS, "monorepo"));
    expect(found.dockerfile).toMatchObject({
      file: "backend/Dockerfile",
      context: "backend",
      builtBy: "compose service backend",
    });
    expect(found.dockerfiles.map((d) => d.file)).toEqual(["backend/Dockerfile", "frontend/Dockerfile.dev"]);
    expect(found.django).toMatchObject({
      managePy: "backend/src/manage.py",
      sourceRoot: "backend/src",
      settingsPackage: "config.settings",
      settings: {
        module: "config.settings.production",
        source: "backend/src/manage.py:14 (computed by a function)",
        candidates: ["config.settings.development"],
      },
    });
    expect(found.notes).toEqual([
      "env_file ./deploy/production.env (docker-compose.yml:13) is not in the repository: its values are supplied when the deployment runs",
      "services left out by their profiles: docs",
    ]);
  });

  it("flask-app: not a Django app, said in one line", () => {
    const found = discover(path.join(DEPLOYMENTS, "flask-app"));
    expect(found.django).toBeNull();
    expect(found.notDjango).toBe(
      "not a Django app (a Flask app): no manage.py and Django is not in its requirements",
    );
    expect(judgedLine(found)).toBe(
      "Judged: Dockerfile; compose.yaml; not a Django app (a Flask app): no manage.py and Django is not in its requirements",
    );
  });

  it("railway-migrate-true: the platform file, its Dockerfile and health path", () => {
    const found = discover(path.join(DEPLOYMENTS, "railway-migrate-true"));
    expect(found.compose).toBeNull();
    expect(found.platforms).toEqual([
      {
        platform: "railway",
        file: "railway.json",
        dockerfile: "Dockerfile",
        healthPath: "/health/",
        restart: "on-failure",
      },
    ]);
    expect(found.dockerfile).toMatchObject({ file: "Dockerfile", builtBy: "railway.json" });
    expect(found.django?.settings).toMatchObject({
      module: "hub.settings.production",
      source: "manage.py:6 (setdefault)",
    });
  });
});

describe("settings sources", () => {
  const MANAGE = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.dev")\n';

  it("reads manage.py's computed default as the pack's settings reader does: the line that sets it, not a comment", () => {
    const manage = [
      "import os",
      "# DJANGO_SETTINGS_MODULE is picked from the deployment target",
      "def main():",
      '    target = os.environ.get("TARGET", "prod")',
      '    os.environ["DJANGO_SETTINGS_MODULE"] = {"prod": "site.settings.production", "dev": "site.settings.dev"}[target]',
      "",
    ].join("\n");
    const found = discover(repo({ "manage.py": manage, "site/settings/__init__.py": "" }));
    expect(found.django?.settings).toEqual({
      module: "site.settings.production",
      source: `manage.py:${computedSettingsModules(manage)?.line} (computed by a function)`,
      candidates: ["site.settings.dev"],
    });
    expect(computedSettingsModules(manage)?.line).toBe(5);
  });

  it("takes the Dockerfile's ENV over manage.py's default", () => {
    const found = discover(
      repo({
        "manage.py": MANAGE,
        "site/settings/__init__.py": "",
        Dockerfile:
          "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=site.settings.prod\nCMD gunicorn site.wsgi\n",
      }),
    );
    expect(found.django?.settings).toEqual({
      module: "site.settings.prod",
      source: "Dockerfile:2 (ENV)",
      candidates: [],
    });
  });

  it("takes --settings= and exports in the start script", () => {
    const found = discover(
      repo({
        "manage.py": MANAGE,
        Dockerfile: 'FROM python:3.12\nCOPY . .\nENTRYPOINT ["./docker-entrypoint.sh"]\n',
        "docker-entrypoint.sh":
          "#!/bin/sh\n# DJANGO_SETTINGS_MODULE=ignored.comment\nexport DJANGO_SETTINGS_MODULE=site.settings.live\n",
      }),
    );
    expect(found.django?.settings).toMatchObject({
      module: "site.settings.live",
      source: "docker-entrypoint.sh:3 (start script)",
    });
  });

  it("reads the platform's release and start commands", () => {
    const found = discover(
      repo({
        "manage.py": MANAGE,
        Dockerfile: "FROM python:3.12\n",
        Procfile:
          "release: python manage.py migrate --settings=site.settings.heroku\nweb: gunicorn site.wsgi\n",
        "fly.toml":
          '[deploy]\n  release_command = "python manage.py migrate"\n[http_service]\n  internal_port = 8000\n',
      }),
    );
    expect(found.platforms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: "Procfile",
          release: {
            command: "python manage.py migrate --settings=site.settings.heroku",
            file: "Procfile",
            line: 1,
          },
          start: { command: "gunicorn site.wsgi", file: "Procfile", line: 2 },
        }),
        expect.objectContaining({
          file: "fly.toml",
          release: { command: "python manage.py migrate", file: "fly.toml", line: 2 },
        }),
      ]),
    );
    expect(found.django?.settings?.module).toBe("site.settings.heroku");
  });
});
