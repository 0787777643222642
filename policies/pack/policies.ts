/**
 * Turns the checklist and its rules into CrossGuard policies: one policy per checklist
 * item, one validator per policy that branches on the resource type (so the engine's
 * passed / not-applicable summaries are right), enforcement from severity and mode.
 *
 * No policy ever throws: a value unknown during preview, a malformed property or a bug in
 * a rule becomes an advisory "could not verify" finding with the reason.
 */
import type { EnforcementLevel, PolicyResource, ReportViolation } from "@pulumi/policy";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import type { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { isMode, type Mode } from "../mode";
import { COULD_NOT_VERIFY, formatLocationLine, type Severity } from "../protocol";
import { checklistUrl } from "../docs";
import type { ExemptionDecision } from "./exemptions";
import {
  EXEMPTION_CONFIG_SCHEMA,
  ExemptionJudge,
  exemptionLines,
  type ExemptionConfig,
  type ExemptionOptions,
} from "./exemption-judge";
import {
  NOT_APPLICABLE,
  unverifiable,
  type Finding,
  type Resource,
  type RuleContext,
  type RuleResult,
  type Rule,
  type ChecklistItem,
} from "./rules/rule";
import { contextRelative } from "./context-paths";
import { Deployment } from "./deployment";

/** The enforcement level (CrossGuard's EnforcementLevel) an item of `severity` has in `mode`. */
function defaultEnforcement(severity: Severity, mode: Mode): "mandatory" | "advisory" {
  return mode === "production" && (severity === "critical" || severity === "high") ? "mandatory" : "advisory";
}

/**
 * Per-policy config: `{ "<policy>": { "mode": "demo" } }` overrides the stack's mode; the
 * exemption settings add to the stack's exemptions (exemption-judge.ts).
 */
interface PolicyConfig extends ExemptionConfig {
  mode?: string;
}

/** What the pack knows besides the rules: the stack's exemptions, and today for their expiry. */
export type PackOptions = ExemptionOptions;

/**
 * The object form of reportViolation. @pulumi/policy's server accepts it at run time
 * (makeReportViolationFun) to set enforcement per violation, but its typings only declare
 * the string form; "could not verify" must stay advisory under a mandatory policy.
 */
interface ViolationInfo {
  message: string;
  urn?: string;
  enforcementLevel?: EnforcementLevel;
}

export function buildPolicies(
  rules: readonly Rule[],
  stackMode: Mode,
  options: PackOptions = {},
): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const exemptions = new ExemptionJudge(options);
  const seen = new Set<string>();
  return rules.map((rule) => {
    if (seen.has(rule.id) || seen.has(rule.policy)) {
      throw new Error(`checklist item ${rule.id} (${rule.policy}) is defined by more than one rule`);
    }
    seen.add(rule.id).add(rule.policy);
    return policyFor(rule, stackMode, exemptions);
  });
}

function policyFor(
  rule: Rule,
  stackMode: Mode,
  exemptions: ExemptionJudge,
): ResourceValidationPolicy | StackValidationPolicy {
  const item: ChecklistItem = rule;
  const base = {
    name: item.policy,
    description: item.description,
    severity: item.severity,
    enforcementLevel: defaultEnforcement(item.severity, stackMode),
    remediationSteps: item.fix,
    url: checklistUrl(item.id),
    tags: [item.id, item.category],
    configSchema: {
      properties: {
        mode: { type: "string" as const, enum: ["production", "demo"] },
        ...EXEMPTION_CONFIG_SCHEMA,
      },
    },
  };
  if (rule.scope === "resource") {
    return {
      ...base,
      validateResource: async (args: ResourceValidationArgs, report: ReportViolation) => {
        if (!rule.types.includes(args.type)) args.notApplicable(`applies to ${rule.types.join(", ")}`);
        const config = args.getConfig<PolicyConfig>();
        const mode = effectiveMode(config, stackMode);
        const resource = resourceFromArgs(args);
        const result = await judge(async () =>
          rule.check(resource, await Deployment.ofResource(resource), contextFor(mode)),
        );
        if (result === NOT_APPLICABLE) args.notApplicable();
        emit(result, { item, report, defaultUrn: args.urn, stackMode, mode, exemptions, config });
      },
    };
  }
  return {
    ...base,
    validateStack: async (args: StackValidationArgs, report: ReportViolation) => {
      const config = args.getConfig<PolicyConfig>();
      const mode = effectiveMode(config, stackMode);
      const resources = args.resources.map(resourceFromPolicyResource);
      const result = await judge(async () => rule.check(await deploymentOf(resources), contextFor(mode)));
      if (result === NOT_APPLICABLE) args.notApplicable();
      emit(result, { item, report, defaultUrn: undefined, stackMode, mode, exemptions, config });
    },
  };
}

function effectiveMode(config: PolicyConfig | undefined, stackMode: Mode): Mode {
  return isMode(config?.mode) ? config.mode : stackMode;
}

