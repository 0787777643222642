/**
 * PaaS files and what they run: the start command, the release command (the platform runs it once
 * per deploy, before the new version serves: it counts as the release), the Dockerfile it builds
 * and its health check path. Railway (railway.json/toml), Heroku (Procfile, heroku.yml, app.json),
 * Fly.io (fly.toml) and Render (render.yaml).
 */
import * as path from "path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { lineOf, readText } from "./repository-files";

export type Platform = "railway" | "heroku" | "fly" | "render";

export interface PlatformCommand {
  command: string;
  /** Relative to the repository root. */
  file: string;
  line: number;
}

export interface PlatformFile {
  platform: Platform;
  file: string;
  start?: PlatformCommand;
  release?: PlatformCommand;
  /** Dockerfile the platform builds (relative to the repository root). */
  dockerfile?: string;
  healthPath?: string;
  /** The restart policy it sets, in Docker's words (`no`, `on-failure`, `always`). */
  restart?: string;
  /** Why the file could not be read (a parse error): the platform would reject it too. */
  error?: string;
}

const NAMES: Record<string, Platform> = {
  "railway.json": "railway",
  "railway.toml": "railway",
  Procfile: "heroku",
  "heroku.yml": "heroku",
  "app.json": "heroku",
  "fly.toml": "fly",
  "render.yaml": "render",
};

export function isPlatformFile(file: string): boolean {
  return NAMES[path.posix.basename(file)] !== undefined;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function commandText(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(" ");
  return undefined;
}

export function readPlatformFile(root: string, file: string): PlatformFile | undefined {
  const platform = NAMES[path.posix.basename(file)];
  const content = readText(root, file);
  if (platform === undefined || content === undefined) return undefined;
  const dir = path.posix.dirname(file) === "." ? "" : path.posix.dirname(file);
  const located = (command: string | undefined, key: RegExp): PlatformCommand | undefined =>
    command === undefined ? undefined : { command, file, line: lineOf(content, key) ?? 1 };
  const inDir = (p: string | undefined) => (p === undefined ? undefined : path.posix.join(dir, p));
  const result: PlatformFile = { platform, file };
  try {
    switch (path.posix.basename(file)) {
      case "railway.json":
      case "railway.toml": {
        const doc = file.endsWith(".json") ? obj(JSON.parse(content)) : obj(parseToml(content));
        const deploy = obj(doc.deploy);
        const build = obj(doc.build);
        result.start = located(commandText(deploy.startCommand), /startCommand/);
        result.release = located(commandText(deploy.preDeployCommand), /preDeployCommand/);
        result.dockerfile = inDir(commandText(build.dockerfilePath));
        result.healthPath = commandText(deploy.healthcheckPath);
        const policy = commandText(deploy.restartPolicyType);
        if (policy !== undefined) result.restart = { NEVER: "no", ALWAYS: "always" }[policy] ?? "on-failure";
        break;
      }
      case "Procfile":
        for (const [index, line] of content.split("\n").entries()) {
          const match = /^([\w-]+):\s*(.+)$/.exec(line.trim());
          if (!match) continue;
          const command = { command: match[2].trim(), file, line: index + 1 };
          if (match[1] === "web") result.start = command;
          if (match[1] === "release") result.release = command;
        }
        break;
      case "heroku.yml": {
        const doc = obj(parseYaml(content));
        result.dockerfile = inDir(commandText(obj(obj(doc.build).docker).web));
        result.start = located(commandText(obj(doc.run).web), /^\s+web:/);
        result.release = located(commandText(obj(doc.release).command), /^release:/);
        break;
      }
      case "app.json": {
        // app.json's scripts run once after the first deploy (review apps), not per release.
        obj(JSON.parse(content));
        break;
      }
      case "fly.toml": {
        const doc = obj(parseToml(content));
        result.release = located(commandText(obj(doc.deploy).release_command), /release_command/);
        const processes = obj(doc.processes);
        result.start = located(commandText(processes.app ?? processes.web), /^\s*(app|web)\s*=/);
        result.dockerfile = inDir(commandText(obj(doc.build).dockerfile));
        const checks = obj(doc.http_service).checks;
        const first = Array.isArray(checks) ? obj(checks[0]) : {};
        result.healthPath = commandText(first.path);
        break;
      }
      case "render.yaml": {
        const doc = obj(parseYaml(content));
        const services = Array.isArray(doc.services) ? doc.services.map(obj) : [];
        const web = services.find((s) => s.type === "web") ?? services[0] ?? {};
        result.start = located(
          commandText(web.startCommand ?? web.dockerCommand),
          /(startCommand|dockerCommand):/,
        );
        result.release = located(commandText(web.preDeployCommand), /preDeployCommand:/);
        result.dockerfile = inDir(commandText(web.dockerfilePath));
        result.healthPath = commandText(web.healthCheckPath);
        break;
      }
    }
  } catch (e) {
    result.error = `${file}: ${(e as Error).message.split("\n")[0]}`;
  }
  return result;
}
