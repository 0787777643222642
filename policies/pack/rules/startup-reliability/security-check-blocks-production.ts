/**
 * SR-5: in production mode a security check (`startup_check`, `check --deploy`) runs before the
 * app serves and stops the release when it fails. SR-6 (security-check-warns-in-demo.ts) looks
 * for the same steps with this judgement and asks the opposite of a failing check in demo mode.
 */
import { runsNoDjango } from "../../deployment/app-builds";
import type { Deployment } from "../../deployment";
import { stepsOf, type PlannedStep, type StartPlan } from "../../deployment/start-plan";
import type { Mode } from "../../../mode";
import { NOT_APPLICABLE, violation, type Finding, type RuleContext, type StackRule } from "../rule";
import { APP_BUILD_TYPES } from "../types";

export const securityCheckBlocksProduction: StackRule = {
  id: "SR-5",
  policy: "security-check-blocks-production",
  category: "startup-reliability",
  severity: "high",
  severityReason:
    "Without a blocking security check an insecure production configuration (DEBUG, missing keys) goes live unnoticed.",
  title: "Security check does not block production",
  description:
    "The security check (`startup_check`, `check --deploy`) aborts the release in production mode.",
  impact: "An insecure configuration (DEBUG, missing keys) goes live unnoticed.",
  fix: "Make the security-check release step `abort` in production.",
  verify: "python manage.py startup_check; echo $?   # non-zero on a misconfiguration",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment, ctx) =>
    judgeSecurityChecks(deployment, ctx, {
      mode: "production",
      missing:
        "No security check (`manage.py startup_check` or `check --deploy`) runs before the app serves in production. Add it as a release step that aborts on failure.",
      judge: (plan, step) =>
        step.onFailure === "aborts"
          ? undefined
          : `In ${plan.workload.resource.name}, a failed \`${step.label}\` does not stop the release, so an insecure configuration can go live in production. Make the step abort.`,
    }),
};

export interface SecurityCheckJudgement {
  /** The mode the item is about; in the other, it does not apply. */
  mode: Mode;
  /** The finding when no plan runs a security check at all. */
  missing: string;
  /** The finding for one check step, or undefined when the step behaves as the mode requires. */
  judge(plan: StartPlan, step: PlannedStep): string | undefined;
}

/** SR-5 and SR-6: both look for the same steps and differ in the mode and what a failing check must do. */
export function judgeSecurityChecks(
  deployment: Deployment,
  ctx: RuleContext,
  { mode, missing, judge }: SecurityCheckJudgement,
): Finding[] | typeof NOT_APPLICABLE {
  if (runsNoDjango(deployment) || ctx.mode !== mode) return NOT_APPLICABLE;
  const plans = deployment.plans;
  if (plans.length === 0) return NOT_APPLICABLE;
  const checks = stepsOf(plans, "check");
  if (checks.length === 0) {
    const unread = plans.find((p) => p.unverifiable)?.unverifiable;
    const runner = plans.find((p) => p.steps.some((s) => s.kind === "migrate"));
    // A start command that could not be read may hold the check: say so rather than fail.
    if (!runner && unread) return [unread];
    return [violation(missing, runner?.steps[0]?.location)];
  }
  return checks.flatMap(({ plan, step }) => {
    const message = judge(plan, step);
    return message === undefined ? [] : [violation(message, step.location)];
  });
}
