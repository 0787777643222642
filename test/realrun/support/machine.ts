/**
 * What the real-run suite needs from this machine, and what happens when something is missing:
 * in CI (CI=true) the suite fails naming it; on a developer's machine it is skipped with one line
 * naming it. .ci/run installs all of it from Debian's packages and the configured pip index.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { packageIndex, resolveRequirements } from "./app-build";
import { runnerAvailable } from "./container";
import { postgresBindir } from "./images";
import { REPO_ROOT } from "../../support/paths";

const SAMPLE_APP = path.join(REPO_ROOT, "stacks", "sample-app");

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

/** Every missing prerequisite, each named as what to install. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  const runner = runnerAvailable();
  if (runner !== undefined) missing.push(runner);
  if (postgresBindir() === undefined || !has("psql")) missing.push("postgresql (apt)");
  if (!has("caddy")) missing.push("caddy (apt)");
  if (!has("curl")) missing.push("curl (apt)");
  if (spawnSync("/usr/bin/python3", ["-m", "venv", "--help"]).status !== 0)
    missing.push("python3-venv (apt)");
  try {
    const index = packageIndex();
    for (const file of ["requirements.txt", "requirements-dev.txt"]) {
      missing.push(...resolveRequirements(path.join(SAMPLE_APP, file), index).missing);
    }
  } catch (error) {
    missing.push(`a local pip index (${(error as Error).message})`);
  }
  return [...new Set(missing)];
}

/** `describe` for a real-run scenario group: fails in CI, skips elsewhere, when the machine lacks something. */
export function describeRealRun(name: string, body: () => void): void {
  const missing = missingPrerequisites();
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it("has what the real-run suite needs", () => {
        throw new Error(`the real-run suite needs: ${missing.join(", ")} (.ci/run installs them)`);
      });
    });
  } else {
    process.stderr.write(`real-run suite "${name}" skipped: this machine lacks ${missing.join(", ")}\n`);
    describe.skip(name, body);
  }
}
