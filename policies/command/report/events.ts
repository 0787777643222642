/**
 * Reads the engine events the report is computed from, whatever carried them: the
 * NDJSON of `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json`, an
 * `--event-log` file, or Automation API `EngineEvent` objects. All three are the engine's
 * apitype.EngineEvent, one kind per object (`policyEvent`, `summaryEvent`, ...); kinds
 * the report does not use are skipped, so a newer CLI adding kinds breaks nothing.
 */
import { readFileSync } from "fs";
import type { z } from "zod";
import {
  analyzeSummarySchema,
  policyEventSchema,
  preludeEventSchema,
  RESOURCE_STEP_EVENTS,
  stepMetadataSchema,
  summaryEventSchema,
} from "../../engine-events";
import { redactSecrets } from "./redact";

/** One policy violation, message cleaned of colour tags and masked by the secret guard. */
export interface PolicyViolationEvent {
  /** Absent or empty for a stack policy that reported no resource. */
  resourceUrn?: string;
  message: string;
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  /** As the engine wrote it: "mandatory", "advisory" (older SDKs: "warning"), "remediate". */
  enforcementLevel: string;
  /** CrossGuard severity when the policy declares one. */
  severity?: string;
}

/** `policyAnalyzeSummaryEvent` (per resource) or `policyAnalyzeStackSummaryEvent` (resourceUrn absent). */
export interface PolicyAnalyzeSummary {
  resourceUrn?: string;
  policyPackName: string;
  policyPackVersion: string;
  passed: string[];
  failed: string[];
}

export interface RunSummary {
  /** Pack name -> version as the engine reported it (newer CLIs prefix "v"). */
  policyPacks: Record<string, string>;
  isPreview?: boolean;
  result?: string;
}

/** Everything the report needs from one run's events. */
export interface PolicyEventStream {
  violations: PolicyViolationEvent[];
  resourceSummaries: PolicyAnalyzeSummary[];
  stackSummaries: PolicyAnalyzeSummary[];
  runSummary?: RunSummary;
  /** The stack config the run used (`preludeEvent`; secrets arrive blinded as "[secret]"). */
  config: Record<string, string>;
  /** Every resource URN any event named, in order of first appearance. */
  resourceUrns: string[];
  /** Engine events read, of any kind. */
  eventCount: number;
  /** 1-based line numbers of NDJSON lines that were not JSON (e.g. stderr mixed into the file). */
  skippedLines: number[];
}

export class EventStreamError extends Error {
  override name = "EventStreamError";
}

/** Colour directives of the engine's raw colour mode, e.g. `<{%reset%}>`, `<{%fg 1%}>`. */
const COLOR_TAG = /<\{%[^%]*%\}>/g;

export function stripColorTags(text: string): string {
  return text.replace(COLOR_TAG, "");
}

