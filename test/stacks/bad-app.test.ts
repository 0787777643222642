import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DockerfileParser } from "dockerfile-ast";
import { FIXTURES_DIR } from "../support/paths";

const APP = path.join(FIXTURES_DIR, "apps", "bad-app");

function lines(relative: string): string[] {
  return fs.readFileSync(path.join(APP, relative), "utf8").split("\n");
}

/** Rows of BAD-APP.md's defect table: id and the `file:line` locations in the last column. */
function catalogue(): { id: string; defect: string; locations: string[] }[] {
  return lines("BAD-APP.md")
    .filter((line) => /^\| [A-Z]{2}-\d+ \|/.test(line))
    .map((line) => {
      // Cells are split on pipes not escaped as \| (the table quotes shell `|| true`).
      const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
      const [id, defect, location] = cells.slice(1, 4);
      const file = location.split(/[:\s]/)[0];
      // "file:8, :9" lists several lines of one file.
      const locations = [...location.matchAll(/:(\d+)/g)].map((m) => `${file}:${m[1]}`);
      return { id, defect, locations };
    });
}

// Each planted defect and the text its documented line must show, so BAD-APP.md cannot drift from the files.
const PLANTED: [id: string, location: string, evidence: RegExp][] = [
  ["CS-1", "Dockerfile:1", /^FROM /],
  ["CS-2", "Dockerfile:3", /^ARG DJANGO_SECRET_KEY=\S+/],
  ["CS-2", "Dockerfile:4", /^ENV SECRET_KEY=\S+/],
  ["CS-2", "Dockerfile:5", /^ENV DATABASE_PASSWORD=\S+/],
  ["CS-2", "Dockerfile:16", /^COPY \.env /],
  ["CS-3", "Dockerfile:1", /^FROM python:latest$/],
  ["CS-4", "Dockerfile:10", /apt-get install -y gcc/],
  ["CS-4", "Dockerfile:13", /^RUN pip install -r requirements\.txt$/],
  ["CS-6", "Dockerfile:15", /^COPY \. \.$/],
  ["SR-2", "entrypoint.sh:1", /^#!\/bin\/sh$/],
  ["SR-2", "entrypoint.sh:6", /migrate \|\| true$/],
  ["SR-3", "entrypoint.sh:6", /manage\.py migrate \|\|/],
  ["SR-4", "entrypoint.sh:8", /seed_data \|\| true$/],
  ["SR-5", "entrypoint.sh:12", /startup_check \|\| echo/],
  ["SR-7", "entrypoint.sh:4", /^pip install /],
  ["SF-1", "entrypoint.sh:10", /collectstatic/],
  ["SF-2", "konote/settings.py:28", /^MIDDLEWARE = \[$/],
  ["DB-1", "konote/settings.py:14", /os\.environ\.get\("DATABASE_URL", "postgres:/],
  ["DB-2", "konote/settings.py:15", /os\.environ\.get\("AUDIT_DATABASE_URL", "postgres:/],
  ["DB-4", "konote/settings.py:13", /^DATABASES = \{$/],
  ["CH-3", "konote/settings.py:8", /^SECRET_KEY = os\.environ\.get\("SECRET_KEY", "/],
  ["CH-3", "konote/settings.py:9", /^FIELD_ENCRYPTION_KEY = os\.environ\.get\("FIELD_ENCRYPTION_KEY", "/],
  ["CH-4", "konote/settings.py:10", /"DEBUG", "True"/],
  ["CH-5", "konote/settings.py:11", /^ALLOWED_HOSTS = \["\*"\]$/],
  ["CH-8", "Dockerfile:18", /--settings=konote\.settings_build/],
  ["RC-3", "apps/programs/management/commands/seed_data.py:8", /if Program\.objects\.exists\(\):/],
  ["HC-1", "entrypoint.sh:15", /--bind 0\.0\.0\.0:8000/],
  ["HC-3", "entrypoint.sh:15", /--access-logfile \/app\/logs\/access\.log/],
  ["HC-3", "konote/settings.py:45", /logging\.FileHandler/],
  ["HC-4", "railway.json:6", /"watchPatterns"/],
  ["HC-6", "entrypoint.sh:15", /^gunicorn konote\.wsgi:application --bind/],
];

describe("bad-app fixture", () => {
  const documented = catalogue();

  it.each(PLANTED)("%s is planted at %s and documented there", (id, location, evidence) => {
    const [file, line] = location.split(":");
    expect(lines(file)[Number(line) - 1]).toMatch(evidence);
    expect(documented.some((row) => row.id === id && row.locations.includes(location))).toBe(true);
  });

  it("documents only locations that exist", () => {
    for (const { locations } of documented) {
      for (const location of locations) {
        const [file, line] = location.split(":");
        expect(lines(file).length).toBeGreaterThanOrEqual(Number(line));
      }
    }
  });

  it("has no .dockerignore but a .env in the context", () => {
    expect(fs.existsSync(path.join(APP, ".dockerignore"))).toBe(false);
    expect(fs.existsSync(path.join(APP, ".env"))).toBe(true);
  });

  it("lacks USER, HEALTHCHECK and a UTF-8 locale in its Dockerfile", () => {
    const dockerfile = DockerfileParser.parse(lines("Dockerfile").join("\n"));
    const keywords = dockerfile.getInstructions().map((i) => i.getKeyword());
    expect(keywords).not.toContain("USER");
    expect(keywords).not.toContain("HEALTHCHECK");
    const envNames = dockerfile.getENVs().flatMap((env) => env.getProperties().map((p) => p.getName()));
    expect(envNames).not.toContain("LANG");
  });

  it("names a settings module that does not exist, next to one that does", () => {
    expect(fs.existsSync(path.join(APP, "konote", "settings_build.py"))).toBe(false);
    expect(fs.existsSync(path.join(APP, "konote", "settings.py"))).toBe(true);
  });

  it("has no set -e and no audit migrate in the entrypoint", () => {
    const entrypoint = lines("entrypoint.sh").join("\n");
    expect(entrypoint).not.toMatch(/set -[a-z]*e/);
    expect(entrypoint).not.toContain("--database=audit");
  });

  it("is valid Python, so findings come from its configuration and not from syntax errors", () => {
    const files = [
      "manage.py",
      "konote/settings.py",
      "konote/wsgi.py",
      "apps/programs/management/commands/seed_data.py",
    ];
    const script =
      "import json, sys\nfor name in json.load(sys.stdin): compile(open(name).read(), name, 'exec')";
    expect(() =>
      execFileSync("python3", ["-c", script], { cwd: APP, input: JSON.stringify(files), stdio: "pipe" }),
    ).not.toThrow();
  });
});
