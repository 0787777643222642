/**
 * Project files around the Dockerfile: manage.py / wsgi.py (the app's settings and WSGI modules),
 * railway.json watch patterns, and seed management commands (idempotent or silently guarded).
 */
import * as path from "path";
import type { ContextFiles } from "./context-files";
import type {
  DjangoProjectFacts,
  RailwayFacts,
  SeedCommandFacts,
  SettingsCandidates,
  SourceLocation,
} from "./facts";
import { computedSettingsModules, defaultSettingsModule, moduleOfFile } from "./settings";

const SEED_NAME = /^(seed|load|populate|init|bootstrap|create_|setup_|import_)/;

function ignoredPath(file: string): boolean {
  return file
    .split("/")
    .some(
      (segment) =>
        segment === "node_modules" ||
        segment === ".git" ||
        /venv$/.test(segment) ||
        segment === "site-packages",
    );
}

export function readDjangoProject(files: ContextFiles): DjangoProjectFacts {
  const pythonFiles = files.list().filter((file) => file.endsWith(".py") && !ignoredPath(file));
  const managePy = pythonFiles
    .filter((file) => path.posix.basename(file) === "manage.py")
    .map((file) => {
      const text = files.read(file) ?? "";
      const found = defaultSettingsModule(text);
      return {
        file,
        defaultSettings: found?.module ?? null,
        location: found ? { file, line: found.line } : null,
        ...candidatesIn(file, text),
      };
    });
  const sourceRoots = managePy
    .map((entry) => path.posix.dirname(entry.file))
    .map((dir) => (dir === "." ? "" : dir));
  if (sourceRoots.length === 0) sourceRoots.push("");
  const wsgi = pythonFiles
    .filter((file) => path.posix.basename(file) === "wsgi.py")
    .map((file) => {
      const text = files.read(file) ?? "";
      const found = defaultSettingsModule(text);
      const root = sourceRoots.find((r) => r === "" || file.startsWith(`${r}/`)) ?? "";
      return {
        file,
        module: moduleOfFile(file, root),
        definesApplication: /\bapplication\s*=/.test(text),
        defaultSettings: found?.module ?? null,
        location: found ? { file, line: found.line } : null,
        ...candidatesIn(file, text),
      };
    });
  return { managePy, wsgi, sourceRoots: [...new Set(sourceRoots)] };
}

function candidatesIn(file: string, text: string): { settingsCandidates?: SettingsCandidates } {
  const computed = computedSettingsModules(text);
  return computed === null
    ? {}
    : { settingsCandidates: { modules: computed.modules, location: { file, line: computed.line } } };
}

export function readRailway(text: string, file: string): RailwayFacts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      file,
      watchPatterns: null,
      location: null,
      startCommand: null,
      parseError: (error as Error).message,
    };
  }
  const build = (parsed as { build?: { watchPatterns?: unknown } } | null)?.build;
  const deploy = (parsed as { deploy?: { startCommand?: unknown } } | null)?.deploy;
  const patterns = Array.isArray(build?.watchPatterns)
    ? build.watchPatterns.filter((p): p is string => typeof p === "string")
    : null;
  const lineIndex = text.split("\n").findIndex((line) => line.includes('"watchPatterns"'));
  return {
    file,
    watchPatterns: patterns,
    location: lineIndex >= 0 ? { file, line: lineIndex + 1 } : null,
    startCommand: typeof deploy?.startCommand === "string" ? deploy.startCommand : null,
    parseError: null,
  };
}

/** Seed-like management commands (`management/commands/seed_*.py`, `load*`, ...) and how they create rows. */
export function readSeedCommands(files: ContextFiles): SeedCommandFacts[] {
  return files
    .list()
    .filter((file) => /(^|\/)management\/commands\/[^/]+\.py$/.test(file) && !ignoredPath(file))
    .filter((file) => SEED_NAME.test(path.posix.basename(file, ".py")) || /(^|\/)seeds?\//.test(file))
    .slice(0, 200)
    .map((file) => readSeedCommand(files.read(file) ?? "", file));
}

const indentOf = (line: string): number => /^\s*/.exec(line)?.[0].length ?? 0;

/**
 * The headers of the blocks enclosing `index` (Python's indentation), innermost first. Read by hand:
 * the reader keeps seed commands line-based, and only their control flow around a create matters.
 */
function enclosingHeaders(lines: readonly string[], index: number): string[] {
  const headers: string[] = [];
  let indent = indentOf(lines[index] ?? "");
  for (let i = index - 1; i >= 0 && indent > 0; i--) {
    const line = lines[i] ?? "";
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (indentOf(line) < indent) {
      headers.push(line.trim());
      indent = indentOf(line);
    }
  }
  return headers;
}

/**
 * A create behind a check that the row is absent runs once: `if not existing:`, `if created:`,
 * `if not X.objects.filter(...).exists():`, `if obj is None:`, or the `except X.DoesNotExist:` of a get.
 */
export function guardedByExistence(lines: readonly string[], index: number): boolean {
  return enclosingHeaders(lines, index).some(
    (header) =>
      /^(if|elif)\s+not\b.*(\.exists\(\)|\.first\(\)|\.count\(\)|\bexist\w*|\bfound\b|\b(obj|instance|record|row|item)\b)/.test(
        header,
      ) ||
      /^(if|elif)\s+.*\bcreated\b.*:/.test(header) ||
      /^(if|elif)\s+.*\bis\s+None\s*:/.test(header) ||
      /^(if|elif)\s+.*\bnot\s+in\b.*:/.test(header) ||
      /^except\b.*DoesNotExist/.test(header),
  );
}

/** `bulk_create(..., ignore_conflicts=True)` / `update_conflicts=True`: a unique constraint keeps it idempotent. */
function conflictSafe(lines: readonly string[], index: number): boolean {
  const statement = lines.slice(index, index + 6).join("\n");
  return /bulk_create\(/.test(lines[index] ?? "") && /(ignore|update)_conflicts\s*=\s*True/.test(statement);
}

export function readSeedCommand(text: string, file: string): SeedCommandFacts {
  const lines = text.split("\n");
  const silentGuards: SourceLocation[] = [];
  const plainCreates: SourceLocation[] = [];
  lines.forEach((line, index) => {
    const at = { file, line: index + 1 };
    const guard =
      /^\s*if\b.*\.(exists|count)\(\)/.test(line) && !/\bnot\b/.test(line.split(".objects")[0] ?? "");
    if (guard) {
      const body = [line, lines[index + 1] ?? "", lines[index + 2] ?? ""].join("\n");
      const returns =
        /:\s*return\b|^\s*return\b/m.test(body.split("\n").slice(0, 2).join("\n")) ||
        /^\s*return\s*(None)?\s*$/m.test(lines[index + 1] ?? "");
      const warns = /self\.stdout\.write|self\.stderr\.write|logger\.|logging\.|print\(|warnings\.warn/.test(
        body,
      );
      if (returns && !warns) silentGuards.push(at);
    }
    if (
      /\.(create|bulk_create)\(/.test(line) &&
      !/(get_or_create|update_or_create)\(/.test(line) &&
      !conflictSafe(lines, index) &&
      !guardedByExistence(lines, index)
    )
      plainCreates.push(at);
  });
  return {
    command: path.posix.basename(file, ".py"),
    file,
    usesGetOrCreate: /\.get_or_create\(/.test(text),
    usesUpdateOrCreate: /\.update_or_create\(/.test(text),
    silentGuards,
    plainCreates,
  };
}
