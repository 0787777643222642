/**
 * The report for tools: the model, in the shape issue 4 fixes
 * (`{ verdict, mode, stack, policyPacks, categories, items }`) plus everything else the
 * markdown shows, so a tool never has to parse markdown.
 */
import type { ExemptionNote } from "../../protocol";
import { fingerprints } from "./fingerprint";
import type {
  BaselineSummary,
  ItemStatus,
  PolicyPackRun,
  Recommendation,
  ReliabilityReport,
  ReportFinding,
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
  /** Stable across runs and line moves; the baseline's and SARIF's partialFingerprints. */
  fingerprint: string;
  exemption?: ExemptionNote;
  exemptionNotApplied?: string;
  inBaseline?: boolean;
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
  exempted: JsonFinding[];
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
  /** What was judged, when the check found the app's own deployment files. */
  judged?: string[];
  baseline: BaselineSummary | null;
}

export function toJsonReport(report: ReliabilityReport): JsonReport {
  const prints = fingerprints(report);
  const finding = (f: ReportFinding): JsonFinding => ({
    message: f.message,
    kind: f.kind,
    enforcement: f.enforcement,
    location: f.location,
    locations: f.locations,
    fingerprint: prints.get(f) ?? "",
    ...(f.exemption !== undefined ? { exemption: f.exemption } : {}),
    ...(f.exemptionNotApplied !== undefined ? { exemptionNotApplied: f.exemptionNotApplied } : {}),
    ...(f.inBaseline !== undefined ? { inBaseline: f.inBaseline } : {}),
  });
  return {
    verdict: report.verdict,
    exitCode: report.exitCode,
    mode: report.mode ?? null,
    stack: report.stack ?? null,
    project: report.project ?? null,
    date: report.date,
    preview: report.preview ?? null,
    ...(report.judged !== undefined ? { judged: report.judged } : {}),
    policyPacks: report.policyPacks,
    categories: report.categories.map(({ name, slug, pass, fail, warning, exempted }) => ({
      name,
      slug,
      pass,
      fail,
      warning,
      exempted,
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
      findings: item.findings.map(finding),
      exempted: item.exempted.map(finding),
    })),
    totals: report.totals,
    runbook: report.runbook,
    recommendations: report.recommendations,
    baseline: report.baseline ?? null,
  };
}

export function renderJson(report: ReliabilityReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
