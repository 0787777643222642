/**
 * .dockerignore -> which files `docker build` sends, judged with Docker's own matching rules
 * (@balena/dockerignore ports moby's fileutils matcher: `**`, negation, leading `/`, `*` not crossing `/`).
 */
import ignore from "@balena/dockerignore";
import { secretFileKind } from "./secret-files";
import type {
  DockerignoreFacts,
  IgnorePattern,
  SensitiveFile,
  SensitiveKind,
  ToolingFile,
  ToolingKind,
} from "./facts";

/** Patterns with their lines, as Docker reads them: `#` comments and blank lines skipped, whitespace trimmed. */
export function readIgnorePatterns(text: string, file: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const negated = line.startsWith("!");
    const pattern = (negated ? line.slice(1) : line).trim();
    if (pattern === "") return;
    patterns.push({ pattern, negated, location: { file, line: index + 1 } });
  });
  return patterns;
}

/**
 * The same pattern with runs of `**` collapsed: `**` + `/**` and `***` match what `**` matches, but
 * the library compiles each `**` to a backtracking group, so a line of many costs exponential time.
 */
export function collapseStarStars(pattern: string): string {
  return pattern.replace(/\*{3,}/g, "**").replace(/\*\*(?:\/\*\*)+/g, "**");
}

/**
 * Separate `**` runs a line may hold. Each one more multiplies the library's backtracking (`**a**a**a`
 * against a deep path); real files use one or two. A line beyond this is left out of matching.
 */
const MAX_STAR_STARS = 6;

/** A matcher for the patterns; `ignores(path)` follows Docker (last matching pattern wins). */
export function ignoreMatcher(patterns: IgnorePattern[]): (relative: string) => boolean {
  const matcher = ignore().add(
    patterns
      .map((p) => `${p.negated ? "!" : ""}${collapseStarStars(p.pattern)}`)
      .filter((line) => line.split("**").length - 1 <= MAX_STAR_STARS),
  );
  return (relative) => {
    try {
      // A directory the listing summarises as `dir/` (.git, node_modules) is left out when Docker's walker
      // would skip it: the library answers `false` for `.git/` itself even under a `.git` line.
      if (relative.endsWith("/")) {
        const dir = relative.slice(0, -1);
        return matcher.ignores(dir) || matcher.ignores(`${dir}/HEAD`);
      }
      return matcher.ignores(relative);
    } catch {
      return false;
    }
  };
}

/**
 * Facts about what the build sends. `files` is the context listing; the Dockerfile and .dockerignore are
 * always sent (the builder reads them) even when a pattern matches them.
 */
export function judgeContext(
  ignoreText: string | null,
  ignoreFile: string | null,
  files: string[],
  alwaysSent: string[],
  truncated: boolean,
): DockerignoreFacts {
  const patterns =
    ignoreText === null || ignoreFile === null ? [] : readIgnorePatterns(ignoreText, ignoreFile);
  const ignores = ignoreMatcher(patterns);
  const sentFiles: string[] = [];
  const sensitiveSent = new Map<string, SensitiveFile>();
  const sensitiveExcluded = new Map<string, SensitiveFile>();
  const toolingSent = new Map<string, ToolingFile>();
  for (const file of files) {
    const sent = alwaysSent.includes(file) || !ignores(file);
    if (sent) sentFiles.push(file);
    const sensitive = classifySensitive(file, files);
    if (sensitive) (sent ? sensitiveSent : sensitiveExcluded).set(sensitive.path, sensitive);
    if (sent) {
      const tooling = classifyTooling(file);
      if (tooling) toolingSent.set(tooling.path, tooling);
    }
  }
  for (const key of sensitiveSent.keys()) sensitiveExcluded.delete(key);
  return {
    exists: ignoreText !== null,
    file: ignoreText !== null ? ignoreFile : null,
    patterns,
    sentFiles,
    sensitiveSent: [...sensitiveSent.values()],
    sensitiveExcluded: [...sensitiveExcluded.values()],
    toolingSent: [...toolingSent.values()],
    truncated,
  };
}

const VIRTUALENV_NAMES = new Set(["venv", ".venv", "virtualenv", ".virtualenv"]);

/** Sensitive kind of a path; directories (`.git`, virtualenvs) are reported once as `dir/`. */
export function classifySensitive(file: string, files: string[] = []): SensitiveFile | null {
  const segments = file.split("/");
  const gitIndex = segments.indexOf(".git");
  if (gitIndex >= 0) return { path: segments.slice(0, gitIndex + 1).join("/") + "/", kind: "git" };
  for (let i = 0; i < segments.length - 1; i++) {
    const name = segments[i];
    const dir = segments.slice(0, i + 1).join("/");
    if (VIRTUALENV_NAMES.has(name) || (name === "env" && isVirtualenvDir(dir, files))) {
      return { path: dir + "/", kind: "virtualenv" };
    }
  }
  const base = segments[segments.length - 1];
  const kind = sensitiveFileKind(base);
  return kind ? { path: file, kind } : null;
}

function isVirtualenvDir(dir: string, files: string[]): boolean {
  return files.includes(`${dir}/pyvenv.cfg`) || files.includes(`${dir}/bin/activate`);
}

function sensitiveFileKind(base: string): SensitiveKind | null {
  return secretFileKind(base) ?? (/\.sqlite3?$/i.test(base) ? "sqlite-database" : null);
}

const TOOLING_FILES: Record<string, ToolingKind> = {
  makefile: "tooling",
  "tox.ini": "tooling",
  "pytest.ini": "tests",
  "conftest.py": "tests",
  ".coveragerc": "tests",
  "noxfile.py": "tooling",
  ".pre-commit-config.yaml": "tooling",
  ".gitlab-ci.yml": "ci",
  ".editorconfig": "tooling",
};

/** Test/doc/tooling kind of a sent path; directories are reported once as `dir/`. */
export function classifyTooling(file: string): ToolingFile | null {
  const segments = file.split("/");
  for (let i = 0; i < segments.length - 1; i++) {
    const name = segments[i].toLowerCase();
    const dir = segments.slice(0, i + 1).join("/") + "/";
    if (name === "node_modules") return { path: dir, kind: "node-modules" };
    if (name === "tests" || name === "test") return { path: dir, kind: "tests" };
    if (i === 0 && (name === "docs" || name === "doc")) return { path: dir, kind: "docs" };
    if (i === 0 && (name === ".github" || name === ".circleci")) return { path: dir, kind: "ci" };
    if (i === 0 && (name === ".vscode" || name === ".idea")) return { path: dir, kind: "tooling" };
  }
  if (segments.length === 1) {
    const base = segments[0].toLowerCase();
    if (TOOLING_FILES[base]) return { path: file, kind: TOOLING_FILES[base] };
    if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(base)) return { path: file, kind: "tooling" };
  }
  return null;
}
