/**
 * Exemptions: a finding a person has looked at and accepted, with a reason and, optionally, an
 * expiry date. They come from three places:
 *
 * - the stack's config, `agency-deploy:exemptions` (a list; the pack reads it from PULUMI_CONFIG);
 * - a policy's pack config (`--policy-pack-config`), `{ "<policy>": { "exemptions": [...] } }`;
 * - a pragma on the offending line of the file a finding points at (Dockerfile, settings module,
 *   entrypoint script: `#` comments all), or on a comment line right above it (a Dockerfile has
 *   no trailing comments):
 *   `# agency-deploy: ignore CS-1 reason="runs as root for the legacy uploader" until=2027-01-31`.
 *
 * An exemption never hides a finding: the pack still reports it, as advisory, with the
 * `Exempted:` lines of protocol.ts, and the report lists it apart. An expired one, or one of a
 * critical item in production without `allowCriticalExemptions` in the policy's pack config,
 * is not applied and the finding says why.
 */
import * as fs from "fs";
import picomatch from "picomatch";
import type { z as Zod } from "zod";
import type { Mode } from "../mode";
import { CHECKLIST } from "./checklist";

export const EXEMPTIONS_CONFIG_KEY = "agency-deploy:exemptions";

export interface Exemption {
  /** Checklist id, e.g. "CS-1". */
  id: string;
  /** Glob over the resource's logical name or its URN. */
  resource?: string;
  /** Glob over a build-context file path, optionally `:<line glob>` (`**\/Dockerfile:12`). A pragma has neither. */
  file?: string;
  reason: string;
  /** YYYY-MM-DD; the exemption holds through that day. */
  expires?: string;
  /** Where it was declared, for the report: `agency-deploy:exemptions[0]`, `pragma at line 3`. */
  source: string;
  /** SARIF suppression kind: declared beside the code (a pragma) or apart from it (config). */
  kind: "inSource" | "external";
}

/** An exemption list that cannot be read; the message names the key and index. */
export class ExemptionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExemptionConfigError";
  }
}

const CHECKLIST_IDS: readonly string[] = CHECKLIST.map((item) => item.id);

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * The schema of one entry, built on first use: zod costs the pack ~35 ms of start-up (measured by
 * `npm run bench`), and most stacks declare no exemptions.
 */
let entrySchemaCache: ReturnType<typeof buildEntrySchema> | undefined;

function entrySchema(): ReturnType<typeof buildEntrySchema> {
  entrySchemaCache ??= buildEntrySchema();
  return entrySchemaCache;
}

function buildEntrySchema() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see entrySchema
  const { z } = require("zod") as typeof import("zod");
  return z
    .object({
      id: z.string().refine((id) => CHECKLIST_IDS.includes(id), {
        message: "must be a checklist id (e.g. CS-1)",
      }),
      resource: z.string().min(1, "must not be empty").optional(),
      file: z.string().min(1, "must not be empty").optional(),
      reason: z.string().trim().min(1, "must say why the finding is accepted"),
      expires: z.string().refine(isIsoDate, { message: "must be a date as YYYY-MM-DD" }).optional(),
    })
    .strict()
    .refine((e) => (e.resource === undefined) !== (e.file === undefined), {
      message:
        "must have exactly one of `resource` (a resource name or URN glob) or `file` (a file:line glob)",
    });
}

function issueText(key: string, issue: Zod.core.$ZodIssue): string {
  let where = key;
  for (const part of issue.path) where += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  if (issue.code === "invalid_type" && issue.input === undefined) return `${where} is required`;
  if (issue.code === "invalid_type") return `${where} must be ${issue.expected}`;
  if (issue.code === "unrecognized_keys") return `${where} has unknown setting(s): ${issue.keys.join(", ")}`;
  return `${where} ${issue.message}`;
}

/**
 * Validates an exemption list. `key` names it in errors (`agency-deploy:exemptions`);
 * `impliedId` is the policy's checklist id for a list in that policy's pack config.
 * @throws ExemptionConfigError naming every bad entry by key and index.
 */
