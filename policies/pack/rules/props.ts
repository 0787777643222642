/**
 * The property reader of the rules. Policies see whatever a program sent: wrong types, nulls,
 * odd shapes. The total readers (`str`, `num`, `list`...) never throw on odd values; they return
 * undefined and the rule decides whether that is a violation or "could not verify".
 * `readProperty` does the usual deciding in one call: a value, or the finding that says why it
 * cannot be known (unknown during preview, set to an unexpected shape).
 */
import { isUnknown, UNKNOWN } from "../../protocol";
import { unverifiable, type Finding, type Resource } from "./rule";

export { isUnknown, UNKNOWN };

function step(value: unknown, key: string | number): unknown {
  if (value === null || typeof value !== "object") return undefined;
  try {
    return (value as Record<string | number, unknown>)[key];
  } catch (error) {
    // The policy SDK's property proxy throws on reading a value unknown during preview; every
    // reader here treats it as the sentinel instead, so one unknown leaf stops no other read.
    if (error instanceof Error && error.constructor.name === "UnknownValueError") return UNKNOWN;
    throw error;
  }
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

/**
 * A shape a property is expected to have. Readers above turn a wrong shape into undefined, which a
 * rule cannot tell from "not set"; `unexpectedShape` tells them apart so the rule can say it could
 * not read the value instead of blaming a missing setting.
 */
export interface Shape {
  /** What the value should be, for a message: "a string", "a list". */
  label: string;
  accepts(value: unknown): boolean;
}

export const STRING: Shape = { label: "a string", accepts: (v) => typeof v === "string" };
/** What `num` reads: a finite number, or a string that holds one. */
export const NUMBER: Shape = { label: "a number", accepts: (v) => num(v) !== undefined };
export const BOOLEAN: Shape = { label: "true or false", accepts: (v) => typeof v === "boolean" };
export const LIST: Shape = { label: "a list", accepts: Array.isArray };
export const OBJECT: Shape = { label: "an object", accepts: (v) => record(v) !== undefined };

/** A string that also matches `pattern` (a version number, a bounded reference). */
export function patterned(label: string, pattern: RegExp): Shape {
  return { label, accepts: (v) => typeof v === "string" && pattern.test(v) };
}

/** The shape a value has, for a message; never the value itself (it may be a secret). */
export function shapeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `a string of ${value.length} characters`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/**
 * How the value at `path` misses its expected shape ("a string instead of a list"), or undefined
 * when it is absent (undefined), unknown during preview, or one of the `expected` shapes. Null is
 * present: a program that sends null where a value belongs did not leave the setting out.
 */
export function unexpectedShape(value: unknown, path: string, ...expected: Shape[]): string | undefined {
  const v = at(value, path);
  if (v === undefined || isUnknown(v) || expected.some((shape) => shape.accepts(v))) return undefined;
  return `${shapeOf(v)} instead of ${expected.map((shape) => shape.label).join(" or ")}`;
}

/** Expected shapes by property path, relative to `base` (a container inside the resource). */
export type ShapeChecks = Readonly<Record<string, Shape | readonly Shape[]>>;

/**
 * One finding per property of `checks` that is present on `value` (the resource's props unless
 * given) with none of its expected shapes; each finding's `property` is the full path.
 */
export function misshapen(
  resource: Resource,
  checks: ShapeChecks,
  value: unknown = resource.props,
  base = "",
): Finding[] {
  const findings: Finding[] = [];
  for (const [path, shapes] of Object.entries(checks)) {
    const how = unexpectedShape(value, path, ...([] as Shape[]).concat(shapes));
    if (how === undefined) continue;
    const property = base === "" ? path : `${base}.${path}`;
    findings.push(
      unverifiable(
        `${resource.name} has ${property} of an unexpected shape (${how}), so it could not be checked.`,
        {
          urn: resource.urn,
          property,
        },
      ),
    );
  }
  return findings;
}

/** The property paths the findings of `misshapen` name. */
export function unreadable(findings: readonly Finding[]): Set<string> {
  return new Set(findings.flatMap((f) => (f.location?.property === undefined ? [] : [f.location.property])));
}

/** A property read for judging: its value, or the finding that says why it cannot be judged. */
export type PropertyRead = { value: unknown } | { finding: Finding };

/**
 * The value at `path` of the resource, unless it is unknown during preview (the finding says
 * `unknown`) or set to none of the `shape`s (the finding names the shape it has).
 */
export function readProperty(
  resource: Resource,
  path: string,
  { unknown, shape }: { unknown: string; shape?: Shape },
): PropertyRead {
  const value = at(resource.props, path);
  if (isUnknown(value)) return { finding: unverifiable(unknown, { property: path }) };
  const [odd] = shape === undefined ? [] : misshapen(resource, { [path]: shape });
  return odd === undefined ? { value } : { finding: odd };
}
