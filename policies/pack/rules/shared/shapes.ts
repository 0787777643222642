/**
 * "Could not verify" findings for properties that are set but of the wrong shape (a string where
 * a list belongs, a word where a version belongs). Rules check these before reading, so an
 * unreadable value is reported as unreadable rather than passed as "not set" or blamed as missing.
 */
import { unexpectedShape, type Shape } from "../props";
import { unverifiable, type Finding, type Resource } from "../rule";

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
