/**
 * The security-check steps (`manage.py startup_check`, `check --deploy`) of the application's start
 * plans, judged for SR-5 and SR-6: both look for the same steps and differ only in the mode they
 * apply to and in what a failing check must do there.
 */
import { NOT_APPLICABLE, violation, type Finding, type Resource, type RuleContext } from "../rule";
import { applicationPlans, stepsOf, type PlannedStep, type StartPlan } from "./start-plan";

export interface SecurityCheckJudgement {
  /** The finding when no plan runs a security check at all. */
  missing: string;
  /** The finding for one check step, or undefined when the step behaves as the mode requires. */
  judge(plan: StartPlan, step: PlannedStep): string | undefined;
}

export async function judgeSecurityChecks(
  resources: readonly Resource[],
  ctx: RuleContext,
  { missing, judge }: SecurityCheckJudgement,
): Promise<Finding[] | typeof NOT_APPLICABLE> {
  const plans = await applicationPlans(resources, ctx);
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
