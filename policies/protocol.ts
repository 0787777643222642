/**
 * What the pack writes into a violation and the report reads back. A policy event carries
 * only a resource URN and a free-text message, so the pack puts the precise location on a
 * line of its own, and marks findings it could not decide:
 *
 *   could not verify: <reason>       advisory, whatever the policy's level
 *   Location: <file>:<line>          a file in a build context (e.g. `/app/Dockerfile:12`)
 *   Location: <resource> <property>  a resource (URN or name) and a property path
 *   Location: <resource>             a resource
 *   Exempted: <reason>               an exemption applies (the pack reports it advisory)
 *   Exemption: <source>[, until <date>]   where it was declared (`pragma at line 3` is in-source)
 *   Exemption not applied: <why>     an exemption matched but does not apply (expired, refused)
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
  // A whole file without a line (`Location: /app/config/settings.py`): absolute, no spaces.
  if (!value.startsWith(URN_PREFIX) && /^(\/|[A-Za-z]:[\\/])\S*$/.test(value)) return { file: value };
  const space = value.search(/\s/);
  const resource = space < 0 ? value : value.slice(0, space);
  const property = space < 0 ? undefined : value.slice(space).trim() || undefined;
  if (resource === "") return {};
  const named = resource.startsWith(URN_PREFIX) ? { urn: resource } : { resourceName: resource };
  return property === undefined ? named : { ...named, property };
}

/**
 * A container label the command sets on a compose service it translates: the environment
 * variables whose value is the default written in the compose file (`${DATABASE_URL:-postgres://...}`),
 * comma-separated. It is what runs when the deployment forgets to set them.
 */
export const COMPOSE_DEFAULTED_ENV_LABEL = "agency-deploy.compose.defaulted-env";

/**
 * The label a translated service carries when variables reach it from outside the repository: a
 * compose `env_file` created on the server, a platform's dashboard. Any variable may come from
 * there; the value says where, for people.
 */
export const UNSEEN_ENV_LABEL = "agency-deploy.env-outside-repository";

/** The label a translated compose service carries for `deploy.replicas` / `scale`: how many containers run it. */
export const COMPOSE_REPLICAS_LABEL = "com.docker.compose.replicas";

/**
 * The label `docker compose` puts on every container of a service (and the command's translation
 * of a compose file does too): the container runs under compose, where nothing proceeds past an
 * unhealthy service except what `depends_on: {condition: service_healthy}` makes wait.
 */
export const COMPOSE_SERVICE_LABEL = "com.docker.compose.service";

export const EXEMPTED_PREFIX = "Exempted:";
export const EXEMPTION_PREFIX = "Exemption:";
export const NOT_APPLIED_PREFIX = "Exemption not applied:";

/** An exemption as the report reads it back. */
export interface ExemptionNote {
  reason: string;
  /** `agency-deploy:exemptions[0]`, `<policy>.exemptions[1] (pack config)`, `pragma at line 3`. */
  source: string;
  /** SARIF suppression kind: a pragma sits in the source, config is external. */
  kind: "inSource" | "external";
  expires?: string;
}

const IN_SOURCE = /^pragma\b/;

/** The lines the pack appends for an applied exemption. */
export function formatExemptionLines(exemption: Omit<ExemptionNote, "kind">): string {
  const until = exemption.expires !== undefined ? `, until ${exemption.expires}` : "";
  return `${EXEMPTED_PREFIX} ${exemption.reason}\n${EXEMPTION_PREFIX} ${exemption.source}${until}`;
}

export function formatNotAppliedLine(why: string): string {
  return `${NOT_APPLIED_PREFIX} ${why}`;
}

function takeLine(lines: string[], prefix: string): string | undefined {
  const index = lines.findIndex((line) => line.trim().startsWith(prefix));
  if (index < 0) return undefined;
  const [line = ""] = lines.splice(index, 1);
  return line.trim().slice(prefix.length).trim();
}

/** Reads the exemption lines of a message; `text` is the message without them. */
export function parseExemptionLines(message: string): {
  text: string;
  exemption?: ExemptionNote;
  notApplied?: string;
} {
  const lines = message.split("\n");
  // "Exemption not applied:" first: "Exemption:" is its prefix's prefix only after "Exemption".
  const notApplied = takeLine(lines, NOT_APPLIED_PREFIX);
  const reason = takeLine(lines, EXEMPTED_PREFIX);
  const declared = takeLine(lines, EXEMPTION_PREFIX);
  const text = lines.join("\n").trim();
  const result: { text: string; exemption?: ExemptionNote; notApplied?: string } = { text };
  if (notApplied !== undefined) result.notApplied = notApplied;
  if (reason !== undefined) {
    const until = /^(.*), until (\d{4}-\d{2}-\d{2})$/.exec(declared ?? "");
    const source = until?.[1] ?? declared ?? "not recorded";
    result.exemption = {
      reason,
      source,
      kind: IN_SOURCE.test(source) ? "inSource" : "external",
      ...(until?.[2] !== undefined ? { expires: until[2] } : {}),
    };
  }
  return result;
}

/**
 * Set by the `agency-deploy` command when it judges an app's own deployment: the repository root,
 * which the pack's file locations are then relative to. The Pulumi CLI never sets it, so in a real
 * preview they are relative to each build context; neither carries this machine's paths.
 */
export const SOURCE_ROOT_ENV = "AGENCY_DEPLOY_SOURCE_ROOT";
