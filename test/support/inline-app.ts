/**
 * Build contexts written inline in a test, as hadolint's specs write their Dockerfiles: the
 * Dockerfile, start script and settings a case is about, in the test itself, read by the pack's
 * own inspectors (Deployment.build's injectable inspector over an in-memory file source). Fixture
 * apps on disk stay for the end-to-end cases.
 */
import type { RuleResult, Rule, RuleContext } from "../../policies/pack/rules/rule";
import { inspectInMemory } from "../../policies/pack/deployment/app-facts";
import { builtImage } from "./app-images";
import { appStack } from "./app-stack";
import { context, judge } from "./resources";

/** Where an inline context sits in findings: a directory no machine has. */
export const INLINE_APP = "/inline-app";

/** The app Image built from the inline context (for the rules that judge one resource). */
export const inlineImage = () => builtImage(INLINE_APP);

/**
 * A minimal Django project: manage.py, and `settings` as the module the web container of
 * app-stack.ts runs (config.settings.production).
 */
export function djangoProject(settings = "DEBUG = False\n"): Record<string, string> {
  return {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")\n',
    "config/__init__.py": "",
    "config/settings/__init__.py": "",
    "config/settings/production.py": settings,
  };
}

/**
 * The rule over an app Image built from `files` (path -> text) and a web container running it
 * (app-stack.ts; `web` overrides the web props); `resources` replaces that stack when given.
 */
export function judgeInline(
  rule: Rule,
  files: Record<string, string>,
  options: { web?: Record<string, unknown>; ctx?: RuleContext; resources?: Parameters<typeof judge>[1] } = {},
): Promise<RuleResult> {
  const contexts = new Map([[INLINE_APP, new Map(Object.entries(files))]]);
  const resources = options.resources ?? appStack(INLINE_APP, options.web ?? {});
  return judge(rule, resources, options.ctx ?? context(), inspectInMemory(contexts));
}
