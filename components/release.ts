/**
 * The release phase, independent of the target: the ordered steps an instance runs once per
 * release, before the web service changes (migrate, migrate the audit database, audit lockdown,
 * seed, security check), rendered as one POSIX sh script.
 *
 * An `abort` step that fails stops the script with exit code RELEASE_EXIT_BASE + its index, so
 * the deployment can name the step that failed. A `warn` step that fails prints a loud WARNING to
 * stderr and the release goes on. Targets run the script in the application image (Docker: a
 * one-shot container; Azure: a Container Apps job) and gate the web service on its exit code.
 */
import type { ReleaseStep } from "./config";

/** Exit code of the first failed abort step; step i (0-based) exits with BASE + i. */
export const RELEASE_EXIT_BASE = 100;
/** Steps beyond this many could not be told apart by exit code (codes stop at 255). */
export const MAX_RELEASE_STEPS = 255 - RELEASE_EXIT_BASE;

// Hand-written rather than a dependency: argv elements only need POSIX single quoting.
/** Quote one argv element for sh: plain when safe, otherwise single-quoted. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_\-.,:/=@%+]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The release as a POSIX sh script (run with `sh -c`). */
export function releaseScript(steps: readonly ReleaseStep[]): string {
  if (steps.length === 0) throw new Error("a release needs at least one step");
  if (steps.length > MAX_RELEASE_STEPS) throw new Error(`a release has at most ${MAX_RELEASE_STEPS} steps`);
  const lines = [
    "# agency-deploy release: ordered steps; abort steps stop the release, warn steps only warn.",
    "set -u",
  ];
  steps.forEach((step, index) => {
    const label = `${index + 1}/${steps.length} ${step.name}`;
    const command = step.command.map(shellQuote).join(" ");
    lines.push(`echo "release: step ${label} (on failure: ${step.onFailure})"`);
    lines.push(`if ${command}; then`);
    lines.push(`  echo "release: step ${label} succeeded"`);
    lines.push("else");
    lines.push("  status=$?");
    if (step.onFailure === "abort") {
      lines.push(
        `  echo "RELEASE ABORTED: step ${label} failed with exit code $status; the web service was not updated" >&2`,
      );
      lines.push(`  exit ${RELEASE_EXIT_BASE + index}`);
    } else {
      lines.push(
        `  echo "WARNING: release step ${label} failed with exit code $status; continuing because it only warns" >&2`,
      );
    }
    lines.push("fi");
  });
  lines.push('echo "release: all steps done"');
  return lines.join("\n") + "\n";
}

/** Why a release failed, from its exit code; undefined when it succeeded. */
export function releaseFailure(exitCode: number, steps: readonly ReleaseStep[]): string | undefined {
  if (exitCode === 0) return undefined;
  const step = steps[exitCode - RELEASE_EXIT_BASE];
  if (step !== undefined && step.onFailure === "abort") {
    return (
      `release step "${step.name}" (${exitCode - RELEASE_EXIT_BASE + 1} of ${steps.length}) failed; ` +
      "the web service was not updated. See the release container's logs"
    );
  }
  return `the release exited with code ${exitCode} before finishing its steps; the web service was not updated`;
}