/** Runs a rule; anything it throws (an unknown value, an odd shape, a bug) becomes "could not verify". */
async function judge(check: () => RuleResult | Promise<RuleResult>): Promise<RuleResult> {
  try {
    return await check();
  } catch (error) {
    return [unverifiable(reasonOf(error))];
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    // @pulumi/policy's proxy throws UnknownValueError for values unknown during preview.
    if (error.constructor.name === "UnknownValueError") return error.message;
    return `the rule could not read this resource (${error.message})`;
  }
  return "the rule could not read this resource";
}

interface EmitOptions {
  item: ChecklistItem;
  report: ReportViolation;
  defaultUrn: string | undefined;
  stackMode: Mode;
  mode: Mode;
  exemptions: ExemptionJudge;
  config: PolicyConfig | undefined;
}

function emit(findings: Finding[], options: EmitOptions): void {
  const { item, report, defaultUrn, stackMode, mode } = options;
  for (const finding of findings) {
    const urn = finding.location?.urn ?? defaultUrn;
    let decision: ExemptionDecision;
    try {
      decision = options.exemptions.judge(item, options.config, mode, finding, urn);
    } catch (error) {
      // Broken pack config is a failure, not a finding to wave through.
      const why = error instanceof Error ? error.message : String(error);
      reportWithLevel(report, { message: `${item.description}\n${why}`, urn, enforcementLevel: "mandatory" });
      continue;
    }
    const lines = locationLine(finding, urn) + exemptionLines(decision);
    const message = messageFor(item, finding) + lines;
    if (finding.kind === "unverifiable" || decision.kind === "exempted") {
      reportWithLevel(report, { message, urn, enforcementLevel: "advisory" });
    } else if (mode !== stackMode) {
      // A pack-config mode override changes the level this violation carries.
      reportWithLevel(report, { message, urn, enforcementLevel: defaultEnforcement(item.severity, mode) });
    } else {
      report(finding.message + lines, urn);
    }
  }
}

function reportWithLevel(report: ReportViolation, info: ViolationInfo): void {
  (report as unknown as (info: ViolationInfo) => void)(info);
}

/** Same shape as the string form (description, then detail) so every violation reads alike. */
function messageFor(item: ChecklistItem, finding: Finding): string {
  const detail = finding.kind === "unverifiable" ? `${COULD_NOT_VERIFY} ${finding.message}` : finding.message;
  return `${item.description}\n${detail}`;
}

/** The machine-readable last line the report parses (policies/protocol.ts). */
function locationLine(finding: Finding, urn: string | undefined): string {
  const loc = finding.location;
  if (loc === undefined) return "";
  const file = loc.file === undefined ? undefined : contextRelative(loc.file);
  const line = formatLocationLine({
    file,
    line: file === undefined ? undefined : loc.line,
    urn,
    property: loc.property,
  });
  return line === undefined ? "" : `\n${line}`;
}

/** What Analyze and AnalyzeStack both tell about a resource; only AnalyzeStack knows its graph. */
function resourceCore(r: Pick<PolicyResource, "type" | "name" | "urn" | "props" | "opts">) {
  return { type: r.type, name: r.name, urn: r.urn, props: r.props, protect: r.opts?.protect === true };
}

function resourceFromArgs(args: ResourceValidationArgs): Resource {
  return { ...resourceCore(args), parent: args.opts?.parent, dependencies: [], propertyDependencies: {} };
}

function resourceFromPolicyResource(r: PolicyResource): Resource {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [prop, deps] of Object.entries(r.propertyDependencies ?? {})) {
    propertyDependencies[prop] = deps.map((d) => d.urn);
  }
  return {
    ...resourceCore(r),
    parent: r.parent?.urn,
    dependencies: (r.dependencies ?? []).map((d) => d.urn),
    propertyDependencies,
  };
}

function contextFor(mode: Mode): RuleContext {
  return { mode, today: new Date() };
}

/**
 * AnalyzeStack hands every stack policy its own copy of the same resources; the model (and its app
 * facts) is built for the first and reused by the others. The key is the resources' content, so a
 * different stack, or the same one changed, gets its own model.
 */
const recentDeployments = new Map<string, Promise<Deployment>>();
const RECENT_DEPLOYMENTS = 4;

function deploymentOf(resources: readonly Resource[]): Promise<Deployment> {
  const key = fingerprint(resources);
  let deployment = recentDeployments.get(key);
  if (deployment === undefined) {
    deployment = Deployment.build(resources);
    recentDeployments.set(key, deployment);
    const oldest = recentDeployments.keys().next().value;
    if (recentDeployments.size > RECENT_DEPLOYMENTS && oldest !== undefined) recentDeployments.delete(oldest);
  }
  return deployment;
}

/** The policy SDK's property proxy hands out its plain target on this key (policy/proxy.js). */
const PROXY_TARGET = "__getSpecialProxyTarget";

function fingerprint(resources: readonly Resource[]): string {
  return JSON.stringify(
    resources.map((r) => [
      r.urn,
      r.type,
      r.protect,
      r.parent ?? null,
      r.dependencies,
      r.propertyDependencies,
      (r.props as Record<string, unknown>)[PROXY_TARGET] ?? r.props,
    ]),
  );
}
