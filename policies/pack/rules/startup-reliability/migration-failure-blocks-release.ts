/**
 * SR-2: every `migrate` step stops the release (or the
 * start) when it fails: errexit or an explicit abort, never `|| true`, never ignored; and no build step
 * hides a failure behind a pipe (hadolint DL4006): `/bin/sh -c` gives a pipeline the status of its last
 * command, so `curl ... | sh` or `pip install ... | tee` that fails still builds an image.
 */
import { runsNoDjango, type InspectedBuild } from "../../deployment/app-builds";
import { NOT_APPLICABLE, inContext, oncePerPlace, violation, type Finding, type StackRule } from "../rule";
import { stepsOf } from "../../deployment/start-plan";
import { imageStages } from "../../deployment/image-facts";
import { APP_BUILD_TYPES } from "../types";

export const migrationFailureBlocksRelease: StackRule = {
  id: "SR-2",
  policy: "migration-failure-blocks-release",
  category: "startup-reliability",
  severity: "high",
  severityReason:
    "A release that carries on after a failed migration (or a build that carries on after a failed piped step) runs new code on a half-migrated schema or a broken image: crashes and corrupted data.",
  title: "A failed migration does not stop the release",
  description:
    "The migration step aborts on failure (errexit, no `|| true`), and no piped RUN hides a failure (pipefail).",
  impact: "Half-migrated databases with new code running on them: data corruption and crashes.",
  fix: 'Use `set -eu` in scripts, make migrate an `abort` release step, never append `|| true`; before a piped RUN set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`.',
  verify: "Run the release against a database with a broken migration: the deployment must fail.",
  related: ["DL4006"],
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    // Like the migration half, the item is Django's: a stack that runs no Django app is not judged.
    if (runsNoDjango(deployment)) return NOT_APPLICABLE;
    const builds = deployment.builds.inspected.filter((build) => build.django);
    const migrations = stepsOf(deployment.plans, "migrate");
    if (migrations.length === 0 && builds.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = oncePerPlace(builds.flatMap(hiddenPipeFailures));
    for (const { plan, step } of migrations) {
      if (step.onFailure === "aborts") continue;
      const how =
        step.onFailure === "continues"
          ? "the script has no `set -e` and nothing checks the result, so it carries on"
          : step.onFailure === "silent"
            ? "its failure is swallowed (`|| true` or an empty handler)"
            : "its failure only prints a warning";
      findings.push(
        violation(
          `In ${plan.workload.resource.name}, a failed \`${step.label}\` does not stop the deployment: ${how}. Make the step abort (set -e, no \`|| true\`).`,
          step.location,
        ),
      );
    }
    return findings;
  },
};

/**
 * DL4006: a shell-form RUN that pipes, under a shell without pipefail, builds on even when a command
 * before the last `|` fails. PowerShell and cmd (Windows SHELLs) are not POSIX shells and are not judged.
 */
function hiddenPipeFailures(build: InspectedBuild): Finding[] {
  const findings: Finding[] = [];
  // Only the stages this image is built from: BuildKit skips the others.
  for (const stage of imageStages(build.facts, { mounts: true })) {
    for (const run of stage.runs) {
      if (!run.hidesPipeFailures) continue;
      findings.push(
        violation(
          `This RUN pipes one command into another under \`${(run.shell ?? ["/bin/sh", "-c"]).join(" ")}\`, which only reports the last command's status: ` +
            "a failure before the `|` (a download, an install) still builds the image. " +
            'Add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before it, or start the command with `set -o pipefail &&`.',
          inContext(build.facts, run.location),
        ),
      );
    }
  }
  return findings;
}
