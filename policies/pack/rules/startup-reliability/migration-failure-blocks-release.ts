/**
 * SR-2: every `migrate` step stops the release (or the
 * start) when it fails: errexit or an explicit abort, never `|| true`, never ignored.
 */
import { runsNoDjango } from "../../deployment/app-builds";
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { stepsOf } from "../../deployment/start-plan";
import { APP_BUILD_TYPES } from "../types";

export const migrationFailureBlocksRelease: StackRule = {
  id: "SR-2",
  policy: "migration-failure-blocks-release",
  category: "startup-reliability",
  severity: "high",
  title: "A failed migration does not stop the release",
  description: "The migration step aborts on failure (errexit, no `|| true`).",
  impact: "Half-migrated databases with new code running on them: data corruption and crashes.",
  fix: "Use `set -eu` in scripts, make migrate an `abort` release step, never append `|| true`.",
  verify: "Run the release against a database with a broken migration: the deployment must fail.",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    if (runsNoDjango(deployment)) return NOT_APPLICABLE;
    const plans = deployment.plans;
    const migrations = stepsOf(plans, "migrate");
    if (migrations.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = [];
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
