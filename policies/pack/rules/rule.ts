/**
 * The contract every checklist rule implements: a pure function from what the engine
 * shows (resources, their options and dependencies, build-context facts) to findings.
 * Rules know nothing about CrossGuard, enforcement levels or report formats; pack.ts
 * turns them into policies.
 */
import * as path from "path";
import type { BuildContextFacts, SourceLocation } from "../inspect/facts";
import type { Mode } from "../../mode";
import type { Severity } from "../../protocol";

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

export interface RuleContext {
  mode: Mode;
  /**
   * Facts about a docker Image resource's build context (Dockerfile, .dockerignore, entrypoint,
   * settings, requirements), or undefined when the image is not built from a local context.
   * `settingsModule` is the DJANGO_SETTINGS_MODULE the deployment sets at run time, when known.
   */
  buildContext(image: Resource, settingsModule?: string): Promise<BuildContextFacts | undefined>;
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
  check(resource: Resource, ctx: RuleContext): RuleResult | Promise<RuleResult>;
}

/** Judged once per stack with every resource, parents and dependencies (AnalyzeStack). */
export interface StackRule extends ChecklistItem {
  scope: "stack";
  /** The resource types the rule reads (documentation: a stack rule sees every resource). */
  types: readonly string[];
  check(resources: readonly Resource[], ctx: RuleContext): RuleResult | Promise<RuleResult>;
}

export type Rule = ResourceRule | StackRule;
