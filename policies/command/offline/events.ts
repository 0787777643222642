import type {
  EngineEvent,
  PolicyEventPayload,
  PolicySummaryPayload,
  StepMetadata,
} from "../../engine-events";
import type { AnalyzeResult, AnalyzerInfo, Diagnostic, EnforcementLevel } from "./analyzer";
import type { EngineResource } from "./resource-graph";
import { SECRET_SIG, SIG_KEY, stackUrn, type WireObject, type WireValue } from "./registration";

/** The stream this module writes, in the engine's own shapes (engine-events.ts). */
export type { EngineEvent } from "../../engine-events";

/** What one pack said about the deployment. */
export interface PackAnalysis {
  info: AnalyzerInfo;
  /** Analyze results by resource URN. */
  resources: Map<string, AnalyzeResult>;
  stack: AnalyzeResult;
}

export interface EventStreamInput {
  project: string;
  stack: string;
  /** The stack config as the program saw it (secure values are already placeholders). */
  config: Record<string, string>;
  resources: EngineResource[];
  packs: PackAnalysis[];
  durationSeconds: number;
  /** Unix seconds for every event's timestamp; defaults to now. */
  timestamp?: number;
}

/** The engine shows secrets as "[secret]" unless --show-secrets. */
export function maskSecrets(value: WireValue): WireValue {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value !== null && typeof value === "object") {
    if (value[SIG_KEY] === SECRET_SIG) return "[secret]";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}

// Stack and resource policies report "remediate" as mandatory once the violation stands.
function effectiveLevel(level: EnforcementLevel): "advisory" | "mandatory" {
  return level === "advisory" ? "advisory" : "mandatory";
}

function policyEvent(urn: string, d: Diagnostic): PolicyEventPayload {
  const event: PolicyEventPayload = {
    resourceUrn: urn,
    // The engine wraps the message in colour tags (colors.SpecNote is a reset) and ends the line.
    message: `<{%reset%}>${d.message}<{%reset%}>\n`,
    color: "raw",
    policyName: d.policyName,
    policyPackName: d.policyPackName,
    policyPackVersion: d.policyPackVersion,
    policyPackVersionTag: d.policyPackVersion,
    enforcementLevel: effectiveLevel(d.enforcementLevel),
  };
  if (d.severity) event.severity = d.severity;
  return event;
}

/**
 * passed = every policy of the kind, minus disabled, not-applicable and failed ones; failed = the
 * policies with a diagnostic. Both sorted (newPolicySummary in pulumi's resource analyzer).
 * Packs that do not report a policy's kind have it counted for both kinds, as the engine does.
 */
export function policySummary(
  kind: "resource" | "stack",
  urn: string | undefined,
  result: AnalyzeResult,
  info: AnalyzerInfo,
): PolicySummaryPayload {
  const failed = new Set(result.diagnostics.map((d) => d.policyName));
  const notApplicable = new Set(result.notApplicable.map((n) => n.policyName));
  const passed = info.policies
    .filter((p) => p.type === kind || p.type === "unknown")
    .filter((p) => p.enforcementLevel !== "disabled" && !failed.has(p.name) && !notApplicable.has(p.name))
    .map((p) => p.name);
  const summary: PolicySummaryPayload = {
    ...(urn !== undefined ? { resourceUrn: urn } : {}),
    policyPackName: info.name,
    policyPackVersion: info.version,
    policyPackVersionTag: info.version,
  };
  const sorted = (names: Iterable<string>): string[] => [...new Set(names)].sort();
  if (passed.length > 0) summary.passed = sorted(passed);
  if (failed.size > 0) summary.failed = sorted(failed);
  return summary;
}

function stepMetadata(resource: EngineResource): StepMetadata {
  const r = resource.registration;
  const provider = r.provider || (resource.provider ? `${resource.provider.urn}::${r.id}` : "");
  return {
    op: "create",
    urn: r.urn,
    type: r.type,
    old: null,
    new: {
      type: r.type,
      urn: r.urn,
      custom: r.custom,
      id: "",
      parent: r.parent,
      ...(r.options.protect ? { protect: true } : {}),
      ...(r.options.retainOnDelete ? { retainOnDelete: true } : {}),
      ...(r.dependencies.length > 0 ? { dependencies: r.dependencies } : {}),
      inputs: maskSecrets(r.inputs) as WireObject,
      outputs: {},
      ...(provider ? { provider } : {}),
    },
    detailedDiff: null,
    logical: true,
    provider,
  };
}

/** Build the event stream `pulumi preview --policy-pack ...` would emit for a fresh stack. */
export function buildEventStream(input: EventStreamInput): EngineEvent[] {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const events: EngineEvent[] = [];
  const emit = (body: Omit<EngineEvent, "sequence" | "timestamp">): void => {
    events.push({ sequence: events.length, timestamp, ...body });
  };
  let mandatory = false;

  emit({ policyLoadEvent: {} });
  emit({ preludeEvent: { config: { ...input.config } } });
  const urns = new Set(input.resources.map((r) => r.registration.urn));
  for (const resource of input.resources) {
    const urn = resource.registration.urn;
    for (const pack of input.packs) {
      const result = pack.resources.get(urn) ?? { diagnostics: [], notApplicable: [] };
      for (const d of result.diagnostics) {
        if (effectiveLevel(d.enforcementLevel) === "mandatory") mandatory = true;
        emit({ policyEvent: policyEvent(urn, d) });
      }
      emit({ policyAnalyzeSummaryEvent: policySummary("resource", urn, result, pack.info) });
    }
    emit({ resourcePreEvent: { metadata: stepMetadata(resource), planning: true } });
  }
  const root = stackUrn(input.project, input.stack);
  for (const pack of input.packs) {
    for (const d of pack.stack.diagnostics) {
      if (effectiveLevel(d.enforcementLevel) === "mandatory") mandatory = true;
      // A stack policy may name the resource it is about; otherwise the violation is the stack's.
      emit({ policyEvent: policyEvent(d.urn !== "" && urns.has(d.urn) ? d.urn : root, d) });
    }
    emit({ policyAnalyzeStackSummaryEvent: policySummary("stack", undefined, pack.stack, pack.info) });
  }
  const creates = input.resources.filter((r) => !r.registration.type.startsWith("pulumi:providers:")).length;
  emit({
    summaryEvent: {
      maybeCorrupt: false,
      durationSeconds: Math.round(input.durationSeconds),
      resourceChanges: creates > 0 ? { create: creates } : {},
      PolicyPacks: Object.fromEntries(input.packs.map((p) => [p.info.name, p.info.version])),
      isPreview: true,
      result: mandatory ? "failed" : "succeeded",
    },
  });
  return events;
}

/** True when a stream holds a mandatory policy violation (the CI gate). */
export function hasMandatoryViolation(events: readonly EngineEvent[]): boolean {
  return events.some((e) => e.policyEvent?.enforcementLevel === "mandatory");
}

export function toNdjson(events: readonly EngineEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join("\n") + "\n";
}
