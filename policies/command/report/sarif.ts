/**
 * The report as SARIF 2.1.0, for code-scanning UIs: one rule per policy, one result per
 * violation. Build-context findings point at file:line (physicalLocation); resource
 * findings name the resource (logicalLocation, its URN as the fully qualified name).
 */
import { basename, isAbsolute } from "path";
import type * as Sarif from "sarif";
import type { ReliabilityReport, ReportFinding, ReportItem, ReportSeverity } from "./model";
import { checklistUrl } from "../../docs";
import { FINGERPRINT_KEY, fingerprints } from "./fingerprint";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
const TOOL_NAME = "agency-deploy";
const INFORMATION_URI = "https://www.pulumi.com/docs/using-pulumi/crossguard/";

const RULE_LEVEL: Record<ReportSeverity, Sarif.ReportingConfiguration.level> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  unspecified: "warning",
};

// GitHub code scanning ranks security results by this 0-10 score (its documented bands).
const SECURITY_SEVERITY: Record<ReportSeverity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "2.0",
  unspecified: "5.5",
};

/** Our policies keep their stable name as rule id; another pack's is qualified by its pack. */
function ruleId(item: ReportItem): string {
  return item.catalogued ? item.policy : `${item.policyPack}/${item.policy}`;
}

function rule(item: ReportItem): Sarif.ReportingDescriptor {
  const help = [item.fix, item.verify !== undefined ? `Verify: ${item.verify}` : undefined].filter(
    (line): line is string => line !== undefined,
  );
  return {
    id: ruleId(item),
    name: item.policy,
    shortDescription: { text: item.title },
    ...(item.description !== undefined ? { fullDescription: { text: item.description } } : {}),
    ...(help.length > 0 ? { help: { text: help.join("\n") } } : {}),
    ...(item.catalogued ? { helpUri: checklistUrl(item.id) } : {}),
    defaultConfiguration: { level: RULE_LEVEL[item.severity] },
    properties: {
      checklistId: item.id,
      policyPack: item.policyPack,
      category: item.categoryTitle,
      severity: item.severity,
      "security-severity": SECURITY_SEVERITY[item.severity],
      ...(item.impact !== undefined ? { impact: item.impact } : {}),
      tags: [item.categoryTitle, item.policyPack],
    },
  };
}

/** Relative to the checked-out sources; a machine's absolute path is never written (its file name stays). */
function artifactUri(file: string): string {
  const relative = isAbsolute(file) ? basename(file) : file;
  return relative.split(/[\\/]/).map(encodeURIComponent).join("/");
}

function location(where: ReportFinding["location"]): Sarif.Location | undefined {
  const { file, line, urn, resourceName, resourceType, property } = where;
  const physical: Sarif.PhysicalLocation | undefined =
    file !== undefined
      ? {
          artifactLocation: { uri: artifactUri(file) },
          ...(line !== undefined && line >= 1 ? { region: { startLine: line } } : {}),
        }
      : undefined;
  const logical: Sarif.LogicalLocation | undefined =
    urn !== undefined || resourceName !== undefined
      ? {
          ...(resourceName !== undefined ? { name: resourceName } : {}),
          ...(urn !== undefined ? { fullyQualifiedName: urn } : {}),
          kind: "resource",
          ...(resourceType !== undefined ? { properties: { resourceType } } : {}),
        }
      : undefined;
  if (physical === undefined && logical === undefined) return undefined;
  return {
    ...(physical ? { physicalLocation: physical } : {}),
    ...(logical ? { logicalLocations: [logical] } : {}),
    ...(property !== undefined ? { message: { text: `property ${property}` } } : {}),
  };
}

/** SARIF 3.35: an exempted finding is a result with the exemption as its accepted suppression. */
function suppressions(finding: ReportFinding): Pick<Sarif.Result, "suppressions"> {
  const exemption = finding.exemption;
  if (exemption === undefined) return {};
  const until = exemption.expires !== undefined ? `, until ${exemption.expires}` : "";
  return {
    suppressions: [
      {
        kind: exemption.kind,
        status: "accepted",
        justification: `${exemption.reason} (${exemption.source}${until})`,
      },
    ],
  };
}

