/**
 * SR-5 security-check-blocks-production (high): in production mode a security check
 * (`startup_check`, `check --deploy`) runs before the app serves and stops the release when it fails.
 */
import { NOT_APPLICABLE, type StackRule } from "../rule";
import { judgeSecurityChecks } from "../shared/security-check";
import { APP_BUILD_TYPES } from "../types";

export const securityCheckBlocksProduction: StackRule = {
  id: "SR-5",
  policy: "security-check-blocks-production",
  category: "startup-reliability",
  severity: "high",
  title: "Security check does not block production",
  description:
    "The security check (`startup_check`, `check --deploy`) aborts the release in production mode.",
  impact: "An insecure configuration (DEBUG, missing keys) goes live unnoticed.",
  fix: "Make the security-check release step `abort` in production.",
  verify: "python manage.py startup_check; echo $?   # non-zero on a misconfiguration",
  scope: "stack",
  types: APP_BUILD_TYPES,
  async check(resources, ctx) {
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
