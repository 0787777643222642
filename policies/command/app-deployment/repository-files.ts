/**
 * The files of a repository that say how it is deployed, found from its root: Dockerfiles, compose
 * files, platform files, manage.py and requirements, outside vendored and generated folders.
 */
import * as fs from "fs";
import * as path from "path";

/** Folders that hold other projects' code or build output, never the app's own deployment. */
const SKIPPED = new Set([
  "node_modules",
  ".git",
  ".hg",
  "venv",
  ".venv",
  "env",
  ".env",
  "virtualenv",
  "site-packages",
  "dist-packages",
  "dist",
  "build",
  "__pycache__",
  ".tox",
  ".nox",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  ".cache",
  "htmlcov",
  "staticfiles",
  "bower_components",
  "vendor",
  ".idea",
  ".vscode",
]);
const MAX_DEPTH = 6;
const MAX_FILES = 50_000;

/** Whether a folder is vendored or generated (skipped by discovery). */
export function skippedFolder(name: string): boolean {
  return SKIPPED.has(name) || name.endsWith(".egg-info") || /^\.?venv/.test(name);
}

/** Every file under `root` (relative, forward slashes), shallowest first, then by name. */
export function repositoryFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, relative: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.length >= MAX_FILES) return;
      const rel = relative === "" ? e.name : `${relative}/${e.name}`;
      if (e.isFile()) found.push(rel);
      else if (e.isDirectory() && depth < MAX_DEPTH && !skippedFolder(e.name)) {
        walk(path.join(dir, e.name), rel, depth + 1);
      }
    }
  };
  walk(root, "", 0);
  return found.sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
}

/** `Dockerfile`, `Dockerfile.prod`, `prod.Dockerfile`, `Containerfile`. */
export function isDockerfile(file: string): boolean {
  const name = path.posix.basename(file);
  return (
    /^(Dockerfile|Containerfile)(\.[\w.-]+)?$/.test(name) ||
    /\.(Dockerfile|dockerfile|Containerfile)$/.test(name)
  );
}

/** `compose.yaml`, `docker-compose.yml`, `docker-compose.prod.yml`, `compose.override.yaml`... */
export function isComposeFile(file: string): boolean {
  return /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/.test(path.posix.basename(file));
}

export function readText(root: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(root, file), "utf8");
  } catch {
    return undefined;
  }
}

/** 1-based line of the first line matching `pattern`, else undefined. */
export function lineOf(text: string, pattern: RegExp): number | undefined {
  const index = text.split("\n").findIndex((l) => pattern.test(l));
  return index < 0 ? undefined : index + 1;
}