export function parseExemptions(raw: unknown, key: string, impliedId?: string): Exemption[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ExemptionConfigError(`${key} must be a list of exemptions`);
  const list: unknown[] = raw;
  const problems: string[] = [];
  const exemptions: Exemption[] = [];
  list.forEach((entry, index) => {
    const withId =
      impliedId !== undefined && typeof entry === "object" && entry !== null && !("id" in entry)
        ? { ...entry, id: impliedId }
        : entry;
    const result = entrySchema().safeParse(withId, { reportInput: true });
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => issueText(`${key}[${index}]`, issue)));
      return;
    }
    if (impliedId !== undefined && result.data.id !== impliedId) {
      problems.push(`${key}[${index}].id must be ${impliedId}, the id of this policy, or be left out`);
      return;
    }
    exemptions.push({ ...result.data, source: `${key}[${index}]`, kind: "external" });
  });
  if (problems.length > 0) {
    throw new ExemptionConfigError(`Invalid exemptions:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return exemptions;
}

/** The stack's exemptions from PULUMI_CONFIG (the engine hands list values over as JSON text). */
export function exemptionsFromStackConfig(env: NodeJS.ProcessEnv = process.env): Exemption[] {
  let config: unknown;
  try {
    config = JSON.parse(env.PULUMI_CONFIG ?? "{}");
  } catch {
    return [];
  }
  const text = (config as Record<string, unknown> | null)?.[EXEMPTIONS_CONFIG_KEY];
  if (text === undefined) return [];
  let value: unknown = text;
  if (typeof text === "string") {
    try {
      value = JSON.parse(text);
    } catch {
      throw new ExemptionConfigError(`${EXEMPTIONS_CONFIG_KEY} must be a list of exemptions`);
    }
  }
  return parseExemptions(value, EXEMPTIONS_CONFIG_KEY);
}

/** What a finding is judged on. */
export interface ExemptionSubject {
  /** Checklist id of the finding's item. */
  id: string;
  severity: string;
  mode: Mode;
  urn?: string;
  /** Absolute path of the file the finding points at, and its 1-based line. */
  file?: string;
  line?: number;
}

export type ExemptionDecision =
  | { kind: "none" }
  | { kind: "exempted"; exemption: Exemption }
  /** An exemption matched but does not apply; `why` says so (expired, refused, a broken pragma). */
  | { kind: "not-applied"; why: string };

/** Options that come from the policy's pack config. */
export interface ExemptionPolicy {
  allowCriticalExemptions: boolean;
  /** Today, YYYY-MM-DD (injected by tests). */
  today: string;
}

const GLOB = { dot: true, bash: true } as const;

function nameOf(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(3).join("::") : urn;
}

function matchesResource(glob: string, urn: string | undefined): boolean {
  if (urn === undefined) return false;
  const isMatch = picomatch(glob, GLOB);
  return isMatch(urn) || isMatch(nameOf(urn));
}

/** `**\/Dockerfile:1?` -> the path glob and the line glob (absent: any line). */
function splitFileGlob(glob: string): { path: string; line?: string } {
  const match = /^(.*):([0-9*?[\]{},-]+)$/.exec(glob);
  return match ? { path: match[1] ?? "", line: match[2] } : { path: glob };
}

/** A relative glob matches the path's trailing segments, so `sample-app/Dockerfile` needs no `**`. */
function matchesFile(glob: string, file: string | undefined, line: number | undefined): boolean {
  if (file === undefined) return false;
  const { path: pathGlob, line: lineGlob } = splitFileGlob(glob);
  const isMatch = picomatch(pathGlob, { dot: true });
  const segments = file.split(/[\\/]/);
  const candidates = segments.map((_, i) => segments.slice(i).join("/")).filter((c) => c !== "");
  if (!candidates.some((candidate) => isMatch(candidate))) return false;
  if (lineGlob === undefined) return true;
  return line !== undefined && picomatch(lineGlob)(String(line));
}

export function matches(exemption: Exemption, subject: ExemptionSubject): boolean {
  if (exemption.id !== subject.id) return false;
  if (exemption.resource !== undefined) return matchesResource(exemption.resource, subject.urn);
  return exemption.file !== undefined && matchesFile(exemption.file, subject.file, subject.line);
}

const PRAGMA = /#\s*agency-deploy:\s*ignore\b(.*)$/;
const PRAGMA_BODY = /^\s+([A-Z]+-\d+(?:\s*,\s*[A-Z]+-\d+)*)\s+reason="([^"]*)"(?:\s+until=(\S+))?\s*$/;

/** The pragma syntax, for messages and the README. */
export const PRAGMA_SYNTAX = '# agency-deploy: ignore <ID>[,<ID>...] reason="<why>" [until=YYYY-MM-DD]';

type PragmaResult = { exemptions: Exemption[] } | { broken: string };

/** Reads a pragma from one line of a file; `lineNumber` is 1-based. */
export function parsePragma(text: string, lineNumber: number): PragmaResult | undefined {
  const found = PRAGMA.exec(text);
  if (!found) return undefined;
  const body = PRAGMA_BODY.exec(found[1] ?? "");
  const where = `the pragma at line ${lineNumber}`;
  if (!body) return { broken: `${where} does not read as \`${PRAGMA_SYNTAX}\`` };
  const [, ids = "", reason = "", expires] = body;
  if (reason.trim() === "") return { broken: `${where} has an empty reason` };
  if (expires !== undefined && !isIsoDate(expires)) {
    return { broken: `${where} has until=${expires}, which is not a date as YYYY-MM-DD` };
  }
  const unknown = ids
    .split(",")
    .map((id) => id.trim())
    .filter((id) => !CHECKLIST_IDS.includes(id));
  if (unknown.length > 0) return { broken: `${where} names unknown checklist id(s): ${unknown.join(", ")}` };
  return {
    exemptions: ids.split(",").map((id) => ({
      id: id.trim(),
      reason: reason.trim(),
      ...(expires !== undefined ? { expires } : {}),
      source: `pragma at line ${lineNumber}`,
      kind: "inSource" as const,
    })),
  };
}

