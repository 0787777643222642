/**
 * SF-3: the settings collectstatic runs with work without a
 * database or real secrets. The module each `RUN ... collectstatic` uses (its `--settings=`, else
 * DJANGO_SETTINGS_MODULE) must exist, must not be the runtime module (which needs the real database
 * URLs and keys), and must not configure a database from an environment variable it requires
 * (the build has none). Build-only modules are judged here, unlike the runtime checks.
 */
import type { BuildContextFacts, RunFact } from "../../inspect/facts";
import { inContext, violation, type Finding, type StackRule } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { judgeBuilds } from "../rule";
import { APP_BUILD_TYPES } from "../types";

export const buildSettingsStandalone: StackRule = {
  id: "SF-3",
  policy: "build-settings-standalone",
  category: "static-files",
  severity: "medium",
  title: "Build settings need a database or secrets",
  description: "The settings used by collectstatic work without a database or real secrets.",
  impact: "The image build fails, or real secrets get baked in to make it pass.",
  fix: "Use a build-only settings module with placeholder values and no database access.",
  verify: "docker build .   # succeeds with no secrets or database available",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) => judgeBuilds(deployment, ["dockerfile", "settings"], judge),
};

function moduleFor(run: RunFact, facts: BuildContextFacts, stageEnv: Record<string, string>): string | null {
  return (
    run.settingsReferences[0]?.module ??
    stageEnv.DJANGO_SETTINGS_MODULE ??
    facts.django.managePy[0]?.defaultSettings ??
    null
  );
}

function judge({ facts }: InspectedBuild): Finding[] {
  const findings: Finding[] = [];
  for (const stage of facts.dockerfile?.stages ?? []) {
    const stageEnv = Object.fromEntries(stage.env.map((e) => [e.name, e.resolved]));
    for (const run of stage.runs.filter((r) => r.manageCommands.includes("collectstatic"))) {
      const name = moduleFor(run, facts, stageEnv);
      const where = inContext(facts, run.location);
      const module = facts.settings.modules.find((m) => m.module === name);
      if (name === null || module === undefined) {
        findings.push(
          violation(
            "collectstatic runs without a settings module the build can name; pass --settings=<build-only settings>.",
            where,
          ),
        );
        continue;
      }
      if (!module.exists) continue; // CH-8 reports a missing module.
      if (module.runtime && !module.buildOnly) {
        findings.push(
          violation(
            `collectstatic runs with the runtime settings (${module.module}), which need the real database URLs and ` +
              "secret keys at build time. Use a build-only settings module with placeholders.",
            where,
          ),
        );
        continue;
      }
      for (const db of module.databases) {
        const required = db.env.find((read) => read.required);
        if (required !== undefined) {
          findings.push(
            violation(
              `The build settings ${module.module} configure the "${db.alias}" database from ${required.name}, which the ` +
                "build does not have; set DATABASES = {} there.",
              inContext(facts, db.location),
            ),
          );
        }
      }
    }
  }
  findings.push(...atStart(facts));
  return findings;
}

/** collectstatic at start-up runs with the runtime settings unless it names build-only ones. */
function atStart(facts: BuildContextFacts): Finding[] {
  return (facts.entrypoint?.steps ?? [])
    .filter((step) => step.kind === "collectstatic")
    .filter((step) => {
      const name = step.settings ?? facts.settings.runtimeModule;
      const module = facts.settings.modules.find((m) => m.module === name);
      return module === undefined || !module.buildOnly;
    })
    .map((step) =>
      violation(
        "collectstatic runs with the runtime settings (no build-only settings module), so it needs the real " +
          "database and secrets; give it a build-only settings module and run it in the Dockerfile.",
        inContext(facts, step.location),
      ),
    );
}
