/**
 * SR-6 security-check-warns-in-demo (low): in demo mode the security check still runs, but a
 * failure only prints a warning; it must not keep a demo instance from starting.
 */
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { applicationPlans, stepsOf } from "../shared/start-plan";

export const securityCheckWarnsInDemo: StackRule = {
  id: "SR-6",
  scope: "stack",
  async check(resources, ctx) {
    if (ctx.mode !== "demo") return NOT_APPLICABLE;
    const plans = await applicationPlans(resources, ctx);
    if (plans.length === 0) return NOT_APPLICABLE;
    const checks = stepsOf(plans, "check");
    if (checks.length === 0) {
      const unread = plans.find((p) => p.unverifiable)?.unverifiable;
      const runner = plans.find((p) => p.steps.some((s) => s.kind === "migrate"));
      if (!runner && unread) return [unread];
      return [
        violation(
          "No security check (`manage.py startup_check` or `check --deploy`) runs in this demo instance. Add it as a release step that warns on failure.",
          runner?.steps[0]?.location,
        ),
      ];
    }
    const findings: Finding[] = [];
    for (const { plan, step } of checks) {
      if (step.onFailure === "aborts") {
        findings.push(
          violation(
            `In ${plan.workload.resource.name}, a failed \`${step.label}\` stops this demo instance from starting. In demo mode make it warn only.`,
            step.location,
          ),
        );
      } else if (step.onFailure !== "warns") {
        findings.push(
          violation(
            `In ${plan.workload.resource.name}, a failed \`${step.label}\` passes without a warning. Print a WARNING when it fails.`,
            step.location,
          ),
        );
      }
    }
    return findings;
  },
};
