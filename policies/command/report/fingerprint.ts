/**
 * Fingerprints: one finding's identity across runs, so a baseline (`check --baseline`) and code
 * scanning (SARIF `partialFingerprints`) recognise it after an unrelated edit. A hash of the
 * item's id, what it is about (the resource's logical name, or the file's path) and the
 * finding's text with line numbers taken out, plus an occurrence index among identical ones:
 * moving a line or renaming nothing keeps it; changing what is wrong changes it.
 */
import { createHash } from "crypto";
import type { ReliabilityReport, ReportFinding, ReportItem } from "./model";

/** The SARIF partialFingerprints key; bump the version if the recipe changes. */
export const FINGERPRINT_KEY = "agencyDeployFinding/v1";

/**
 * What the finding is about, without where in it: the resource's logical name, else the file; for a
 * problem found in several places, each of them once, in a stable order (lines do not count).
 */
export function subjectOf(finding: ReportFinding): string {
  const places = finding.locations.length > 0 ? finding.locations : [finding.location];
  return [...new Set(places.map(subjectOfLocation))].sort().join(" + ");
}

function subjectOfLocation(location: ReportFinding["location"]): string {
  const { file, resourceName, urn, property } = location;
  if (file !== undefined) return `file ${file}`;
  const name = resourceName ?? (urn !== undefined ? urn.split("::").slice(3).join("::") : undefined);
  if (name === undefined) return "stack";
  return property !== undefined ? `resource ${name} ${property}` : `resource ${name}`;
}

/** The text without line numbers (`Dockerfile:12`, `line 12`) and with whitespace collapsed. */
export function normalizedText(message: string): string {
  return message
    .replace(/:\d+(?::\d+)?\b/g, ":N")
    .replace(/\blines? \d+(?:\s*(?:-|–|to|and)\s*\d+)?/gi, "line N")
    .replace(/\s+/g, " ")
    .trim();
}

function hash(parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

/** Every finding of the report (open and exempted) with its fingerprint, in report order. */
export function fingerprints(report: ReliabilityReport): Map<ReportFinding, string> {
  const seen = new Map<string, number>();
  const result = new Map<ReportFinding, string>();
  const note = (item: ReportItem, finding: ReportFinding): void => {
    const key = [item.id, subjectOf(finding), normalizedText(finding.message)];
    const joined = key.join("\u0000");
    const occurrence = seen.get(joined) ?? 0;
    seen.set(joined, occurrence + 1);
    result.set(finding, hash([...key, String(occurrence)]));
  };
  for (const item of report.items) {
    for (const finding of item.findings) note(item, finding);
    for (const finding of item.exempted) note(item, finding);
  }
  return result;
}