function result(
  item: ReportItem,
  ruleIndex: number,
  finding: ReportFinding,
  fingerprint: string | undefined,
): Sarif.Result {
  // One result per problem, with every place it occurs (SARIF 3.27.12: `locations` may hold several).
  const where = finding.locations.map(location).filter((l): l is Sarif.Location => l !== undefined);
  // SARIF 3.27.9/3.27.10: a result whose kind is not "fail" must have level "none"; a
  // finding the pack could not decide is one for a person to review.
  const verdict: Pick<Sarif.Result, "kind" | "level"> =
    finding.kind === "unverifiable"
      ? { kind: "review", level: "none" }
      : {
          kind: "fail",
          level: finding.enforcement === "mandatory" ? "error" : item.severity === "low" ? "note" : "warning",
        };
  return {
    ruleId: ruleId(item),
    ruleIndex,
    ...verdict,
    message: { text: finding.message },
    ...(where.length > 0 ? { locations: where } : {}),
    ...(fingerprint !== undefined ? { partialFingerprints: { [FINGERPRINT_KEY]: fingerprint } } : {}),
    ...(finding.inBaseline !== undefined ? { baselineState: finding.inBaseline ? "unchanged" : "new" } : {}),
    ...suppressions(finding),
    properties: {
      enforcement: finding.enforcement,
      checklistId: item.id,
      severity: item.severity,
      ...(finding.exemptionNotApplied !== undefined
        ? { exemptionNotApplied: finding.exemptionNotApplied }
        : {}),
    },
  };
}

/**
 * Code scanning takes a run's category from `automationDetails.id` (`<category>/` with the
 * trailing slash) and, since June 2025, rejects a file with two runs of one tool in one
 * category: so a fleet log (one run per stack) gives each stack its own category.
 */
function automationDetails(stack: string | undefined): Pick<Sarif.Run, "automationDetails"> {
  return stack !== undefined ? { automationDetails: { id: `${TOOL_NAME}/${stack}/` } } : {};
}

/** One SARIF run: the report of one stack. */
export function toSarifRun(report: ReliabilityReport): Sarif.Run {
  const rules = report.items.map(rule);
  const prints = fingerprints(report);
  const results = report.items.flatMap((item, ruleIndex) =>
    [...item.findings, ...item.exempted].map((finding) =>
      result(item, ruleIndex, finding, prints.get(finding)),
    ),
  );
  return {
    tool: { driver: { name: TOOL_NAME, informationUri: INFORMATION_URI, rules } },
    ...automationDetails(report.stack),
    invocations: [{ executionSuccessful: true, exitCode: report.exitCode }],
    results,
    properties: {
      verdict: report.verdict,
      date: report.date,
      ...(report.stack !== undefined ? { stack: report.stack } : {}),
      ...(report.project !== undefined ? { project: report.project } : {}),
      ...(report.mode !== undefined ? { mode: report.mode } : {}),
      policyPacks: report.policyPacks.map((p) => (p.version !== "" ? `${p.name}@${p.version}` : p.name)),
    },
  };
}

/**
 * The run of a stack that could not be checked (its configuration is invalid): no `results`,
 * and the reason as the invocation's error notification (SARIF 3.20.21), so a fleet log keeps
 * one run per stack.
 */
export function notCheckedSarifRun(stack: string, reason: string, exitCode = 2): Sarif.Run {
  return {
    tool: { driver: { name: TOOL_NAME, informationUri: INFORMATION_URI, rules: [] } },
    ...automationDetails(stack),
    invocations: [
      {
        executionSuccessful: false,
        exitCode,
        toolExecutionNotifications: [{ level: "error", message: { text: reason } }],
      },
    ],
    // Absent, not empty: an empty array would claim the stack was checked and found clean (3.14.23).
    properties: { stack },
  };
}

export function sarifLog(runs: Sarif.Run[]): Sarif.Log {
  return { $schema: SARIF_SCHEMA_URI, version: "2.1.0", runs };
}

export function toSarif(report: ReliabilityReport): Sarif.Log {
  return sarifLog([toSarifRun(report)]);
}

export function renderSarif(report: ReliabilityReport): string {
  return `${JSON.stringify(toSarif(report), null, 2)}\n`;
}
