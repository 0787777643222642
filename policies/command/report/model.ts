/**
 * Engine events -> findings -> item status -> category counts -> verdict. This is the
 * whole judgement of the report; the markdown, JSON and SARIF writers only print it.
 * The pack's catalogue explains our findings; policies of other packs are reported as
 * they came (category "Other", severity from the event).
 */
import {
  CATEGORIES,
  CHECKLIST,
  type Category,
  type CategorySlug,
  type ChecklistItem,
  type Severity,
} from "../../pack/checklist";
import { MODE_CONFIG_KEY, type Mode } from "../../mode";
import type { PolicyAnalyzeSummary, PolicyEventStream, PolicyViolationEvent } from "./events";
import {
  CANNOT_BUILD,
  COULD_NOT_VERIFY,
  PACK_NAME,
  parseExemptionLines,
  type ExemptionNote,
} from "../../protocol";
import { parseLocationLine, parseUrn, type FindingLocation } from "./location";
import { redactSecrets } from "./redact";

/** Messages of findings the pack could not decide start with this (after the policy's description line). */

/** "exempted": every finding the item had is exempted (counted and listed, neither failing nor warning). */
export type ItemStatus = "pass" | "fail" | "warning" | "exempted" | "n/a";
export type Verdict = "Yes" | "No" | "With Fixes";
/** CrossGuard lets a policy declare no severity; such items are "unspecified". */
export type ReportSeverity = Severity | "unspecified";
export type Enforcement = "mandatory" | "advisory";
export type ReportCategorySlug = CategorySlug | "other";

export const OTHER_CATEGORY = { slug: "other", title: "Other" } as const;

/** Most severe first. */
export const SEVERITY_ORDER: readonly ReportSeverity[] = ["critical", "high", "medium", "low", "unspecified"];

export interface ReportLocation extends FindingLocation {
  /** The resource's type and name, from its URN. */
  resourceType?: string;
}

export interface ReportFinding {
  kind: "violation" | "unverifiable";
  enforcement: Enforcement;
  /** The violation as the policy put it, without its description line and `Location:` line. */
  message: string;
  /** The first place it occurs (`locations[0]`). */
  location: ReportLocation;
  /** Every place the same problem occurs: one finding per problem, not one per line. */
  locations: ReportLocation[];
  /** The image cannot be built from this input (a broken Dockerfile, a missing COPY source). */
  failsBuild?: boolean;
  /** The resource the engine reported it on (absent for a stack-level violation naming none). */
  resourceUrn?: string;
  /** The exemption that applies (the finding is then listed apart, see exemptions.ts). */
  exemption?: ExemptionNote;
  /** Why a matching exemption does not apply (expired, refused for a critical item). */
  exemptionNotApplied?: string;
  /** With `check --baseline`: whether the baseline already lists it (baseline.ts). */
  inBaseline?: boolean;
}

export interface ReportItem {
  /** Checklist id ("CS-1"), or `<pack>/<policy>` for a policy of another pack. */
  id: string;
  policy: string;
  policyPack: string;
  /** False for a policy the catalogue does not describe (another pack's). */
  catalogued: boolean;
  category: ReportCategorySlug;
  categoryTitle: string;
  severity: ReportSeverity;
  title: string;
  description?: string;
  impact?: string;
  fix?: string;
  verify?: string;
  status: ItemStatus;
  findings: ReportFinding[];
  /** Exempted findings: counted and listed, but neither failing nor warning the item. */
  exempted: ReportFinding[];
  /** How many resources (or stacks) it passed on. */
  passedOn: number;
}

export interface CategoryTally {
  slug: ReportCategorySlug;
  name: string;
  pass: number;
  fail: number;
  warning: number;
  exempted: number;
}

export interface PolicyPackRun {
  name: string;
  version: string;
}

/** Per-resource violation counts, as the CLI's "Policies:" block lists them. */
export interface ResourceViolationCount {
  /** Empty for stack-level violations that named no resource. */
  urn: string;
  type?: string;
  name?: string;
  mandatory: number;
  advisory: number;
}

export interface ViolationTotals {
  mandatory: number;
  advisory: number;
  /** Of the above, how many were "could not verify". */
  unverifiable: number;
  byResource: ResourceViolationCount[];
}

/** The deployment's own procedures; the offline check fills it from the instance's `runbook` stack output. */
export interface RunbookCommands {
  backupBeforeMigration?: string;
  rollback?: string;
  keyRotation?: string;
  restore?: string;
}

