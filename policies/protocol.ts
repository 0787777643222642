/**
 * What the pack writes into a violation and the report reads back. A policy event carries
 * only a resource URN and a free-text message, so the pack puts the precise location on a
 * line of its own, and marks findings it could not decide:
 *
 *   could not verify: <reason>       advisory, whatever the policy's level
 *   Location: <file>:<line>          a file in a build context (e.g. `/app/Dockerfile:12`)
 *   Location: <resource> <property>  a resource (URN or name) and a property path
 *   Location: <resource>             a resource
 */

export const PACK_NAME = "deployment-reliability";

export const COULD_NOT_VERIFY = "could not verify:";

/** Starts a violation whose input the image build fails on: the report's verdict is then "No". */
export const CANNOT_BUILD = "the image cannot be built:";

/** A checklist item's severity; with the mode it sets the policy's enforcement. */
export type Severity = "critical" | "high" | "medium" | "low";

export interface FindingLocation {
  file?: string;
  /** 1-based. */
  line?: number;
  urn?: string;
  /** Property path on the resource, e.g. `healthcheck.tests`. */
  property?: string;
  /** Resource name when the location names a resource by name rather than by URN. */
  resourceName?: string;
}

/** The sentinel the engine sends for values unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

export const LOCATION_PREFIX = "Location:";

const URN_PREFIX = "urn:pulumi:";
const LOCATION_LINE = /^[ \t]*Location:[ \t]*(.*?)[ \t]*$/m;
const FILE_AND_LINE = /^(.+):(\d+)$/;

/** The message line the pack appends for a location, or undefined when there is nothing to say. */
export function formatLocationLine(location: FindingLocation): string | undefined {
  if (location.file !== undefined) {
    return `${LOCATION_PREFIX} ${location.file}${location.line !== undefined ? `:${location.line}` : ""}`;
  }
  const resource = location.urn ?? location.resourceName;
  if (resource === undefined) return undefined;
  return `${LOCATION_PREFIX} ${resource}${location.property !== undefined ? ` ${location.property}` : ""}`;
}

/** Reads the `Location:` line of a message; `text` is the message without that line. */
export function parseLocationLine(message: string): { text: string; location: FindingLocation } {
  const match = LOCATION_LINE.exec(message);
  if (!match) return { text: message, location: {} };
  const text = (message.slice(0, match.index) + message.slice(match.index + match[0].length))
    .replace(/\n{2,}/g, "\n")
    .trim();
  return { text, location: parseLocationValue(match[1] ?? "") };
}

function parseLocationValue(value: string): FindingLocation {
  const fileAndLine = FILE_AND_LINE.exec(value);
  if (fileAndLine && !value.startsWith(URN_PREFIX)) {
    return { file: fileAndLine[1], line: Number(fileAndLine[2]) };
  }
  const space = value.search(/\s/);
  const resource = space < 0 ? value : value.slice(0, space);
  const property = space < 0 ? undefined : value.slice(space).trim() || undefined;
  if (resource === "") return {};
  const named = resource.startsWith(URN_PREFIX) ? { urn: resource } : { resourceName: resource };
  return property === undefined ? named : { ...named, property };
}
