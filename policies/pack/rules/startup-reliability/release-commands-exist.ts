/**
 * SR-9 release-commands-exist (high): every management command the release and the start run
 * exists: defined by the app (`<app>/management/commands/<name>.py` in the build context),
 * Django's own, or added by a known package the image installs. The components' default release
 * steps call `lockdown_audit_db`, `seed` and `startup_check`; an app without them stops the
 * release at the first one ("Unknown command"), which no other item would notice.
 */
import { judgeEach, unverifiable, violation, type Finding, type StackRule } from "../rule";
import { APP_BUILD_TYPES } from "../types";
import type { Deployment, StartPlan } from "../../deployment";
import { DJANGO_COMMANDS, PACKAGE_COMMANDS } from "../../deployment/django-commands";

export const releaseCommandsExist: StackRule = {
  id: "SR-9",
  policy: "release-commands-exist",
  category: "startup-reliability",
  severity: "high",
  severityReason:
    "A release step that names a missing command stops the release: the new version never starts.",
  title: "Release runs a command the app does not have",
  description:
    "Every management command the release and the start run exists in the build context (or is Django's own).",
  impact: 'The release stops at the first missing command ("Unknown command"): the new version never starts.',
  fix: "Add the management command to the app, or set `agency-deploy:release.steps` to the steps the app has.",
  verify: 'python manage.py help <command>   # prints the command\'s help, not "Unknown command"',
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    // One finding per resource and command: an Azure app's containers share the resource.
    const reported = new Set<string>();
    return judgeEach(deployment, deployment.plans, (plan) => releaseCommands(plan, deployment, reported));
  },
};

/** The management commands one start plan runs, against the app's and Django's; null when it runs none. */
function releaseCommands(plan: StartPlan, deployment: Deployment, reported: Set<string>): Finding[] | null {
  const commands = plan.steps.filter((s) => s.manageCommand !== null);
  if (commands.length === 0) return null;
  const found = deployment.factsOf(plan.workload);
  if ("reason" in found) {
    return [
      unverifiable(`${plan.workload.resource.name} runs management commands, but ${found.reason}`, {
        urn: plan.workload.resource.urn,
      }),
    ];
  }
  const { facts } = found;
  const own = new Set(facts.managementCommands.map((c) => c.command));
  const installed = new Set(facts.requirements.installed.map((r) => r.name));
  const fromPackages = new Set(
    Object.entries(PACKAGE_COMMANDS)
      .filter(([pkg]) => installed.has(pkg))
      .flatMap(([, names]) => names),
  );
  const missing = commands.filter((step) => {
    const command = step.manageCommand as string;
    if (DJANGO_COMMANDS.has(command) || own.has(command) || fromPackages.has(command)) return false;
    const key = `${plan.workload.resource.urn}|${command}`;
    if (reported.has(key)) return false;
    reported.add(key);
    return true;
  });
  return missing.map((step) =>
    violation(
      `${plan.workload.resource.name} runs \`manage.py ${step.manageCommand}\`, but the app defines no such command ` +
        `(no management/commands/${step.manageCommand}.py in the build context, and it is not one of Django's): ` +
        `the release stops there with "Unknown command". Add the command to the app, or set ` +
        `agency-deploy:release.steps to the steps the app has (if an installed package provides it, exempt this finding).`,
      step.location,
    ),
  );
}
