/**
 * SR-4: a failing seed step prints a warning and lets the release go
 * on. Blocking the release over seed data, or swallowing the failure without a word, are findings.
 */
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { stepsOf } from "../../deployment/start-plan";
import { APP_BUILD_TYPES } from "../types";

export const seedFailureWarns: StackRule = {
  id: "SR-4",
  policy: "seed-failure-warns",
  category: "startup-reliability",
  severity: "medium",
  title: "Seed failure is silent or blocking",
  description: "A failed seed warns loudly but does not block the release.",
  impact: "Either the instance never starts over optional data, or missing data goes unnoticed.",
  fix: "Run seeds as a `warn` release step that prints a WARNING with the failing command.",
  verify: "docker logs <release container> 2>&1 | grep WARNING   # after a failing seed",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    const seeds = stepsOf(deployment.plans, "seed");
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
