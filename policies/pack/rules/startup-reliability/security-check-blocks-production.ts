/**
 * SR-5 security-check-blocks-production (high): in production mode a security check
 * (`startup_check`, `check --deploy`) runs before the app serves and stops the release when it fails.
 */
import { NOT_APPLICABLE, type StackRule } from "../rule";
import { runsNoDjango } from "../shared/app-builds";
import { judgeSecurityChecks } from "../shared/security-check";

export const securityCheckBlocksProduction: StackRule = {
  id: "SR-5",
  scope: "stack",
  async check(resources, ctx) {
    if (await runsNoDjango(resources, ctx)) return NOT_APPLICABLE;
    if (ctx.mode !== "production") return NOT_APPLICABLE;
    return judgeSecurityChecks(resources, ctx, {
      missing:
        "No security check (`manage.py startup_check` or `check --deploy`) runs before the app serves in production. Add it as a release step that aborts on failure.",
      judge: (plan, step) =>
        step.onFailure === "aborts"
          ? undefined
          : `In ${plan.workload.resource.name}, a failed \`${step.label}\` does not stop the release, so an insecure configuration can go live in production. Make the step abort.`,
    });
  },
};
