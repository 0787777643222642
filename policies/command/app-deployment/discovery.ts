/**
 * What a repository deploys, found from its root the way a reviewer finds it (REVIEWING.md,
 * "Which deployment"): the compose files a production run merges and in which order, the
 * Dockerfile and the stage it builds, the platform files and their release command, and for a
 * Django app where manage.py is, the settings package, the settings module production uses (and
 * what set it), and the build-only settings module.
 */
import * as path from "path";
import { parse as parseDotenv } from "dotenv";
import { finalStage, readDockerfile } from "../../pack/inspect/dockerfile";
import { computedSettingsModules, defaultSettingsModule } from "../../pack/inspect/settings";
import { loadCompose, type ComposeProject } from "./compose";
import { ComposeFileError, entry, text, texts, type MapNode } from "./yaml-tree";
import { isPlatformFile, readPlatformFile, type PlatformFile } from "./platform-files";
import { isComposeFile, isDockerfile, readText, repositoryFiles } from "./repository-files";

export interface FoundDockerfile {
  /** Relative to the repository root. */
  file: string;
  /** Stage names (`AS <name>`), or `#<index>` for unnamed stages, in order. */
  stages: string[];
  /** The stage a deployment builds: the compose `target`, else the last stage. */
  builtStage: string | null;
  /** Build context (relative; `` is the root): compose's `context`, else the Dockerfile's folder. */
  context: string;
  /** Which deployment builds it (`compose service web`, `railway.json`), when one does. */
  builtBy?: string;
}

export interface SettingsChoice {
  module: string;
  /** Where production gets it: `docker-compose.yml:12 (environment)`, `manage.py:9 (setdefault)`. */
  source: string;
  /** Other modules it can be, when a function computes it. */
  candidates: string[];
}

export interface DjangoProject {
  /** manage.py (relative). */
  managePy: string;
  /** Folder Python imports resolve from (`` or `src`). */
  sourceRoot: string;
  /** Dotted settings package or module (`config.settings`). */
  settingsPackage: string | null;
  settings: SettingsChoice | null;
  /** Modules used only by build-time commands (`collectstatic --settings=...`), with where. */
  buildOnly: { module: string; source: string }[];
}

export interface Discovery {
  root: string;
  /** Compose files a production run merges, in order (relative), and why these. */
  compose: { files: string[]; reason: string } | null;
  composeProject: ComposeProject | null;
  dockerfiles: FoundDockerfile[];
  /** The Dockerfile the app's deployment builds. */
  dockerfile: FoundDockerfile | null;
  platforms: PlatformFile[];
  django: DjangoProject | null;
  /** Set when the repository is not a Django app: one line saying why Django items do not apply. */
  notDjango: string | null;
  /** Things a reader of the report needs to know about the files found. */
  notes: string[];
}

export interface DiscoveryOptions {
  /** Compose files named with --compose (relative to the cwd or absolute), in order. */
  compose?: string[];
}

const BASE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
const PRODUCTION = /[.-_](prod|production)([.-_]|\.ya?ml$)/i;
const WEB_SERVICE_NAMES = ["web", "app", "django", "backend", "api", "server"];

export function discover(root: string, options: DiscoveryOptions = {}): Discovery {
  const files = repositoryFiles(root);
  const notes: string[] = [];
  const compose = options.compose?.length
    ? {
        files: options.compose.map((f) => path.relative(root, path.resolve(f)).split(path.sep).join("/")),
        reason: "named with --compose",
      }
    : composeSet(root, files);
  let composeProject: ComposeProject | null = null;
  if (compose !== null) {
    composeProject = loadCompose(compose.files.map((f) => path.join(root, f)));
    notes.push(...composeProject.notes);
    if (composeProject.inactive.length > 0) {
      notes.push(`services left out by their profiles: ${composeProject.inactive.join(", ")}`);
    }
  }
  const platforms = files
    .filter((f) => isPlatformFile(f) && f.split("/").length <= 2)
    .map((f) => readPlatformFile(root, f))
    .filter((p): p is PlatformFile => p !== undefined);
  const dockerfiles = files.filter(isDockerfile).map((f) => foundDockerfile(root, f));
  const dockerfile = builtDockerfile(root, dockerfiles, composeProject, platforms);
  const django = djangoProject(root, files, composeProject, dockerfile, platforms);
  return {
    root,
    compose,
    composeProject,
    dockerfiles,
    dockerfile,
    platforms,
    django,
    notDjango: django === null ? notDjangoReason(root, files) : null,
    notes,
  };
}

