/**
 * CH-1: settings the app cannot run without are read so that
 * a missing variable stops start-up with its name (a require helper, `os.environ[...]`), not with
 * `.get()` and a default or None. Judged on the runtime settings modules; build-only modules are
 * exempt (they run with placeholders on purpose). And a variable read that way must reach the
 * workloads that run the settings: one no workload gets stops the app at start (the keys and
 * database URLs are judged by their own items, CH-3 and DB-1/DB-2).
 */
import { inContext, violation, type Finding, type StackRule, oncePerPlace } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { judgeSettings } from "../rule";
import type { EnvRead, SettingsModuleFacts } from "../../inspect/facts";
import { APP_BUILD_TYPES } from "../types";
import { unsuppliedFindings } from "../../deployment/unsupplied-settings";
import { SECRET_KEY_SETTINGS } from "./no-default-secret-keys";

/** Required variables another item judges when no workload supplies them. */
const JUDGED_ELSEWHERE = new Set([...SECRET_KEY_SETTINGS, "DATABASE_URL", "AUDIT_DATABASE_URL"]);

/** Variables without which the app is wrong or insecure, not merely less configured. */
export const REQUIRED_SETTINGS = [
  "SECRET_KEY",
  "FIELD_ENCRYPTION_KEY",
  "DATABASE_URL",
  "AUDIT_DATABASE_URL",
  "ALLOWED_HOSTS",
];

export const requiredSettingsFailLoudly: StackRule = {
  id: "CH-1",
  policy: "required-settings-fail-loudly",
  category: "configuration-hygiene",
  severity: "medium",
  title: "Required settings do not fail loudly",
  description:
    "Required settings are read with a require helper or os.environ[...], not .get with a default, and every workload that runs the settings gets them.",
  impact:
    "A missing variable starts the app with a wrong value instead of a clear error; one no workload gets stops the app at start.",
  fix: 'Use `require_env("NAME")` (raise ImproperlyConfigured naming the variable) for every required setting.',
  verify: "env -u SECRET_KEY python manage.py check   # fails naming SECRET_KEY",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    const code = judgeSettings(deployment, judge);
    const unsupplied = unsuppliedFindings(deployment, (name) => !JUDGED_ELSEWHERE.has(name));
    return code === "not-applicable" ? code : [...code, ...unsupplied];
  },
};

/**
 * A fallback that can only make the app refuse requests or serve only this machine fails closed: an
 * ALLOWED_HOSTS default of localhost names no public host, so a forgotten variable is noticed at once
 * and leaks nothing.
 */
export function failsClosed(read: EnvRead): boolean {
  if (read.name !== "ALLOWED_HOSTS" || typeof read.defaultLiteral !== "string") return false;
  const hosts = read.defaultLiteral.split(/[\s,]+/).filter((h) => h !== "");
  return hosts.every((h) => /^(localhost|127\.0\.0\.1|\[::1\]|::1)$/i.test(h));
}

/** One finding per fallback read, though a base module imported by several runtime modules is read by each. */
function judge(modules: readonly SettingsModuleFacts[], build: InspectedBuild): Finding[] {
  const reads = modules.flatMap((module) => module.envReads);
  return oncePerPlace(
    reads
      .filter((read) => REQUIRED_SETTINGS.includes(read.name) && !read.required && !failsClosed(read))
      .map((read) =>
        violation(
          `${read.name} is read with ${read.via}${read.defaultExpression === null ? "" : " and a fallback value"}: when the ` +
            "variable is missing the app starts anyway with a wrong value. Read it with a helper that stops start-up " +
            `naming ${read.name} (e.g. require_env("${read.name}")).`,
          inContext(build.facts, read.location),
        ),
      ),
  );
}
