/**
 * Resources as rules see them, built in a line: `resource(DOCKER.container, "web", { image: "app" })`.
 * `judge(rule, resources, context(mode))` builds the deployment model of the resources (its app
 * facts from the real inspectors) the way the pack does, and runs the rule on it.
 */
import type { Mode } from "../../policies/mode";
import { Deployment, type InspectImage } from "../../policies/pack/deployment";
import type { Resource, Rule, RuleContext, RuleResult } from "../../policies/pack/rules/rule";

export interface ResourceOptions {
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  parent?: string;
  protect?: boolean;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::agency-deploy::${type}::${name}`;
}

export function resource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  options: ResourceOptions = {},
): Resource {
  return {
    type,
    name,
    urn: urnOf(type, name),
    props,
    protect: options.protect ?? false,
    parent: options.parent,
    dependencies: options.dependencies ?? [],
    propertyDependencies: options.propertyDependencies ?? {},
  };
}

export function context(mode: Mode = "production", today: Date = new Date()): RuleContext {
  return { mode, today };
}

/**
 * A resource rule on one resource (Analyze), or a stack rule on a stack (AnalyzeStack). `inspect`
 * reads the images' build contexts (default: from disk; inline-app.ts holds them in memory).
 */
export async function judge(
  rule: Rule,
  input: Resource | readonly Resource[],
  ctx: RuleContext = context(),
  inspect?: InspectImage,
): Promise<RuleResult> {
  if (rule.scope === "resource") {
    if (!("urn" in input)) throw new Error(`${rule.id} judges one resource at a time`);
    return rule.check(input, await Deployment.ofResource(input, inspect), ctx);
  }
  return rule.check(await Deployment.build("urn" in input ? [input] : input, inspect), ctx);
}

/** Matches a violation located on the resource property `property`. */
export function violationOn(property: string): unknown {
  return expect.objectContaining({ kind: "violation", location: expect.objectContaining({ property }) });
}
