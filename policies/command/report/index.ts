/**
 * The reliability report: engine events in, a verdict and a readable report out. The
 * same entry serves `pulumi preview --policy-pack` output, Automation API events and the
 * offline `check`; `agency-deploy report --events FILE` is a thin wrapper over it.
 */
import { eventStreamFromObjects, parseEngineEvents, type PolicyEventStream } from "./events";
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import { buildReportFromStream, type ReliabilityReport, type ReportOptions } from "./model";
import { renderSarif } from "./sarif";

export type ReportFormat = "md" | "json" | "sarif";
export const REPORT_FORMATS: readonly ReportFormat[] = ["md", "json", "sarif"];

/** NDJSON text, decoded event objects (Automation API `onEvent`), or an already parsed stream. */
export type EngineEvents = string | Iterable<unknown> | PolicyEventStream;

function isEventStream(events: EngineEvents): events is PolicyEventStream {
  return (
    typeof events === "object" && events !== null && "violations" in events && "resourceSummaries" in events
  );
}

function toStream(events: EngineEvents): PolicyEventStream {
  if (typeof events === "string") return parseEngineEvents(events);
  if (isEventStream(events)) return events;
  return eventStreamFromObjects(events);
}

/** The report model, with `exitCode` (1 when a mandatory policy failed) and `verdict`. */
export function buildReport(events: EngineEvents, options: ReportOptions = {}): ReliabilityReport {
  return buildReportFromStream(toStream(events), options);
}

export function formatReport(report: ReliabilityReport, format: ReportFormat): string {
  switch (format) {
    case "md":
      return renderMarkdown(report);
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report);
  }
}

export {
  assertPackRan,
  EventStreamError,
  eventStreamFromObjects,
  parseEngineEvents,
  readEngineEvents,
  stripColorTags,
  type PolicyAnalyzeSummary,
  type PolicyEventStream,
  type PolicyViolationEvent,
  type RunSummary,
} from "./events";
export { COULD_NOT_VERIFY, PACK_NAME } from "../../protocol";
export { toJsonReport, type JsonFinding, type JsonItem, type JsonReport } from "./json";
export {
  formatLocationLine,
  parseLocationLine,
  parseUrn,
  type FindingLocation,
  type ParsedUrn,
} from "./location";
export { describeLocation, numberFindings, renderMarkdown, unverifiedFindings } from "./markdown";
export {
  buildReportFromStream,
  type BaselineSummary,
  DEFAULT_CATALOGUE,
  verdictOf,
  type CategoryTally,
  type Enforcement,
  type ItemStatus,
  type PolicyPackRun,
  type Recommendation,
  type ReliabilityReport,
  type ReportCatalogue,
  type ReportCategorySlug,
  type ReportFinding,
  type ReportItem,
  type ReportLocation,
  type ReportOptions,
  type ReportSeverity,
  type ResourceViolationCount,
  type RunbookCommands,
  type RunbookEntry,
  type Verdict,
  type ViolationTotals,
} from "./model";
export { redactSecrets } from "./redact";
export {
  applyBaseline,
  BaselineError,
  baselineOf,
  parseBaseline,
  renderBaseline,
  type Baseline,
  type BaselineEntry,
} from "./baseline";
export {
  columnTitle,
  describeExemption,
  exemptedFindings,
  tallyColumns,
  type ExemptedFinding,
  type TallyColumn,
} from "./exemptions";
export { FINGERPRINT_KEY, fingerprints, normalizedText, subjectOf } from "./fingerprint";
export { gateLine } from "./gate";
export { renderJson } from "./json";
export { notCheckedSarifRun, renderSarif, SARIF_SCHEMA_URI, sarifLog, toSarif, toSarifRun } from "./sarif";
