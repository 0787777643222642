/**
 * SR-2 migration-failure-blocks-release (high): every `migrate` step stops the release (or the
 * start) when it fails: errexit or an explicit abort, never `|| true`, never ignored.
 */
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { runsNoDjango } from "../shared/app-builds";
import { applicationPlans, stepsOf } from "../shared/start-plan";

export const migrationFailureBlocksRelease: StackRule = {
  id: "SR-2",
  scope: "stack",
  async check(resources, ctx) {
    if (await runsNoDjango(resources, ctx)) return NOT_APPLICABLE;
    const plans = await applicationPlans(resources, ctx);
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