export interface RunbookEntry {
  key: keyof RunbookCommands;
  title: string;
  /** Absent when the deployment does not provide the procedure: a gap. */
  command?: string;
}

export interface Recommendation {
  /** Items sharing this fix (de-duplicated), most severe first. */
  itemIds: string[];
  title: string;
  severity: ReportSeverity;
  status: "fail" | "warning";
  text: string;
}

export interface ReliabilityReport {
  title: string;
  /** YYYY-MM-DD. */
  date: string;
  stack?: string;
  project?: string;
  mode?: Mode;
  policyPacks: PolicyPackRun[];
  /** The seven checklist categories in report order, then "Other" when another pack reported. */
  categories: CategoryTally[];
  items: ReportItem[];
  verdict: Verdict;
  /** The gate: 1 when any mandatory policy failed, else 0. */
  exitCode: 0 | 1;
  totals: ViolationTotals;
  runbook: RunbookEntry[];
  recommendations: Recommendation[];
  preview?: boolean;
  /** The engine's own result ("succeeded", "failed"), when the events carry a summary. */
  result?: string;
  /** What was judged (`Judged: backend/Dockerfile (stage production); docker-compose.yml; ...`). */
  judged?: string[];
  /** With `check --baseline`: how the findings compare with it; `exitCode` then counts new ones only. */
  baseline?: BaselineSummary;
}

export interface BaselineSummary {
  /** Open findings the baseline lists. */
  known: number;
  /** Open findings it does not list; the gate fails on mandatory ones. */
  new: number;
  /** Baseline entries no longer found. */
  fixed: number;
}

/** What the report explains findings with; the pack's checklist unless a test supplies another. */
export interface ReportCatalogue {
  packName: string;
  categories: readonly Category[];
  items: readonly ChecklistItem[];
}

export const DEFAULT_CATALOGUE: ReportCatalogue = {
  packName: PACK_NAME,
  categories: CATEGORIES,
  items: CHECKLIST,
};

export interface ReportOptions {
  stack?: string;
  project?: string;
  mode?: Mode;
  runbook?: RunbookCommands;
  /** The report's date; today (UTC) when absent. Inject it for reproducible output. */
  date?: Date | string;
  /** File locations under this directory are shown relative to it. */
  sourceRoot?: string;
  title?: string;
  catalogue?: ReportCatalogue;
  /** Lines saying what was judged (the files found in an app's repository), shown first. */
  judged?: string[];
}

const RUNBOOK_TITLES: Record<keyof RunbookCommands, string> = {
  backupBeforeMigration: "Backup before migration",
  rollback: "Rollback after a failed migration",
  keyRotation: "Key rotation (SECRET_KEY, FIELD_ENCRYPTION_KEY, database passwords)",
  restore: "Database restore",
};