/** The compose files `docker compose` merges for production, or null when there are none. */
export function composeSet(
  root: string,
  files: readonly string[],
): { files: string[]; reason: string } | null {
  const candidates = files.filter(isComposeFile);
  if (candidates.length === 0) return null;
  const dotenv = parseDotenv(readText(root, ".env") ?? "");
  if (dotenv.COMPOSE_FILE !== undefined) {
    const separator = dotenv.COMPOSE_PATH_SEPARATOR ?? ":";
    return { files: dotenv.COMPOSE_FILE.split(separator).filter(Boolean), reason: "COMPOSE_FILE in .env" };
  }
  // The shallowest folder that holds compose files is the project's (the root, else deploy/...).
  const depth = Math.min(...candidates.map((f) => f.split("/").length));
  const dir = path.posix.dirname(candidates.find((f) => f.split("/").length === depth) as string);
  const here = candidates.filter((f) => path.posix.dirname(f) === dir);
  const name = (f: string) => path.posix.basename(f);
  const base = BASE_NAMES.map((b) => here.find((f) => name(f) === b)).find((f) => f !== undefined);
  const production = here.filter((f) => f !== base && PRODUCTION.test(name(f)));
  if (base !== undefined && production.length > 0) {
    return {
      files: [base, production[0]],
      reason: `the base file and its production override, as \`docker compose -f ${name(base)} -f ${name(production[0])}\` merges them`,
    };
  }
  if (base !== undefined) {
    const stem = name(base).replace(/\.ya?ml$/, "");
    const override = here.find((f) => new RegExp(`^${stem}\\.override\\.ya?ml$`).test(name(f)));
    return override === undefined
      ? { files: [base], reason: "the file `docker compose` reads by default" }
      : {
          files: [base, override],
          reason: "the base file and its override, which `docker compose` merges by default",
        };
  }
  if (production.length > 0) return { files: [production[0]], reason: "the production compose file" };
  return { files: [here[0]], reason: "the only compose file" };
}

function foundDockerfile(root: string, file: string): FoundDockerfile {
  const facts = readDockerfile(readText(root, file) ?? "", file);
  const stages = facts.stages.map((s) => s.alias ?? `#${s.index}`);
  const dir = path.posix.dirname(file);
  return { file, stages, builtStage: stages[stages.length - 1] ?? null, context: dir === "." ? "" : dir };
}

/** The web service of a compose project: the one that builds the app, named like one, else the first. */
export function webService(project: ComposeProject): [string, MapNode] | undefined {
  const services = [...project.services];
  const serving = (s: MapNode) =>
    /gunicorn|uvicorn|daphne|runserver|waitress|hypercorn/.test(texts(entry(s, "command")).join(" "));
  return (
    services.find(([, s]) => serving(s)) ??
    services.find(([n, s]) => WEB_SERVICE_NAMES.includes(n) && entry(s, "build") !== undefined) ??
    services.find(([, s]) => entry(s, "build") !== undefined) ??
    services.find(([n]) => WEB_SERVICE_NAMES.includes(n))
  );
}

