/**
 * The engine's event stream, in one place for both sides of it: what the offline runner writes
 * the way `pulumi preview --policy-pack` does, and what the report reads back, whatever carried it
 * (`PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json`, an `--event-log` file, or
 * Automation API `onEvent`). Each is the engine's apitype.EngineEvent: one `<kind>Event` object
 * per event, with the JSON field names of ../shared/testdata/pulumi-eventstreams.
 *
 * The interfaces are the shapes the engine writes; the schemas are how the report reads them,
 * leniently (older CLIs leave fields out, newer ones add kinds the report skips).
 */
import { z } from "zod";
import type { Severity } from "./protocol";

/** `policyEvent`: one violation of one policy, on a resource or the stack. */
export interface PolicyEventPayload {
  resourceUrn: string;
  message: string;
  color: "raw";
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  policyPackVersionTag: string;
  enforcementLevel: "advisory" | "mandatory";
  severity?: Severity;
}

/** `policyAnalyzeSummaryEvent` (per resource) or `policyAnalyzeStackSummaryEvent` (no resourceUrn). */
export interface PolicySummaryPayload {
  resourceUrn?: string;
  policyPackName: string;
  policyPackVersion: string;
  policyPackVersionTag: string;
  passed?: string[];
  failed?: string[];
}

/** The step a `resourcePreEvent` announces (a preview of a fresh stack creates everything). */
export interface StepMetadata {
  op: "create";
  urn: string;
  type: string;
  old: null;
  new: {
    type: string;
    urn: string;
    custom: boolean;
    id: string;
    parent: string;
    protect?: boolean;
    retainOnDelete?: boolean;
    dependencies?: string[];
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    provider?: string;
  };
  detailedDiff: null;
  logical: true;
  provider: string;
}

/** `summaryEvent`: the run's end. The engine spells `PolicyPacks` with a capital (no JSON tag). */
export interface SummaryEventPayload {
  maybeCorrupt: boolean;
  durationSeconds: number;
  resourceChanges: Record<string, number>;
  PolicyPacks: Record<string, string>;
  isPreview: boolean;
  result: "succeeded" | "failed";
}

export interface EngineEvent {
  sequence: number;
  timestamp: number;
  policyLoadEvent?: Record<string, never>;
  preludeEvent?: { config: Record<string, string> };
  resourcePreEvent?: { metadata: StepMetadata; planning: true };
  policyEvent?: PolicyEventPayload;
  policyAnalyzeSummaryEvent?: PolicySummaryPayload;
  policyAnalyzeStackSummaryEvent?: PolicySummaryPayload;
  summaryEvent?: SummaryEventPayload;
}

/** Kinds whose `metadata.urn` names a resource (the report lists every resource a run named). */
export const RESOURCE_STEP_EVENTS = ["resourcePreEvent", "resOutputsEvent", "resOpFailedEvent"] as const;

// -------------------------------------------------------------------------------------------------
// Reading: the same payloads, with what older engines leave out made optional.

const nameList = z
  .array(z.string())
  .nullish()
  .transform((names) => names ?? []);

export const policyEventSchema = z.object({
  resourceUrn: z.string().nullish(),
  message: z.string(),
  policyName: z.string(),
  policyPackName: z.string().nullish(),
  policyPackVersion: z.string().nullish(),
  enforcementLevel: z.string().nullish(),
  severity: z.string().nullish(),
});

export const analyzeSummarySchema = z.object({
  resourceUrn: z.string().nullish(),
  policyPackName: z.string().nullish(),
  policyPackVersion: z.string().nullish(),
  passed: nameList,
  failed: nameList,
});

export const summaryEventSchema = z.object({
  // The engine writes `PolicyPacks` (a JSON tag missing since it was added); accept both spellings.
  PolicyPacks: z.record(z.string(), z.string()).nullish(),
  policyPacks: z.record(z.string(), z.string()).nullish(),
  isPreview: z.boolean().nullish(),
  result: z.string().nullish(),
});

export const preludeEventSchema = z.object({ config: z.record(z.string(), z.string()).nullish() });

export const stepMetadataSchema = z.object({ urn: z.string().optional() });