export function severityRank(severity: ReportSeverity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

function asSeverity(value: string | undefined): ReportSeverity {
  return value === "critical" || value === "high" || value === "medium" || value === "low"
    ? value
    : "unspecified";
}

function moreSevere(a: ReportSeverity, b: ReportSeverity): ReportSeverity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** Builds the item list: every catalogued item, then whatever other policies reported. */
class ItemRegistry {
  private readonly items = new Map<string, ReportItem>();
  private readonly byCatalogue: Map<string, ChecklistItem>;

  constructor(private readonly catalogue: ReportCatalogue) {
    this.byCatalogue = new Map(catalogue.items.map((item) => [item.policy, item]));
    const titles = new Map(catalogue.categories.map((c) => [c.slug, c.title]));
    for (const entry of catalogue.items) {
      this.items.set(this.key(catalogue.packName, entry.policy), {
        id: entry.id,
        policy: entry.policy,
        policyPack: catalogue.packName,
        catalogued: true,
        category: entry.category,
        categoryTitle: titles.get(entry.category) ?? entry.category,
        severity: entry.severity,
        title: entry.title,
        description: entry.description,
        impact: entry.impact,
        fix: entry.fix,
        verify: entry.verify,
        status: "n/a",
        findings: [],
        exempted: [],
        passedOn: 0,
      });
    }
  }

  private key(pack: string, policy: string): string {
    return `${pack}\u0000${policy}`;
  }

  /**
   * The item a policy of `pack` reports into. Summaries sometimes carry an empty pack name
   * (seen in the engine's own test streams): they join the one item of that policy name.
   */
  resolve(pack: string, policy: string, severity?: string): ReportItem {
    let effectivePack = pack;
    if (pack === "") {
      const named = [...this.items.values()].filter((item) => item.policy === policy);
      if (named.length === 1 && named[0]) return named[0];
      if (this.byCatalogue.has(policy)) effectivePack = this.catalogue.packName;
    }
    const key = this.key(effectivePack, policy);
    const existing = this.items.get(key);
    if (existing) {
      if (!existing.catalogued) existing.severity = moreSevere(existing.severity, asSeverity(severity));
      return existing;
    }
    const item: ReportItem = {
      id: effectivePack === "" ? policy : `${effectivePack}/${policy}`,
      policy,
      policyPack: effectivePack,
      catalogued: false,
      category: OTHER_CATEGORY.slug,
      categoryTitle: OTHER_CATEGORY.title,
      severity: asSeverity(severity),
      title: policy,
      status: "n/a",
      findings: [],
      exempted: [],
      passedOn: 0,
    };
    this.items.set(key, item);
    return item;
  }

  /** Catalogue order, then other packs' policies by pack and name. */
  ordered(): ReportItem[] {
    const all = [...this.items.values()];
    const categoryOrder = this.catalogue.categories.map((c) => c.slug as string);
    const catalogued = all
      .filter((item) => item.catalogued)
      .sort((a, b) => categoryOrder.indexOf(a.category) - categoryOrder.indexOf(b.category));
    const others = all
      .filter((item) => !item.catalogued)
      .sort((a, b) => a.policyPack.localeCompare(b.policyPack) || a.policy.localeCompare(b.policy));
    return [...catalogued, ...others];
  }
}

/** Relative to `root` when under it; an absolute path of some machine otherwise keeps only its name. */
function relativeTo(file: string, root: string | undefined): string {
  const base = root?.replace(/[\\/]+$/, "");
  if (base !== undefined && (file.startsWith(`${base}/`) || file.startsWith(`${base}\\`)))
    return file.slice(base.length + 1);
  if (/^([A-Za-z]:)?[\\/]/.test(file)) return file.split(/[\\/]/).pop() ?? file;
  return file;
}

/** Occurrences of one problem (same kind, level and text) become one finding with all their locations. */
export function groupFindings(findings: readonly ReportFinding[]): ReportFinding[] {
  const groups = new Map<string, ReportFinding>();
  for (const finding of findings) {
    const key = JSON.stringify([finding.kind, finding.enforcement, finding.message]);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { ...finding, locations: [...finding.locations] });
      continue;
    }
    for (const location of finding.locations) {
      const same = JSON.stringify(location);
      if (!group.locations.some((l) => JSON.stringify(l) === same)) group.locations.push(location);
    }
  }
  return [...groups.values()];
}

/** Splits an event message into the finding's own text and location. */
function toFinding(
  violation: PolicyViolationEvent,
  item: ReportItem,
  sourceRoot: string | undefined,
): ReportFinding {
  const { text: located, location } = parseLocationLine(violation.message);
  const { text, exemption, notApplied } = parseExemptionLines(located);
  let lines = text.split("\n");
  // CrossGuard prefixes a string violation with the policy's description line; the report
  // shows the description elsewhere, so the finding keeps only what is specific to it.
  if (lines.length > 1 && item.description !== undefined && lines[0]?.trim() === item.description.trim()) {
    lines = lines.slice(1);
  }
  // Paths under the source root read relative in the text too: reports never show this machine's paths.
  const base = sourceRoot?.replace(/[\\/]+$/, "");
  const joined = lines.join("\n").trim();
  const message = base === undefined || base === "" ? joined : joined.split(`${base}/`).join("");
  const unverifiable = lines.some((line) => line.trim().toLowerCase().startsWith(COULD_NOT_VERIFY));
  const urn = location.urn ?? (violation.resourceUrn || undefined);
  const parsed = urn !== undefined ? parseUrn(urn) : undefined;
  const reportLocation: ReportLocation = {
    ...(location.file !== undefined ? { file: relativeTo(location.file, sourceRoot) } : {}),
    ...(location.line !== undefined ? { line: location.line } : {}),
    ...(urn !== undefined ? { urn } : {}),
    // A location that names a resource by name only says nothing of its type.
    ...(location.resourceName !== undefined
      ? { resourceName: location.resourceName }
      : parsed
        ? { resourceType: parsed.type, resourceName: parsed.name }
        : {}),
    ...(location.property !== undefined ? { property: location.property } : {}),
  };
  return {
    kind: unverifiable ? "unverifiable" : "violation",
    enforcement: violation.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
    message: message === "" ? text : message,
    location: reportLocation,
    locations: [reportLocation],
    ...(!unverifiable && message.startsWith(CANNOT_BUILD) ? { failsBuild: true } : {}),
    ...(violation.resourceUrn ? { resourceUrn: violation.resourceUrn } : {}),
    ...(exemption !== undefined ? { exemption } : {}),
    ...(notApplied !== undefined ? { exemptionNotApplied: notApplied } : {}),
  };
}

