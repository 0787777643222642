/**
 * Resources as rules see them, built in a line: `resource(DOCKER.container, "web", { image: "app" })`.
 * `context(mode)` gives a RuleContext whose build-context facts come from the real inspectors.
 */
import type { Mode } from "../../policies/mode";
import { buildContext } from "../../policies/pack/policies";
import type { Resource, RuleContext } from "../../policies/pack/rules/rule";

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

export function context(mode: Mode = "production"): RuleContext {
  return { mode, buildContext };
}
