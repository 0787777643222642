/**
 * What a Django setting evaluates to, as far as the code and the deployment tell: a literal, an
 * environment read (the deployed value when the stack sets it, else the code's default), or an
 * expression the inspector could not evaluate.
 */
import type { BuildContextFacts, EnvRead, SettingsModuleFacts, SettingValue } from "../inspect/facts";

/** `null`: the setting is not assigned; `undefined`: assigned but not decidable here. */
export type Truth = boolean | null | undefined;

/** The truth of an env read's fallback: no default means `None` (falsy). */
export function defaultTruth(read: EnvRead): boolean | undefined {
  if (read.required) return undefined;
  if (read.defaultExpression === null) return false;
  if (read.defaultLiteral !== undefined) return truthy(read.defaultLiteral ?? false);
  return truthy(read.defaultExpression);
}

export function settingTruth(
  value: SettingValue | null,
  deployedEnv: Readonly<Record<string, string>> = {},
): Truth {
  if (value === null) return null;
  if (value.env !== undefined) {
    const deployed = deployedEnv[value.env.name];
    if (deployed !== undefined) return truthy(deployed);
    return defaultTruth(value.env);
  }
  if (value.kind === "literal") return truthy(value.literal ?? false);
  return undefined;
}

/** A numeric setting (HSTS seconds): deployed env, else default, else the literal. */
export function settingNumber(
  value: SettingValue | null,
  deployedEnv: Readonly<Record<string, string>> = {},
): number | null | undefined {
  if (value === null) return null;
  const asNumber = (v: unknown) => {
    const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.replace(/^["']|["']$/g, "")) : NaN;
    return Number.isFinite(n) ? n : undefined;
  };
  if (value.env !== undefined) {
    const deployed = deployedEnv[value.env.name];
    if (deployed !== undefined) return asNumber(deployed);
    if (value.env.required) return undefined;
    return asNumber(value.env.defaultLiteral ?? value.env.defaultExpression);
  }
  if (value.kind === "literal") return asNumber(value.literal);
  return undefined;
}

/** `True`, `"true"`, `1`, `"yes"`, `"on"` -> true; the falsy spellings -> false; anything else undefined. */
export function truthy(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value !== "string") return undefined;
  const v = value
    .trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  if (["true", "1", "yes", "on", "y", "t"].includes(v)) return true;
  if (["false", "0", "no", "off", "n", "f", ""].includes(v)) return false;
  return undefined;
}

/** Runtime settings modules: the ones the running app imports (build-only modules are exempt). */
export function runtimeModules(facts: BuildContextFacts): SettingsModuleFacts[] {
  return facts.settings.modules.filter((m) => m.runtime && !m.buildOnly && m.exists);
}