function statusOf(item: ReportItem): ItemStatus {
  // A mandatory finding fails the engine's run, so it fails the item even when it is a
  // "could not verify" (the pack makes those advisory; a pack config override could not).
  if (item.findings.some((f) => f.enforcement === "mandatory")) return "fail";
  if (item.findings.length > 0) return "warning";
  // Before "pass": an exempted finding is a failure someone accepted, not a pass.
  if (item.exempted.length > 0) return "exempted";
  return item.passedOn > 0 ? "pass" : "n/a";
}

/**
 * No if a critical item fails or the image cannot be built (whatever item found it); With Fixes if
 * anything else fails or warns at medium or above.
 */
export function verdictOf(items: readonly ReportItem[]): Verdict {
  if (items.some((item) => item.status === "fail" && item.severity === "critical")) return "No";
  if (items.some((item) => item.findings.some((f) => f.failsBuild === true))) return "No";
  // An unrated warning counts as medium: the gate does not assume another pack's finding is minor.
  const mediumRank = severityRank("medium");
  const warnsAtMedium = (item: ReportItem): boolean =>
    item.status === "warning" &&
    (item.severity === "unspecified" || severityRank(item.severity) <= mediumRank);
  if (items.some((item) => item.status === "fail" || warnsAtMedium(item))) return "With Fixes";
  return "Yes";
}

function tallyCategories(items: readonly ReportItem[], categories: readonly Category[]): CategoryTally[] {
  const rows: CategoryTally[] = categories.map((c) => ({
    slug: c.slug,
    name: c.title,
    pass: 0,
    fail: 0,
    warning: 0,
    exempted: 0,
  }));
  if (items.some((item) => item.category === OTHER_CATEGORY.slug && item.status !== "n/a")) {
    rows.push({
      slug: OTHER_CATEGORY.slug,
      name: OTHER_CATEGORY.title,
      pass: 0,
      fail: 0,
      warning: 0,
      exempted: 0,
    });
  }
  for (const item of items) {
    const row = rows.find((r) => r.slug === item.category);
    if (!row || item.status === "n/a") continue;
    row[item.status] += 1;
  }
  return rows;
}

function countViolations(findingsByItem: readonly ReportItem[]): ViolationTotals {
  const totals: ViolationTotals = { mandatory: 0, advisory: 0, unverifiable: 0, byResource: [] };
  const rows = new Map<string, ResourceViolationCount>();
  for (const item of findingsByItem) {
    for (const finding of item.findings) {
      totals[finding.enforcement] += 1;
      if (finding.kind === "unverifiable") totals.unverifiable += 1;
      const urn = finding.resourceUrn ?? "";
      let row = rows.get(urn);
      if (!row) {
        const parsed = parseUrn(urn);
        row = { urn, ...(parsed ? { type: parsed.type, name: parsed.name } : {}), mandatory: 0, advisory: 0 };
        rows.set(urn, row);
      }
      row[finding.enforcement] += 1;
    }
  }
  totals.byResource = [...rows.values()];
  return totals;
}

/** One recommendation per failing or warning item, most severe first, identical fixes merged. */
function recommend(items: readonly ReportItem[]): Recommendation[] {
  const open = items
    .filter(
      (item): item is ReportItem & { status: "fail" | "warning" } =>
        item.status === "fail" || item.status === "warning",
    )
    .sort(
      (a, b) =>
        (a.status === b.status ? 0 : a.status === "fail" ? -1 : 1) ||
        severityRank(a.severity) - severityRank(b.severity),
    );
  const byText = new Map<string, Recommendation>();
  for (const item of open) {
    const text =
      item.fix ?? `Resolve the \`${item.policy}\` findings reported by policy pack \`${item.policyPack}\`.`;
    const existing = byText.get(text);
    if (existing) {
      existing.itemIds.push(item.id);
      continue;
    }
    byText.set(text, {
      itemIds: [item.id],
      title: item.title,
      severity: item.severity,
      status: item.status,
      text,
    });
  }
  return [...byText.values()];
}

