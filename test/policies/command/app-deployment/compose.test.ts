/**
 * Compose files merged as `docker compose -f a -f b` merges them (compose-spec "Merge and
 * override"), interpolated from the project's .env, with anchors, extends and profiles; then
 * translated into the Docker target's resource shapes with a source map to file:line.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadCompose } from "../../../../policies/command/app-deployment/compose";
import { composeResources } from "../../../../policies/command/app-deployment/compose-resources";
import { interpolate } from "../../../../policies/command/app-deployment/interpolation";
import { entry, text, texts, ComposeFileError } from "../../../../policies/command/app-deployment/yaml-tree";
import type { Registration } from "../../../../policies/command/offline/registration";
import {
  COMPOSE_DEFAULTED_ENV_LABEL,
  COMPOSE_REPLICAS_LABEL,
  UNSEEN_ENV_LABEL,
  UNKNOWN,
} from "../../../../policies/protocol";

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-compose-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(files: Record<string, string>): string[] {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
    fs.writeFileSync(path.join(tmp, file), content);
  }
  return Object.keys(files)
    .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
    .map((f) => path.join(tmp, f));
}

describe("interpolation", () => {
  const vars = { SET: "value", EMPTY: "" };
  it.each([
    ["${SET}", "value"],
    ["$SET/x", "value/x"],
    ["${MISSING:-fallback}", "fallback"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${EMPTY-fallback}", ""],
    ["${SET:+alt}", "alt"],
    ["${MISSING:+alt}", ""],
    ["$$SET", "$SET"],
    ["${MISSING:-${SET}}", "value"],
  ])("%s -> %s", (input, expected) => {
    expect(interpolate(input, vars).value).toBe(expected);
  });

  it("leaves a variable the files do not set unknown, and records required and defaulted ones", () => {
    expect(interpolate("${DB:?DB is required}", vars)).toMatchObject({
      value: UNKNOWN,
      required: ["DB"],
    });
    expect(interpolate("x-${TAG}", vars).value).toBe(`x-${UNKNOWN}`);
    expect(interpolate("${URL:-postgres://db}", vars).defaulted).toEqual(["URL"]);
  });
});

describe("merging files", () => {
  it("merges mappings, replaces command and healthcheck.test, merges ports and volumes by their keys", () => {
    const files = write({
      "compose.yaml": `services:
  web:
    image: app:1
    command: [python, manage.py, runserver]
    environment: [A=1, B=2]
    ports: ['8000:8000']
    volumes: [data:/data, ./src:/app]
    healthcheck: {test: [CMD, old], interval: 10s}
    dns: [1.1.1.1]`,
      "compose.prod.yaml": `services:
  web:
    command: gunicorn app.wsgi
    environment: {B: '3', C: '4'}
    ports: ['8000:8000', '9000:9000']
    volumes: [other:/data]
    healthcheck: {test: [CMD, new]}
    dns: [8.8.8.8]`,
    });
    const web = loadCompose(files).services.get("web");
    expect(texts(entry(web, "command"))).toEqual(["gunicorn app.wsgi"]);
    const env = entry(web, "environment");
    expect(["A", "B", "C"].map((k) => text(entry(env, k)))).toEqual(["1", "3", "4"]);
    expect(texts(entry(web, "ports"))).toEqual(["8000:8000", "9000:9000"]);
    expect(texts(entry(web, "volumes"))).toEqual(["other:/data", "./src:/app"]);
    expect(texts(entry(entry(web, "healthcheck"), "test"))).toEqual(["CMD", "new"]);
    expect(text(entry(entry(web, "healthcheck"), "interval"))).toBe("10s");
    expect(texts(entry(web, "dns"))).toEqual(["1.1.1.1", "8.8.8.8"]);
    // Every value keeps the line that set it, in the file that set it.
    expect(entry(env, "A")?.loc).toEqual({ file: files[0], line: 5 });
    expect(entry(env, "C")?.loc).toEqual({ file: files[1], line: 4 });
  });

  it("removes a value tagged !reset and replaces one tagged !override", () => {
    const files = write({
      "a.yml": "services:\n  web:\n    image: x\n    ports: ['80:80']\n    environment: {A: '1', B: '2'}\n",
      "b.yml": "services:\n  web:\n    ports: !reset []\n    environment: !override {C: '3'}\n",
    });
    const web = loadCompose(files).services.get("web");
    expect(entry(web, "ports")).toBeUndefined();
    expect([...(entry(web, "environment") as { entries: Map<string, unknown> }).entries.keys()]).toEqual([
      "C",
    ]);
  });

  it("resolves anchors and merge keys, extends (same file and another), and leaves out inactive profiles", () => {
    const files = write({
      "base.yml": "services:\n  common:\n    image: base:1\n    restart: always\n",
      "compose.yml": `x-env: &env
  DJANGO_SETTINGS_MODULE: app.settings.production
services:
  web:
    extends: {file: base.yml, service: common}
    environment:
      <<: *env
      DEBUG: 'False'
  worker:
    extends: web
    command: celery worker
  docs:
    image: nginx
    profiles: [docs]`,
    });
    const project = loadCompose([files[1]]);
    const web = project.services.get("web");
    expect(text(entry(web, "image"))).toBe("base:1");
    expect(text(entry(entry(web, "environment"), "DJANGO_SETTINGS_MODULE"))).toBe("app.settings.production");
    expect(entry(entry(web, "environment"), "DJANGO_SETTINGS_MODULE")?.loc.line).toBe(2);
    expect(text(entry(project.services.get("worker"), "restart"))).toBe("always");
    expect(project.inactive).toEqual(["docs"]);
    expect(loadCompose([files[1]], { profiles: ["docs"] }).services.has("docs")).toBe(true);
  });

  it("interpolates from .env and merges env_file values under environment", () => {
    const files = write({
      ".env": "TAG=2.1\nCOMPOSE_PROFILES=\n",
      "prod.env": "SECRET_KEY=from-file\nDEBUG=True\n",
      "compose.yml":
        "services:\n  web:\n    image: app:${TAG}\n    env_file: prod.env\n    environment:\n      DEBUG: 'False'\n",
    });
    const web = loadCompose(files).services.get("web");
    expect(text(entry(web, "image"))).toBe("app:2.1");
    const env = entry(web, "environment");
    expect(text(entry(env, "DEBUG"))).toBe("False");
    expect(entry(env, "SECRET_KEY")?.loc).toEqual({ file: path.join(tmp, "prod.env"), line: 1 });
  });

  it("notes an env_file that is not in the repository instead of failing", () => {
    const files = write({
      "compose.yml": "services:\n  web:\n    image: x\n    env_file: [.env.production]\n",
    });
    const project = loadCompose(files);
    expect(project.notes[0]).toMatch(
      /env_file \.env\.production \(compose\.yml:4\) is not in the repository/,
    );
    // Any variable may come from it: the translated container says its env is not all seen.
    const web = composeResources(project).run.registrations.find((r) => r.name === "web");
    expect(web?.inputs.labels).toContainEqual({
      label: UNSEEN_ENV_LABEL,
      value: "an env_file that is not in the repository",
    });
  });

  it("rejects a file that does not parse, naming file:line", () => {
    const files = write({ "compose.yml": "services:\n  web:\n    image: [unclosed\n" });
    expect(() => loadCompose(files)).toThrow(ComposeFileError);
    expect(() => loadCompose(files)).toThrow(/compose\.yml:\d+:/);
  });

  it("rejects an extends of a service that does not exist", () => {
    const files = write({ "compose.yml": "services:\n  web:\n    extends: nowhere\n" });
    expect(() => loadCompose(files)).toThrow(/compose\.yml:3: extends names service "nowhere"/);
  });
});

describe("the Docker target's resources", () => {
  function resources(compose: string): Registration[] {
    const files = write({ "compose.yml": compose });
    return composeResources(loadCompose(files)).run.registrations;
  }
  const byName = (regs: Registration[], name: string, type = "container") =>
    regs.find((r) => r.name === name && r.type.includes(type)) as Registration;

  it("turns a service into a Container and its build into an Image, wired by the image property", () => {
    const regs = resources(
      [
        "services:",
        "  web:",
        "    build: {context: ., dockerfile: docker/Dockerfile, target: production, args: {VERSION: '1'}}",
        "    command: gunicorn app.wsgi --bind 0.0.0.0:8000",
        "    environment: {DATABASE_URL: '${DATABASE_URL:-postgres://u:p@db/app}'}",
        "    ports: ['127.0.0.1:8000:8000']",
        "    user: '1000'",
        "    read_only: true",
        "    cap_drop: [ALL]",
        "    security_opt: ['no-new-privileges:true']",
        "    tmpfs: [/tmp]",
        "    stop_grace_period: 1m30s",
        "    deploy: {replicas: 3, resources: {limits: {cpus: '0.5', memory: 512M}}}",
        "    logging: {driver: json-file, options: {max-size: 10m}}",
        "    depends_on: {migrate: {condition: service_completed_successfully}, db: {condition: service_healthy}}",
        "  migrate:",
        "    build: .",
        "    command: [python, manage.py, migrate]",
        "  db:",
        "    image: postgres:16",
        "    volumes: [pg:/var/lib/postgresql/data]",
        "    networks: [back]",
        "networks:",
        "  back: {internal: true}",
        "volumes:",
        "  pg: {}",
      ].join("\n"),
    );
    const web = byName(regs, "web");
    const image = byName(regs, "web", "image");
    expect(image.inputs.build).toEqual({
      context: tmp,
      dockerfile: "docker/Dockerfile",
      target: "production",
      args: { VERSION: "1" },
    });
    expect(web.propertyDependencies.image).toEqual([image.urn]);
    expect(web.inputs).toMatchObject({
      command: ["gunicorn", "app.wsgi", "--bind", "0.0.0.0:8000"],
      envs: ["DATABASE_URL=postgres://u:p@db/app"],
      ports: [{ internal: 8000, external: 8000, ip: "127.0.0.1", protocol: "tcp" }],
      user: "1000",
      readOnly: true,
      capabilities: { drops: ["ALL"] },
      securityOpts: ["no-new-privileges:true"],
      tmpfs: { "/tmp": "" },
      stopTimeout: 90,
      destroyGraceSeconds: 90,
      memory: 512,
      cpus: "0.5",
      logDriver: "json-file",
      logOpts: { "max-size": "10m" },
      restart: "no",
    });
    expect(web.inputs.labels).toEqual(
      expect.arrayContaining([
        { label: COMPOSE_DEFAULTED_ENV_LABEL, value: "DATABASE_URL" },
        { label: COMPOSE_REPLICAS_LABEL, value: "3" },
      ]),
    );
    // The migration job must succeed before web starts: a one-shot gated on its exit, as the target's release.
    expect(byName(regs, "migrate").inputs).toMatchObject({
      attach: true,
      mustRun: false,
      rm: false,
      logs: true,
    });
    expect(web.dependencies).toEqual(
      expect.arrayContaining([byName(regs, "migrate").urn, byName(regs, "db").urn]),
    );
    const db = byName(regs, "db");
    expect(db.inputs).toMatchObject({
      wait: true,
      networksAdvanced: [{ name: `${path.basename(tmp).toLowerCase()}_back`, aliases: ["db"] }],
    });
    expect(byName(regs, "back", "network").inputs.internal).toBe(true);
    expect(byName(regs, "pg", "volume").options.protect).toBe(true);
    // The engine sees each resource after what it depends on.
    const order = regs.map((r) => r.urn);
    expect(order.indexOf(byName(regs, "migrate").urn)).toBeLessThan(order.indexOf(web.urn));
  });

  it("maps each (resource, property) to the compose line that set it", () => {
    const files = write({
      "compose.yml":
        "services:\n  web:\n    image: app:1\n    environment:\n      DEBUG: 'True'\n    ports:\n      - '8000:8000'\n",
    });
    const { sourceMap, containers } = composeResources(loadCompose(files));
    const map = sourceMap.get(containers.get("web") as string);
    expect(map?.get("")).toEqual({ file: files[0], line: 2 });
    expect(map?.get("envs.DEBUG")).toEqual({ file: files[0], line: 5 });
    expect(map?.get("ports[0]")).toEqual({ file: files[0], line: 7 });
  });
});
