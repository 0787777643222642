/** Resource locations as the report shows them. */
export { formatLocationLine, LOCATION_PREFIX, parseLocationLine, type FindingLocation } from "../../protocol";

const URN_PREFIX = "urn:pulumi:";

/** The parts of a Pulumi URN: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export interface ParsedUrn {
  stack: string;
  project: string;
  /** The resource's own type (the last `$`-separated part of the qualified type). */
  type: string;
  name: string;
}

export function parseUrn(urn: string): ParsedUrn | undefined {
  if (!urn.startsWith(URN_PREFIX)) return undefined;
  const parts = urn.slice(URN_PREFIX.length).split("::");
  if (parts.length < 4) return undefined;
  const [stack, project, qualifiedType, ...name] = parts as [string, string, string, ...string[]];
  const type = qualifiedType.split("$").pop() ?? qualifiedType;
  // A resource name may itself contain "::"; everything after the type is the name.
  return { stack, project, type, name: name.join("::") };
}