function policyPacksOf(stream: PolicyEventStream): PolicyPackRun[] {
  const versions = new Map<string, string>();
  const note = (name: string, version: string): void => {
    if (name === "") return;
    const known = versions.get(name);
    if (known === undefined || (known === "" && version !== "")) versions.set(name, version);
  };
  for (const v of stream.violations) note(v.policyPackName, v.policyPackVersion);
  for (const s of [...stream.resourceSummaries, ...stream.stackSummaries])
    note(s.policyPackName, s.policyPackVersion);
  // Newer CLIs report the version tag with a "v" prefix here.
  for (const [name, version] of Object.entries(stream.runSummary?.policyPacks ?? {})) {
    note(name, version.replace(/^v(?=\d)/, ""));
  }
  return [...versions]
    .map(([name, version]) => ({ name, version }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function dateOf(date: Date | string | undefined): string {
  if (typeof date === "string") return date;
  return (date ?? new Date()).toISOString().slice(0, 10);
}

function modeOf(option: Mode | undefined, config: Record<string, string>): Mode | undefined {
  if (option !== undefined) return option;
  const configured = config[MODE_CONFIG_KEY];
  if (configured === "production" || configured === "demo") return configured;
  // The config schema's default: a stack that never set the key runs in production mode.
  return Object.keys(config).some((key) => key.startsWith("agency-deploy:")) ? "production" : undefined;
}

function applySummary(registry: ItemRegistry, summary: PolicyAnalyzeSummary): void {
  for (const policy of summary.passed) registry.resolve(summary.policyPackName, policy).passedOn += 1;
}

export function buildReportFromStream(
  stream: PolicyEventStream,
  options: ReportOptions = {},
): ReliabilityReport {
  const catalogue = options.catalogue ?? DEFAULT_CATALOGUE;
  const registry = new ItemRegistry(catalogue);

  for (const violation of stream.violations) {
    const item = registry.resolve(violation.policyPackName, violation.policyName, violation.severity);
    const finding = toFinding(violation, item, options.sourceRoot);
    (finding.exemption !== undefined ? item.exempted : item.findings).push(finding);
  }
  for (const summary of [...stream.resourceSummaries, ...stream.stackSummaries])
    applySummary(registry, summary);

  const items = registry.ordered();
  // Totals count the engine's violations as the CLI does; the findings then group them per problem.
  const totals = countViolations(items);
  for (const item of items) {
    item.findings = groupFindings(item.findings);
    item.status = statusOf(item);
  }

  const firstUrn = stream.resourceUrns.map(parseUrn).find((urn) => urn !== undefined);
  const stack = options.stack ?? firstUrn?.stack;
  const project = options.project ?? firstUrn?.project;
  const mode = modeOf(options.mode, stream.config);
  const runbook: RunbookEntry[] = (Object.keys(RUNBOOK_TITLES) as (keyof RunbookCommands)[]).map((key) => {
    const command = options.runbook?.[key]?.trim();
    return { key, title: RUNBOOK_TITLES[key], ...(command ? { command: redactSecrets(command) } : {}) };
  });

  return {
    title: options.title ?? "Deployment Reliability Report",
    date: dateOf(options.date),
    ...(stack !== undefined ? { stack } : {}),
    ...(project !== undefined ? { project } : {}),
    ...(mode !== undefined ? { mode } : {}),
    policyPacks: policyPacksOf(stream),
    categories: tallyCategories(items, catalogue.categories),
    items,
    verdict: verdictOf(items),
    exitCode: items.some((item) => item.status === "fail") ? 1 : 0,
    totals,
    runbook,
    recommendations: recommend(items),
    ...(stream.runSummary?.isPreview !== undefined ? { preview: stream.runSummary.isPreview } : {}),
    ...(stream.runSummary?.result !== undefined ? { result: stream.runSummary.result } : {}),
    ...(options.judged !== undefined && options.judged.length > 0 ? { judged: options.judged } : {}),
  };
}
