/**
 * requirements*.txt -> the packages each file pins, its -r/-c includes, and which dev/test packages the final
 * stage installs, and the lines pip would stop on (requirements-syntax.ts).
 */
import * as path from "path";
import type { ContextFiles } from "./context-files";
import type { DockerStage, RequirementLine, RequirementsFacts, RequirementsFile } from "./facts";
import { contextFileFor } from "./entrypoint";
import { logicalLines, requirementsSyntaxProblems } from "./requirements-syntax";

/** Packages that belong in development or CI, not in a production image. */
export const DEV_PACKAGES = new Set([
  "pytest",
  "pytest-django",
  "pytest-cov",
  "pytest-xdist",
  "pytest-mock",
  "coverage",
  "factory-boy",
  "faker",
  "model-bakery",
  "black",
  "flake8",
  "isort",
  "ruff",
  "mypy",
  "pylint",
  "ipdb",
  "pdbpp",
  "ipython",
  "django-debug-toolbar",
  "django-extensions",
  "tox",
  "nox",
  "pre-commit",
  "hypothesis",
  "responses",
  "freezegun",
  "django-stubs",
  "bandit",
]);

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_.]+/g, "-");
}

export function readRequirementsText(
  text: string,
  file: string,
): Omit<RequirementsFile, "installedInFinalStage"> {
  const requirements: RequirementLine[] = [];
  const includes: string[] = [];
  const problems = requirementsSyntaxProblems(text).map(({ line, reason }) => ({
    reason,
    location: { file, line },
  }));
  for (const { line, text: logical } of logicalLines(text)) {
    const include = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)?(\S+)$/.exec(logical);
    if (include) {
      includes.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), include[2])));
      continue;
    }
    if (logical.startsWith("-")) continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/.exec(logical);
    if (!match) continue;
    requirements.push({ name: normaliseName(match[1]), spec: logical, location: { file, line } });
  }
  return { file, requirements, includes, problems };
}

function isRequirementsFile(file: string): boolean {
  const base = path.posix.basename(file).toLowerCase();
  return (/^requirements.*\.(txt|in)$/.test(base) || /^requirements\//.test(file)) && base.endsWith(".txt");
}

/** Reads every requirements file in the context and marks those the final stage installs. */
export function readRequirements(files: ContextFiles, stage: DockerStage | null): RequirementsFacts {
  const all = files
    .list()
    .filter(
      (file) =>
        isRequirementsFile(file) && !file.split("/").some((s) => s === "node_modules" || s.includes("venv")),
    )
    .slice(0, 200);
  const parsed = new Map<string, Omit<RequirementsFile, "installedInFinalStage">>();
  for (const file of all) {
    const text = files.read(file);
    if (text !== null) parsed.set(file, readRequirementsText(text, file));
  }
  const installed = new Set<string>();
  const namedInstalls: RequirementLine[] = [];
  const visit = (file: string): void => {
    if (installed.has(file) || !parsed.has(file)) return;
    installed.add(file);
    for (const include of parsed.get(file)?.includes ?? []) visit(include);
  };
  for (const run of stage?.runs ?? []) {
    for (const pip of run.pipInstalls) {
      for (const requirement of pip.requirementFiles) {
        const contextFile = stage ? contextFileFor(requirement, stage, files.list()) : null;
        visit(contextFile ?? path.posix.normalize(requirement.replace(/^\.\//, "")));
      }
      for (const name of pip.packages) {
        const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(name);
        if (match) namedInstalls.push({ name: normaliseName(match[1]), spec: name, location: run.location });
      }
    }
  }
  const result: RequirementsFile[] = [...parsed.values()].map((file) => ({
    ...file,
    installedInFinalStage: installed.has(file.file),
  }));
  const installedLines = [
    ...result.filter((f) => f.installedInFinalStage).flatMap((f) => f.requirements),
    ...namedInstalls,
  ];
  return {
    files: result,
    installed: installedLines,
    devPackagesInstalled: installedLines.filter((line) => DEV_PACKAGES.has(line.name)),
  };
}
