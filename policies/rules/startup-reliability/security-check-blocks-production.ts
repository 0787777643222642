/**
 * SR-5 security-check-blocks-production (high): in production mode a security check
 * (`startup_check`, `check --deploy`) runs before the app serves and stops the release when it fails.
 */
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { applicationPlans, stepsOf } from "../shared/start-plan";

export const securityCheckBlocksProduction: StackRule = {
  id: "SR-5",
  scope: "stack",
  async check(resources, ctx) {
    if (ctx.mode !== "production") return NOT_APPLICABLE;
    const plans = await applicationPlans(resources, ctx);
    if (plans.length === 0) return NOT_APPLICABLE;
    const checks = stepsOf(plans, "check");
    if (checks.length === 0) {
      const unread = plans.find((p) => p.unverifiable)?.unverifiable;
      const runner = plans.find((p) => p.steps.some((s) => s.kind === "migrate"));
      if (!runner && unread) return [unread];
      return [
        violation(
          "No security check (`manage.py startup_check` or `check --deploy`) runs before the app serves in production. Add it as a release step that aborts on failure.",
          runner?.steps[0]?.location,
        ),
      ];
    }
    const findings: Finding[] = [];
    for (const { plan, step } of checks) {
      if (step.onFailure !== "aborts") {
        findings.push(
          violation(
            `In ${plan.workload.resource.name}, a failed \`${step.label}\` does not stop the release, so an insecure configuration can go live in production. Make the step abort.`,
            step.location,
          ),
        );
      }
    }
    return findings;
  },
};
