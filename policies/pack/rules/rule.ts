/**
 * The contract every checklist rule implements: a pure function from the deployment model
 * (resources, workloads, databases, start plans) and its app facts to findings; no I/O.
 * Rules know nothing about CrossGuard, enforcement levels or report formats; pack.ts
 * turns them into policies.
 */
import * as path from "path";
import type { BuildContextFacts, InspectTopic, SettingsModuleFacts, SourceLocation } from "../inspect/facts";
import type { Mode } from "../../mode";
import { CANNOT_BUILD, type Severity } from "../../protocol";
import type { Deployment, InspectedBuild, WebServer } from "../deployment";
import { runsNoDjango } from "../deployment/app-builds";
import { runtimeModules } from "../deployment/setting-values";

/** Where a finding points: a file in the build context, or a resource property. */
export interface Location {
  /** Absolute path of a file in a build context. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** The resource the finding is about; defaults to the resource being analyzed. */
  urn?: string;
  /** Property path on the resource, e.g. `healthcheck.tests` or `envs`. */
  property?: string;
}

export interface Finding {
  /**
   * `violation`: the item fails here. `unverifiable`: the item could not be decided
   * (value unknown during preview, no build context, unreadable file); always advisory.
   */
  kind: "violation" | "unverifiable";
  /** Plain text for a person with no ops background. Never include a secret value. */
  message: string;
  location?: Location;
}

export function violation(message: string, location?: Location): Finding {
  return { kind: "violation", message, location };
}

export function unverifiable(reason: string, location?: Location): Finding {
  return { kind: "unverifiable", message: reason, location };
}

