/**
 * CH-8: DJANGO_SETTINGS_MODULE (as deployed, in the image's ENV, in
 * manage.py/wsgi.py) and every `--settings=` in the Dockerfile name a module that exists in the
 * build context. It also owns the settings' import: a settings file with a Python syntax error
 * fails here, once, with file:line (Python cannot import it, so for Django it does not exist); the
 * other items reading the settings say they could not judge them (rules/rule.ts unreadableInputs).
 */
import { inContext, violation, type StackRule } from "../rule";
import { judgeBuilds } from "../rule";
import { APP_BUILD_TYPES } from "../types";

export const settingsModuleExists: StackRule = {
  id: "CH-8",
  policy: "settings-module-exists",
  category: "configuration-hygiene",
  severity: "high",
  severityReason:
    "A missing settings module stops the build or every start with ModuleNotFoundError: the release never comes up.",
  title: "Settings module does not exist",
  description: "DJANGO_SETTINGS_MODULE and every --settings= in the Dockerfile name a module in the context.",
  impact: "The build or the start fails with ModuleNotFoundError.",
  fix: "Point DJANGO_SETTINGS_MODULE and --settings= at an existing module (e.g. config.settings.production).",
  verify: "python -c 'import importlib; importlib.import_module(\"<module>\")'",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) =>
    judgeBuilds(
      deployment,
      ["settings-import", "settings", "django-project"],
      ({ facts, image, workloads: users }) =>
        facts.settings.modules
          .filter((m) => !m.exists)
          .map((m) => {
            const container = users.find((w) => w.knownEnv.DJANGO_SETTINGS_MODULE === m.module);
            return violation(
              `The settings module "${m.module}" does not exist in the image's files: Django stops with ModuleNotFoundError ` +
                `${m.buildOnly ? "during the build" : "at start"}.`,
              m.references.length === 0
                ? { urn: (container?.resource ?? image).urn, property: container ? "envs" : "build.context" }
                : inContext(facts, m.references[0]),
            );
          }),
    ),
};