/**
 * The pragmas that cover `line` of `file`: on the line itself, or on a comment line right above.
 * Reads the file once per pack run (findings cluster in a few files).
 */
export class PragmaReader {
  private readonly lines = new Map<string, string[] | undefined>();

  constructor(private readonly read: (file: string) => string = (f) => fs.readFileSync(f, "utf8")) {}

  private linesOf(file: string): string[] | undefined {
    if (!this.lines.has(file)) {
      let lines: string[] | undefined;
      try {
        lines = this.read(file).split(/\r?\n/);
      } catch {
        // The rule read the file a moment ago; a file gone since has no pragma to honour.
        lines = undefined;
      }
      this.lines.set(file, lines);
    }
    return this.lines.get(file);
  }

  pragmasAt(file: string, line: number): PragmaResult[] {
    const lines = this.linesOf(file);
    if (lines === undefined || line < 1 || line > lines.length) return [];
    const results: PragmaResult[] = [];
    const own = parsePragma(lines[line - 1] ?? "", line);
    if (own) results.push(own);
    const above = lines[line - 2];
    if (line > 1 && above !== undefined && /^\s*#/.test(above)) {
      const pragma = parsePragma(above, line - 1);
      if (pragma) results.push(pragma);
    }
    return results;
  }
}

function expired(exemption: Exemption, today: string): boolean {
  return exemption.expires !== undefined && exemption.expires < today;
}

function described(exemption: Exemption): string {
  return `${exemption.source}: "${exemption.reason}"`;
}

/**
 * Whether a finding is exempted. An applicable exemption wins over an expired one; the refusal
 * for a critical item in production names the pack config setting that would allow it.
 */
export function decide(
  subject: ExemptionSubject,
  exemptions: readonly Exemption[],
  pragmas: PragmaReader,
  policy: ExemptionPolicy,
): ExemptionDecision {
  const candidates = exemptions.filter((e) => matches(e, subject));
  const notes: string[] = [];
  if (subject.file !== undefined && subject.line !== undefined) {
    for (const pragma of pragmas.pragmasAt(subject.file, subject.line)) {
      if ("broken" in pragma) notes.push(pragma.broken);
      else candidates.push(...pragma.exemptions.filter((e) => e.id === subject.id));
    }
  }
  const live = candidates.filter((e) => !expired(e, policy.today));
  const chosen = live[0];
  if (chosen !== undefined) {
    if (subject.severity === "critical" && subject.mode === "production" && !policy.allowCriticalExemptions) {
      return {
        kind: "not-applied",
        why:
          `${described(chosen)}: a critical item cannot be exempted in production unless the policy's ` +
          "pack config sets allowCriticalExemptions: true",
      };
    }
    return { kind: "exempted", exemption: chosen };
  }
  const lapsed = candidates.find((e) => expired(e, policy.today));
  if (lapsed !== undefined) notes.unshift(`${described(lapsed)} expired on ${lapsed.expires ?? ""}`);
  return notes.length > 0 ? { kind: "not-applied", why: notes.join("; ") } : { kind: "none" };
}