function builtDockerfile(
  root: string,
  dockerfiles: FoundDockerfile[],
  project: ComposeProject | null,
  platforms: PlatformFile[],
): FoundDockerfile | null {
  const web = project === null ? undefined : webService(project);
  const build = web === undefined ? undefined : entry(web[1], "build");
  if (project !== null && web !== undefined && build !== undefined) {
    const context = path.relative(
      root,
      path.resolve(project.projectDir, text(entry(build, "context")) ?? "."),
    );
    const rel = context.split(path.sep).join("/");
    const file = path.posix.join(rel, text(entry(build, "dockerfile")) ?? "Dockerfile");
    const found = dockerfiles.find((d) => d.file === file) ?? foundDockerfile(root, file);
    const target = text(entry(build, "target"));
    return {
      ...found,
      context: rel === "." ? "" : rel,
      builtStage: target ?? found.builtStage,
      builtBy: `compose service ${web[0]}`,
    };
  }
  for (const platform of platforms) {
    const found = dockerfiles.find((d) => d.file === platform.dockerfile);
    if (found) return { ...found, builtBy: platform.file };
  }
  // No deployment names one: the root Dockerfile, else the shallowest that is not for development.
  const dev = /(dev|test|local|ci)\b/i;
  return (
    dockerfiles.find((d) => d.file === "Dockerfile" || d.file === "Containerfile") ??
    dockerfiles.find((d) => !dev.test(path.posix.basename(d.file))) ??
    dockerfiles[0] ??
    null
  );
}

const MODULE = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/;

