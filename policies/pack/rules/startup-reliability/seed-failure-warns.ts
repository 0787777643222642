/**
 * SR-4 seed-failure-warns (medium): a failing seed step prints a warning and lets the release go
 * on. Blocking the release over seed data, or swallowing the failure without a word, are findings.
 */
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { applicationPlans, stepsOf } from "../shared/start-plan";

export const seedFailureWarns: StackRule = {
  id: "SR-4",
  scope: "stack",
  async check(resources, ctx) {
    const seeds = stepsOf(await applicationPlans(resources, ctx), "seed");
    if (seeds.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    for (const { plan, step } of seeds) {
      const name = plan.workload.resource.name;
      if (step.onFailure === "aborts") {
        findings.push(
          violation(
            `In ${name}, a failed \`${step.label}\` stops the whole deployment over optional seed data. Let it warn and continue (\`|| echo "WARNING: ..." >&2\`).`,
            step.location,
          ),
        );
      } else if (step.onFailure === "silent" || step.onFailure === "continues") {
        findings.push(
          violation(
            `In ${name}, a failed \`${step.label}\` goes unnoticed: nothing prints a warning. Print a clear WARNING naming the command when it fails.`,
            step.location,
          ),
        );
      }
    }
    return findings;
  },
};
