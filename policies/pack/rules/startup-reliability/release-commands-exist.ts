/**
 * SR-9 release-commands-exist (high): every management command the release and the start run
 * exists: defined by the app (`<app>/management/commands/<name>.py` in the build context),
 * Django's own, or added by a known package the image installs. The components' default release
 * steps call `lockdown_audit_db`, `seed` and `startup_check`; an app without them stops the
 * release at the first one ("Unknown command"), which no other item would notice.
 */
import { runsNoDjango } from "../../deployment/app-builds";
import { NOT_APPLICABLE, unverifiable, violation, type Finding, type StackRule } from "../rule";
import { APP_BUILD_TYPES } from "../types";
import { DJANGO_COMMANDS, PACKAGE_COMMANDS } from "../../deployment/django-commands";

export const releaseCommandsExist: StackRule = {
  id: "SR-9",
  policy: "release-commands-exist",
  category: "startup-reliability",
  severity: "high",
  title: "Release runs a command the app does not have",
  description:
    "Every management command the release and the start run exists in the build context (or is Django's own).",
  impact: 'The release stops at the first missing command ("Unknown command"): the new version never starts.',
  fix: "Add the management command to the app, or set `agency-deploy:release.steps` to the steps the app has.",
  verify: 'python manage.py help <command>   # prints the command\'s help, not "Unknown command"',
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    if (runsNoDjango(deployment)) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    let judged = 0;
    const reported = new Set<string>();
    for (const plan of deployment.plans) {
      const commands = plan.steps.filter((s) => s.manageCommand !== null);
      if (commands.length === 0) continue;
      const found = deployment.factsOf(plan.workload);
      if ("reason" in found) {
        findings.push(
          unverifiable(`${plan.workload.resource.name} runs management commands, but ${found.reason}`, {
            urn: plan.workload.resource.urn,
          }),
        );
        continue;
      }
      judged++;
      const { facts } = found;
      const own = new Set(facts.managementCommands.map((c) => c.command));
      const installed = new Set(facts.requirements.installed.map((r) => r.name));
      const fromPackages = new Set(
        Object.entries(PACKAGE_COMMANDS)
          .filter(([pkg]) => installed.has(pkg))
          .flatMap(([, names]) => names),
      );
      for (const step of commands) {
        const command = step.manageCommand as string;
        if (DJANGO_COMMANDS.has(command) || own.has(command) || fromPackages.has(command)) continue;
        const key = `${plan.workload.resource.urn}|${command}`;
        if (reported.has(key)) continue;
        reported.add(key);
        findings.push(
          violation(
            `${plan.workload.resource.name} runs \`manage.py ${command}\`, but the app defines no such command ` +
              `(no management/commands/${command}.py in the build context, and it is not one of Django's): ` +
              `the release stops there with "Unknown command". Add the command to the app, or set ` +
              `agency-deploy:release.steps to the steps the app has (if an installed package provides it, exempt this finding).`,
            step.location,
          ),
        );
      }
    }
    if (judged === 0 && findings.length === 0) return NOT_APPLICABLE;
    return findings;
  },
};
