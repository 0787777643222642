/**
 * Total readers for resource properties. Policies see whatever a program sent: wrong
 * types, nulls, odd shapes. These never throw on odd values; they return undefined and
 * the rule decides whether that is a violation or "could not verify".
 */

/** The sentinel the engine sends for values unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

function step(value: unknown, key: string | number): unknown {
  if (value === null || typeof value !== "object") return undefined;
  return (value as Record<string | number, unknown>)[key];
}

/** Value at a dotted path (`healthcheck.tests`, `ports.0.external`), or undefined. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === undefined) return undefined;
    current = step(current, /^\d+$/.test(key) ? Number(key) : key);
  }
  return current;
}

export function str(value: unknown, path?: string): string | undefined {
  const v = path === undefined ? value : at(value, path);
  return typeof v === "string" && !isUnknown(v) ? v : undefined;
}

export function num(value: unknown, path?: string): number | undefined {
  const v = path === undefined ? value : at(value, path);
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function bool(value: unknown, path?: string): boolean | undefined {
  const v = path === undefined ? value : at(value, path);
  return typeof v === "boolean" ? v : undefined;
}

export function list(value: unknown, path?: string): unknown[] {
  const v = path === undefined ? value : at(value, path);
  return Array.isArray(v) ? v : [];
}

export function record(value: unknown, path?: string): Record<string, unknown> | undefined {
  const v = path === undefined ? value : at(value, path);
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** `["A=1", "B=x=y"]` (docker envs) -> `{A: "1", B: "x=y"}`; malformed entries are skipped. */
export function envList(value: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of list(value)) {
    if (typeof entry !== "string") continue;
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