/** A resource as rules see it. In Analyze, `dependencies` and `parent` are unavailable (empty). */
export interface Resource {
  type: string;
  name: string;
  urn: string;
  /**
   * Input properties. Secret values arrive unwrapped (CrossGuard hides secrecy from policies),
   * so never echo a property value into a message.
   */
  props: Record<string, unknown>;
  protect: boolean;
  /** URN of the parent resource (AnalyzeStack only). */
  parent?: string;
  /** URNs this resource depends on (AnalyzeStack only). */
  dependencies: readonly string[];
  /** Property name -> URNs its value came from (AnalyzeStack only). */
  propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

/** What a rule is told besides the deployment: the mode it judges for, and the date it judges on. */
export interface RuleContext {
  mode: Mode;
  /** Today, for end-of-life dates; passed in so a judgement does not depend on the clock. */
  today: Date;
}

/** A finding location for a fact inside a build context (facts carry context-relative paths). */
export function inContext(facts: BuildContextFacts, source: SourceLocation): Location {
  return { file: path.join(facts.context, source.file), line: source.line };
}

/** Returned by a rule whose item does not apply here (the engine counts it neither passed nor failed). */
export const NOT_APPLICABLE = "not-applicable" as const;
export type RuleResult = Finding[] | typeof NOT_APPLICABLE;

/**
 * What a checklist item is, written at the top of its rule so the metadata and the check cannot
 * drift apart (as hadolint's rules do). The catalogue (checklist.ts), the policies and the
 * generated docs/checklist.md are all read from these fields. Policy names are public (pack
 * config, CI logs, SARIF rule ids) and must stay stable.
 */
export interface ChecklistItem {
  /** Checklist id, e.g. "CS-1". */
  id: string;
  /** Stable kebab-case policy name. */
  policy: string;
  category: CategorySlug;
  severity: Severity;
  /** Short title for the report's findings. */
  title: string;
  /** One line: what the policy requires. */
  description: string;
  /** What breaks when it fails. */
  impact: string;
  /** How to fix it. */
  fix: string;
  /** A command or check a person can run to verify the fix. */
  verify: string;
  /** hadolint (DLxxxx) and BuildKit check ids that judge part of the same thing. */
  related?: readonly string[];
  /** Why the severity is what it is: the impact it was calibrated against. */
  severityReason?: string;
}

export type CategorySlug =
  | "container-security"
  | "startup-reliability"
  | "database-safety"
  | "configuration-hygiene"
  | "static-files"
  | "recovery"
  | "hosting-compatibility";

/** Judged once per resource whose type is in `types` (Analyze). */
export interface ResourceRule extends ChecklistItem {
  scope: "resource";
  /** The resource types the rule judges; others are not applicable. */
  types: readonly string[];
  check(resource: Resource, deployment: Deployment, ctx: RuleContext): RuleResult;
}

/** Judged once per stack with every resource, parents and dependencies (AnalyzeStack). */
export interface StackRule extends ChecklistItem {
  scope: "stack";
  /** The resource types the rule reads (documentation: a stack rule sees every resource). */
  types: readonly string[];
  check(deployment: Deployment, ctx: RuleContext): RuleResult;
}

export type Rule = ResourceRule | StackRule;

// -------------------------------------------------------------------------------------------------
// The kit: how rules turn the model's parts into findings the same way.

/** The inspector's "could not decide" notes on the given topics, as findings with file:line. */
export function contextGaps(facts: BuildContextFacts, topics: readonly InspectTopic[]): Finding[] {
  return [
    ...brokenInputs(facts, topics),
    ...facts.unverifiable
      .filter((u) => topics.includes(u.topic))
      .map((u) =>
        unverifiable(u.reason, u.location ? inContext(facts, u.location) : { file: facts.context }),
      ),
  ];
}

/**
 * Broken input on the given topics (a Dockerfile BuildKit rejects, a COPY source missing from the
 * context, a settings syntax error) fails the item: the deployment will break on it. One the image
 * build fails on starts with CANNOT_BUILD, so the report's verdict is "No".
 */
export function brokenInputs(facts: BuildContextFacts, topics: readonly InspectTopic[]): Finding[] {
  return facts.broken
    .filter((b) => topics.includes(b.topic))
    .map((b) =>
      violation(
        b.failsBuild ? `${CANNOT_BUILD} ${b.reason}` : b.reason,
        b.location ? inContext(facts, b.location) : { file: facts.context },
      ),
    );
}

/**
 * The topic of the item that owns a file's failure to parse, and the topic of the items that read
 * that file: a Dockerfile BuildKit rejects is the build's (CS-1), a settings file Python cannot
 * parse is the settings module's existence (CH-8: a module Python cannot import does not exist).
 */
const READ_BY: Partial<Record<InspectTopic, InspectTopic>> = {
  build: "dockerfile",
  "settings-import": "settings",
};

/**
 * One problem is one finding: a file that does not parse fails the item that owns it (READ_BY);
 * every other item that reads the file says it could not judge it, and why, instead of failing on
 * the same line again or judging a file the builder or Python rejects.
 */
export function unreadableInputs(facts: BuildContextFacts, topics: readonly InspectTopic[]): Finding[] {
  return facts.broken
    .filter((b) => {
      const reader = READ_BY[b.topic];
      return (
        b.unreadable !== undefined &&
        reader !== undefined &&
        topics.includes(reader) &&
        !topics.includes(b.topic)
      );
    })
    .map((b) =>
      unverifiable(
        `could not be judged because ${b.unreadable}.`,
        b.location ? inContext(facts, b.location) : { file: facts.context },
      ),
    );
}

/** A whole file of the context (for something absent from it): the file without a line. */
export function wholeFile(facts: BuildContextFacts, file: string | null): Location {
  return { file: file === null ? facts.context : path.join(facts.context, file) };
}

/** Where a finding about a build as a whole points: its Dockerfile, else the context directory. */
export function buildLocation(build: InspectedBuild): Location {
  const file = build.facts.dockerfile?.file;
  return file
    ? inContext(build.facts, { file, line: 1 })
    : { file: build.facts.context, urn: build.image.urn };
}

/**
 * The usual shape of a context-based rule: judge every inspected Django build, say "could not
 * verify" for the application parts that cannot be inspected and for the inspector's gaps on the
 * rule's topics; not applicable when the stack runs no application at all.
 */
export function judgeBuilds(
  deployment: Deployment,
  topics: readonly InspectTopic[],
  judge: (build: InspectedBuild) => Finding[],
  options: { djangoOnly?: boolean } = {},
): Finding[] | typeof NOT_APPLICABLE {
  const { opaque } = deployment.builds;
  // Settings, static files and seeds are Django's: a Flask app's build is not judged on them.
  const inspected =
    options.djangoOnly === false
      ? deployment.builds.inspected
      : deployment.builds.inspected.filter((b) => b.django);
  if (inspected.length === 0 && opaque.length === 0) return NOT_APPLICABLE;
  return [
    ...opaque,
    ...inspected.flatMap((build) => {
      const unreadable = unreadableInputs(build.facts, topics);
      return unreadable.length > 0 ? unreadable : [...contextGaps(build.facts, topics), ...judge(build)];
    }),
  ];
}

/**
 * The usual shape of a rule about the application server: judge every web workload's server, say
 * "could not verify" for the ones whose server cannot be found; not applicable without a web workload.
 */
export function judgeWebServers(
  deployment: Deployment,
  judge: (server: WebServer) => Finding[],
): Finding[] | typeof NOT_APPLICABLE {
  const { servers, unknown, hasWeb } = deployment.webServers;
  if (!hasWeb) return NOT_APPLICABLE;
  return [...unknown, ...servers.flatMap(judge)];
}

/**
 * A rule about the settings the app runs with: `judge` sees each inspected build with its runtime
 * settings modules (build-only ones are exempt); the rest as judgeBuilds on the "settings" topic.
 */
export function judgeSettings(
  deployment: Deployment,
  judge: (modules: readonly SettingsModuleFacts[], build: InspectedBuild) => Finding[],
): Finding[] | typeof NOT_APPLICABLE {
  return judgeBuilds(deployment, ["settings"], (build) => judge(runtimeModules(build.facts), build));
}

/**
 * The shape of a rule about something only some Django apps have (a server's module, a probe's
 * path, a release's management commands): `judge` gives each subject's findings, or null when the
 * subject has nothing of the kind. Not applicable to a stack without Django, nor when no subject had.
 */
export function judgeEach<T>(
  deployment: Deployment,
  subjects: readonly T[],
  judge: (subject: T) => Finding[] | null,
): RuleResult {
  if (runsNoDjango(deployment)) return NOT_APPLICABLE;
  const judged = subjects.map(judge).filter((findings): findings is Finding[] => findings !== null);
  return judged.length === 0 ? NOT_APPLICABLE : judged.flat();
}

/**
 * An item judged in two places: the app's code (settings as written) and the values the
 * deployment hands it. Not applicable only when the code part does not apply and the deployed
 * values show nothing either.
 */
export function codeAndDeployed(code: RuleResult, deployed: readonly Finding[]): RuleResult {
  if (code === NOT_APPLICABLE) return deployed.length === 0 ? code : [...deployed];
  return [...code, ...deployed];
}

/** The findings with the repeats of one message at one place left out (first kept, order kept). */
export function oncePerPlace(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = JSON.stringify([finding.location?.file, finding.location?.line, finding.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