function cleanMessage(message: string): string {
  return redactSecrets(stripColorTags(message)).replace(/\s+$/, "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An engine event is an object with at least one `<kind>Event` object in it. */
function isEngineEvent(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && Object.entries(value).some(([key, v]) => key.endsWith("Event") && isRecord(v));
}

function parsePayload<S extends z.ZodType>(
  schema: S,
  payload: unknown,
  where: string,
  kind: string,
): z.output<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [kind, ...(issue?.path ?? []).map(String)].join(".");
  throw new EventStreamError(`${where}: ${path}: ${issue?.message ?? "invalid"}`);
}

function emptyStream(): PolicyEventStream {
  return {
    violations: [],
    resourceSummaries: [],
    stackSummaries: [],
    config: {},
    resourceUrns: [],
    eventCount: 0,
    skippedLines: [],
  };
}

function addEvent(
  stream: PolicyEventStream,
  seen: Set<string>,
  event: Record<string, unknown>,
  where: string,
): void {
  stream.eventCount += 1;
  const noteUrn = (urn: string | null | undefined): void => {
    if (urn && !seen.has(urn)) {
      seen.add(urn);
      stream.resourceUrns.push(urn);
    }
  };

  if (event.policyEvent !== undefined) {
    const e = parsePayload(policyEventSchema, event.policyEvent, where, "policyEvent");
    noteUrn(e.resourceUrn);
    stream.violations.push({
      ...(e.resourceUrn ? { resourceUrn: e.resourceUrn } : {}),
      message: cleanMessage(e.message),
      policyName: e.policyName,
      policyPackName: e.policyPackName ?? "",
      policyPackVersion: e.policyPackVersion ?? "",
      enforcementLevel: e.enforcementLevel ?? "advisory",
      ...(e.severity ? { severity: e.severity } : {}),
    });
  }
  for (const [kind, list] of [
    ["policyAnalyzeSummaryEvent", stream.resourceSummaries],
    ["policyAnalyzeStackSummaryEvent", stream.stackSummaries],
  ] as const) {
    if (event[kind] === undefined) continue;
    const e = parsePayload(analyzeSummarySchema, event[kind], where, kind);
    noteUrn(e.resourceUrn);
    list.push({
      ...(e.resourceUrn ? { resourceUrn: e.resourceUrn } : {}),
      policyPackName: e.policyPackName ?? "",
      policyPackVersion: e.policyPackVersion ?? "",
      passed: e.passed,
      failed: e.failed,
    });
  }
  if (event.summaryEvent !== undefined) {
    const e = parsePayload(summaryEventSchema, event.summaryEvent, where, "summaryEvent");
    stream.runSummary = {
      policyPacks: e.PolicyPacks ?? e.policyPacks ?? {},
      ...(e.isPreview != null ? { isPreview: e.isPreview } : {}),
      ...(e.result ? { result: e.result } : {}),
    };
  }
  if (event.preludeEvent !== undefined) {
    const e = parsePayload(preludeEventSchema, event.preludeEvent, where, "preludeEvent");
    stream.config = e.config ?? {};
  }
  for (const kind of RESOURCE_STEP_EVENTS) {
    const payload = event[kind];
    const metadata = isRecord(payload) ? stepMetadataSchema.safeParse(payload.metadata) : undefined;
    if (metadata?.success) noteUrn(metadata.data.urn);
  }
}

/** Events already decoded (Automation API `onEvent`, or a JSON array of them). */
export function eventStreamFromObjects(events: Iterable<unknown>, source = "events"): PolicyEventStream {
  const stream = emptyStream();
  const seen = new Set<string>();
  let index = 0;
  for (const event of events) {
    index += 1;
    if (isEngineEvent(event)) addEvent(stream, seen, event, `${source} event ${index}`);
  }
  if (stream.eventCount === 0) {
    throw new EventStreamError(`${source}: no engine events found`);
  }
  return stream;
}

/** NDJSON text: one engine event per line; blank lines and non-JSON lines are skipped. */
export function parseEngineEvents(text: string, source = "events"): PolicyEventStream {
  const stream = emptyStream();
  const seen = new Set<string>();
  let firstBadLine: number | undefined;
  let corruptLine: number | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "") return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      if (/^[{[]/.test(trimmed)) corruptLine ??= i + 1;
      stream.skippedLines.push(i + 1);
      firstBadLine ??= i + 1;
      return;
    }
    if (isEngineEvent(value)) addEvent(stream, seen, value, `${source} line ${i + 1}`);
  });
  // A cut or garbled event among events is a corrupt stream; text that never was JSON (stderr) is skipped.
  if (stream.eventCount > 0 && corruptLine !== undefined) {
    throw new EventStreamError(
      `${source} line ${corruptLine}: not a complete engine event (the file is cut or corrupt)`,
    );
  }
  if (stream.eventCount > 0) return stream;
  return parseWholeDocument(text, source, firstBadLine);
}

/** A file with no event per line may still be one JSON document: an array of events, or the wrong output. */
function parseWholeDocument(
  text: string,
  source: string,
  firstBadLine: number | undefined,
): PolicyEventStream {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    const detail = firstBadLine !== undefined ? ` (line ${firstBadLine} is not JSON)` : "";
    throw new EventStreamError(
      `${source}: no engine events found${detail}; expected NDJSON from ` +
        "`PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json`, an `--event-log` file or Automation API events",
    );
  }
  if (Array.isArray(document)) return eventStreamFromObjects(document, source);
  if (isRecord(document) && ("steps" in document || "changeSummary" in document)) {
    throw new EventStreamError(
      `${source}: this is the digest of plain \`pulumi preview --json\`, which drops policy events; ` +
        "run it with PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1, or pass --event-log FILE",
    );
  }
  if (isEngineEvent(document)) return eventStreamFromObjects([document], source);
  throw new EventStreamError(`${source}: no engine events found`);
}

export function readEngineEvents(file: string): PolicyEventStream {
  return parseEngineEvents(readFileSync(file, "utf8"), file);
}

/**
 * A report is only as good as its events: a stream that ends before the run's summary was cut, and
 * one without any summary of `pack`'s policies never ran them (or lost them). Either would read as
 * "nothing failed", so it is refused with the reason instead of becoming a "Yes".
 */
export function assertPackRan(stream: PolicyEventStream, pack: string, source = "events"): void {
  if (stream.runSummary === undefined) {
    throw new EventStreamError(
      `${source}: the events end before the run's summary event: the stream is cut, so its policy results are incomplete`,
    );
  }
  const packs = Object.keys(stream.runSummary.policyPacks);
  const ours = (name: string) =>
    name === pack || (name === "" && (packs.length === 0 || packs.includes(pack)));
  const summarised = [...stream.resourceSummaries, ...stream.stackSummaries].some((s) =>
    ours(s.policyPackName),
  );
  if (!summarised) {
    throw new EventStreamError(
      `${source}: the events hold no summary of the ${pack} policy pack's policies: run the preview with ` +
        "--policy-pack pointing at it (and PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 or --event-log)",
    );
  }
}