function djangoProject(
  root: string,
  files: readonly string[],
  project: ComposeProject | null,
  dockerfile: FoundDockerfile | null,
  platforms: PlatformFile[],
): DjangoProject | null {
  const managePy = files.find((f) => path.posix.basename(f) === "manage.py" && !/(^|\/)tests?\//.test(f));
  if (managePy === undefined) return null;
  const dir = path.posix.dirname(managePy);
  const sourceRoot = dir === "." ? "" : dir;
  const settingsFile = files.find(
    (f) =>
      f.startsWith(sourceRoot) &&
      /\/settings(\.py|\/__init__\.py)$/.test(f) &&
      f.split("/").length - sourceRoot.split("/").length <= 3,
  );
  const settingsPackage =
    settingsFile === undefined
      ? null
      : (sourceRoot === "" ? settingsFile : settingsFile.slice(sourceRoot.length + 1))
          .replace(/(\/__init__)?\.py$/, "")
          .split("/")
          .join(".");
  const buildOnly: { module: string; source: string }[] = [];
  const found: SettingsChoice[] = [];
  const ranked = (choice: SettingsChoice | undefined) => {
    if (choice !== undefined) found.push(choice);
  };
  ranked(composeSettings(root, project));
  if (dockerfile !== null) {
    const content = readText(root, dockerfile.file) ?? "";
    const facts = readDockerfile(
      content,
      dockerfile.file,
      dockerfile.builtStage?.startsWith("#") ? undefined : (dockerfile.builtStage ?? undefined),
    );
    const stage = finalStage(facts);
    const env = stage?.env.filter((e) => e.name === "DJANGO_SETTINGS_MODULE").pop();
    if (env !== undefined)
      ranked({
        module: env.resolved,
        source: `${dockerfile.file}:${env.location.line} (ENV)`,
        candidates: [],
      });
    for (const ref of facts.buildSettingsReferences) {
      if (!buildOnly.some((b) => b.module === ref.module)) {
        buildOnly.push({ module: ref.module, source: `${dockerfile.file}:${ref.location.line}` });
      }
    }
    // The start script: `--settings=` or an export of DJANGO_SETTINGS_MODULE.
    for (const script of files.filter((f) =>
      /(^|\/)(docker-)?entrypoint[\w.-]*\.sh$|(^|\/)start[\w.-]*\.sh$/.test(f),
    )) {
      ranked(scriptSettings(root, script));
    }
  }
  for (const platform of platforms) {
    for (const command of [platform.start, platform.release]) {
      const match = command === undefined ? null : /--settings[= ]([\w.]+)/.exec(command.command);
      if (match && command)
        ranked({ module: match[1], source: `${command.file}:${command.line} (--settings)`, candidates: [] });
    }
  }
  for (const file of [managePy, ...files.filter((f) => /(^|\/)(wsgi|asgi)\.py$/.test(f))]) {
    ranked(setdefaultSettings(root, file));
  }
  // Build-only modules are not what production runs (a module the start also uses is not build-only).
  const runtime = found.find((c) => !buildOnly.some((b) => b.module === c.module)) ?? found[0] ?? null;
  return {
    managePy,
    sourceRoot,
    settingsPackage,
    settings: runtime,
    buildOnly: buildOnly.filter(
      (b) => !found.some((c) => c.module === b.module && !c.source.includes("setdefault")),
    ),
  };
}

function composeSettings(root: string, project: ComposeProject | null): SettingsChoice | undefined {
  if (project === null) return undefined;
  const web = webService(project);
  const value = web === undefined ? undefined : entry(entry(web[1], "environment"), "DJANGO_SETTINGS_MODULE");
  const module = text(value);
  if (value === undefined || module === undefined || !MODULE.test(module)) return undefined;
  const where = path.relative(root, value.loc.file).split(path.sep).join("/");
  const kind = /\.env|env_file|\.env\./.test(where) || !where.match(/ya?ml$/) ? "env_file" : "environment";
  return { module, source: `${where}:${value.loc.line} (${kind})`, candidates: [] };
}

function scriptSettings(root: string, file: string): SettingsChoice | undefined {
  const content = readText(root, file) ?? "";
  const lines = content.split("\n");
  for (const [i, line] of lines.entries()) {
    if (/^\s*#/.test(line)) continue;
    const match = /(?:export\s+DJANGO_SETTINGS_MODULE=|--settings[= ])["']?([\w.]+)/.exec(line);
    if (match && MODULE.test(match[1]))
      return { module: match[1], source: `${file}:${i + 1} (start script)`, candidates: [] };
  }
  return undefined;
}

/**
 * `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<module>")`; when the default is computed by a
 * function, the dotted settings modules the file names are what it can return. Read by the pack's
 * settings reader, so the command reports the module the pack judges.
 */
function setdefaultSettings(root: string, file: string): SettingsChoice | undefined {
  const content = readText(root, file) ?? "";
  const literal = defaultSettingsModule(content);
  if (literal)
    return { module: literal.module, source: `${file}:${literal.line} (setdefault)`, candidates: [] };
  const computed = computedSettingsModules(content);
  if (computed === null) return undefined;
  // Production is the candidate named for it, else the first one the function can return.
  const production = computed.modules.find((m) => /prod/.test(m)) ?? computed.modules[0];
  return {
    module: production,
    source: `${file}:${computed.line} (computed by a function)`,
    candidates: computed.modules.filter((m) => m !== production),
  };
}

function notDjangoReason(root: string, files: readonly string[]): string {
  const requirements = files
    .filter((f) => /(^|\/)(requirements[\w.-]*\.txt|pyproject\.toml|Pipfile|setup\.cfg)$/.test(f))
    .map((f) => readText(root, f) ?? "")
    .join("\n");
  const framework = /^\s*["']?flask\b/im.test(requirements)
    ? "a Flask app"
    : /^\s*["']?fastapi\b/im.test(requirements)
      ? "a FastAPI app"
      : null;
  const django = /^\s*["']?django\b/im.test(requirements);
  if (django)
    return "Django is in the requirements, but there is no manage.py, so the Django items cannot be judged";
  return `not a Django app${framework ? ` (${framework})` : ""}: no manage.py and Django is not in its requirements`;
}

/** The line the report starts with: what was judged. */
export function judgedLine(found: Discovery): string {
  const parts: string[] = [];
  if (found.dockerfile !== null) {
    const stage = found.dockerfile.builtStage;
    parts.push(
      `${found.dockerfile.file}${stage !== null && !stage.startsWith("#") ? ` (stage ${stage})` : ""}`,
    );
  }
  if (found.compose !== null) parts.push(found.compose.files.join(" + "));
  // app.json alone deploys nothing; every other platform file found is part of the deployment.
  for (const platform of found.platforms) if (!platform.file.endsWith("app.json")) parts.push(platform.file);
  if (found.django?.settings) parts.push(`settings ${found.django.settings.module}`);
  else if (found.notDjango !== null) parts.push(found.notDjango);
  return `Judged: ${parts.join("; ")}`;
}

export { ComposeFileError };
