/**
 * SR-6: in demo mode the security check still runs, but a
 * failure only prints a warning; it must not keep a demo instance from starting.
 */
import type { StackRule } from "../rule";
import { judgeSecurityChecks } from "./security-check-blocks-production";
import { APP_BUILD_TYPES } from "../types";

export const securityCheckWarnsInDemo: StackRule = {
  id: "SR-6",
  policy: "security-check-warns-in-demo",
  category: "startup-reliability",
  severity: "low",
  title: "Security check blocks demo instances",
  description: "In demo mode the security check runs but only warns.",
  impact: "Demo instances fail to start over warnings that only matter in production.",
  fix: "Make the security-check step `warn` in demo mode (the default release steps do).",
  verify: "agency-deploy check --mode demo   # SR-6 passes",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment, ctx) =>
    judgeSecurityChecks(deployment, ctx, {
      mode: "demo",
      missing:
        "No security check (`manage.py startup_check` or `check --deploy`) runs in this demo instance. Add it as a release step that warns on failure.",
      judge: (plan, step) => {
        const name = plan.workload.resource.name;
        if (step.onFailure === "aborts") {
          return `In ${name}, a failed \`${step.label}\` stops this demo instance from starting. In demo mode make it warn only.`;
        }
        if (step.onFailure !== "warns") {
          return `In ${name}, a failed \`${step.label}\` passes without a warning. Print a WARNING when it fails.`;
        }
        return undefined;
      },
    }),
};
