/**
 * The report for tools: the model, in the shape issue 4 fixes
 * (`{ verdict, mode, stack, policyPacks, categories, items }`) plus everything else the
 * markdown shows, so a tool never has to parse markdown.
 */
import type {
  ItemStatus,
  PolicyPackRun,
  Recommendation,
  ReliabilityReport,
  ReportLocation,
  RunbookEntry,
  Verdict,
  ViolationTotals,
} from "./model";

export interface JsonFinding {
  message: string;
  kind: "violation" | "unverifiable";
  enforcement: "mandatory" | "advisory";
  location: ReportLocation;
  /** Every place the problem occurs. */
  locations: ReportLocation[];
}

export interface JsonItem {
  id: string;
  policy: string;
  policyPack: string;
  category: string;
  categoryTitle: string;
  severity: string;
  status: ItemStatus;
  title: string;
  findings: JsonFinding[];
}

export interface JsonReport {
  verdict: Verdict;
  exitCode: 0 | 1;
  mode: string | null;
  stack: string | null;
  project: string | null;
  date: string;
  preview: boolean | null;
  policyPacks: PolicyPackRun[];
  categories: { name: string; slug: string; pass: number; fail: number; warning: number }[];
  items: JsonItem[];
  totals: ViolationTotals;
  runbook: RunbookEntry[];
  recommendations: Recommendation[];
}

export function toJsonReport(report: ReliabilityReport): JsonReport {
  return {
    verdict: report.verdict,
    exitCode: report.exitCode,
    mode: report.mode ?? null,
    stack: report.stack ?? null,
    project: report.project ?? null,
    date: report.date,
    preview: report.preview ?? null,
    policyPacks: report.policyPacks,
    categories: report.categories.map(({ name, slug, pass, fail, warning }) => ({
      name,
      slug,
      pass,
      fail,
      warning,
    })),
    items: report.items.map((item) => ({
      id: item.id,
      policy: item.policy,
      policyPack: item.policyPack,
      category: item.category,
      categoryTitle: item.categoryTitle,
      severity: item.severity,
      status: item.status,
      title: item.title,
      findings: item.findings.map(({ message, kind, enforcement, location, locations }) => ({
        message,
        kind,
        enforcement,
        location,
        locations,
      })),
    })),
    totals: report.totals,
    runbook: report.runbook,
    recommendations: report.recommendations,
  };
}

export function renderJson(report: ReliabilityReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
