/**
 * CH-2: a security-relevant setting read from an optional
 * variable falls back to its safe value when the variable is not set. (DEBUG is judged by CH-4.)
 */
import type { SettingValue, SettingsModuleFacts } from "../../inspect/facts";
import { inContext, violation, type Finding, type StackRule, oncePerPlace } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { judgeSettings } from "../rule";
import { truthy } from "../../deployment/setting-values";
import { APP_BUILD_TYPES } from "../types";

/** Setting -> what its fallback must be. */
const SAFE_DEFAULTS: Record<string, { safe: (value: unknown) => boolean; wanted: string }> = {
  SECURE_SSL_REDIRECT: { safe: (v) => truthy(v) === true, wanted: "True" },
  SESSION_COOKIE_SECURE: { safe: (v) => truthy(v) === true, wanted: "True" },
  CSRF_COOKIE_SECURE: { safe: (v) => truthy(v) === true, wanted: "True" },
  SECURE_HSTS_SECONDS: {
    safe: (v) => Number(String(v).replace(/["']/g, "")) > 0,
    wanted: "a positive number of seconds",
  },
  SECURE_CONTENT_TYPE_NOSNIFF: { safe: (v) => truthy(v) === true, wanted: "True" },
  SESSION_COOKIE_HTTPONLY: { safe: (v) => truthy(v) === true, wanted: "True" },
};

export const optionalSettingsSafeDefaults: StackRule = {
  id: "CH-2",
  policy: "optional-settings-safe-defaults",
  category: "configuration-hygiene",
  severity: "low",
  title: "Optional setting has an unsafe default",
  description: "Optional settings default to the safe value.",
  impact: "Forgetting a variable silently weakens the deployment.",
  fix: "Default every optional security-relevant setting to its safe value (e.g. SECURE_SSL_REDIRECT=True).",
  verify: "python manage.py check --deploy   # no warnings with only required variables set",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) => judgeSettings(deployment, judge),
};

function judge(modules: readonly SettingsModuleFacts[], { facts }: InspectedBuild): Finding[] {
  // A base module imported by several runtime modules is read once per module: report it once.
  return oncePerPlace(
    modules.flatMap((module) =>
      Object.entries(SAFE_DEFAULTS).flatMap(([setting, rule]) => {
        const value: SettingValue | undefined = module.settings[setting];
        const read = value?.env;
        if (read === undefined || read.required) return [];
        const fallback =
          read.defaultExpression === null ? null : (read.defaultLiteral ?? read.defaultExpression);
        if (fallback !== null && rule.safe(fallback)) return [];
        return [
          violation(
            `${setting} falls back to an unsafe value when ${read.name} is not set; make its default ${rule.wanted}.`,
            inContext(facts, read.location),
          ),
        ];
      }),
    ),
  );
}
