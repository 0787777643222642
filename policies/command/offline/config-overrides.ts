import { configText, type StackConfig } from "./project";
import { UsageError } from "./usage-error";

export const NAMESPACE = "agency-deploy";

/** `mode` -> `agency-deploy:mode`; keys with a namespace are kept. Returns [configKey, path inside its value]. */
export function splitKey(key: string): [string, string[]] {
  const full = key.includes(":") ? key : `${NAMESPACE}:${key}`;
  const colon = full.indexOf(":");
  const [head, ...rest] = full.slice(colon + 1).split(".");
  if (head === "" || rest.some((p) => p === "")) throw new UsageError(`invalid config key "${key}"`);
  return [`${full.slice(0, colon)}:${head}`, rest];
}

/** VALUE is JSON when it parses as JSON (numbers, booleans, objects), text otherwise. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function currentObject(config: StackConfig, key: string): Record<string, unknown> {
  const text = config.values[key];
  if (text === undefined) return {};
  const value = parseValue(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`cannot set a path inside ${key}: its value is not an object`);
  }
  return value as Record<string, unknown>;
}

/** The value at `key` (with an optional .path), or undefined. */
export function getConfigValue(config: StackConfig, key: string): unknown {
  const [configKey, path] = splitKey(key);
  const text = config.values[configKey];
  if (text === undefined) return undefined;
  let value: unknown = path.length === 0 ? text : parseValue(text);
  for (const part of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Set `key` (optionally a .path into an object value); `undefined` removes it. */
export function setConfigValue(config: StackConfig, key: string, value: unknown): StackConfig {
  const [configKey, path] = splitKey(key);
  const values = { ...config.values };
  if (path.length === 0) {
    if (value === undefined) delete values[configKey];
    else values[configKey] = configText(value);
  } else {
    const root = currentObject(config, configKey);
    let node: Record<string, unknown> = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      node[part] = typeof next === "object" && next !== null && !Array.isArray(next) ? { ...next } : {};
      node = node[part] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (value === undefined) delete node[last];
    else node[last] = value;
    values[configKey] = JSON.stringify(root);
  }
  // An overridden value is the user's plain text now, not the stack file's secure value.
  const secretKeys = config.secretKeys.filter((k) => k !== configKey || path.length > 0);
  return { ...config, values, secretKeys };
}

/** Parse repeated `--config KEY=VALUE` arguments. */
export function parseAssignments(assignments: readonly string[]): [string, unknown][] {
  return assignments.map((a) => {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new UsageError(`--config expects KEY=VALUE, got "${a}"`);
    const key = a.slice(0, eq);
    splitKey(key);
    return [key, parseValue(a.slice(eq + 1))];
  });
}
