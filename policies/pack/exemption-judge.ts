/**
 * The pack's side of exemptions (exemptions.ts): per finding, the decision from the stack's
 * list, the policy's pack config and the pragmas of the file it points at, and the lines the
 * pack appends for the report (policies/protocol.ts). Kept apart from policies.ts, which only
 * calls `judge` and appends `exemptionLines`.
 */
import type { Mode } from "../mode";
import { formatExemptionLines, formatNotAppliedLine } from "../protocol";
import { decide, parseExemptions, PragmaReader, type Exemption, type ExemptionDecision } from "./exemptions";
import type { ChecklistItem, Finding } from "./rules/rule";

/** The exemption settings of a policy's pack config. */
export interface ExemptionConfig {
  exemptions?: unknown;
  allowCriticalExemptions?: boolean;
}

const DATE = { type: "string" as const, pattern: "^\\d{4}-\\d{2}-\\d{2}$" };

/** Their JSON schema, in each policy's configSchema: the CLI checks pack config against it. */
export const EXEMPTION_CONFIG_SCHEMA = {
  allowCriticalExemptions: { type: "boolean" as const },
  exemptions: {
    type: "array" as const,
    items: {
      type: "object" as const,
      properties: {
        id: { type: "string" as const },
        resource: { type: "string" as const, minLength: 1 },
        file: { type: "string" as const, minLength: 1 },
        reason: { type: "string" as const, minLength: 1 },
        expires: DATE,
      },
      required: ["reason"],
      additionalProperties: false,
    },
  },
};

export interface ExemptionOptions {
  /** The stack's exemptions (`agency-deploy:exemptions`). */
  exemptions?: readonly Exemption[];
  /** YYYY-MM-DD; the clock's date unless a test pins it. */
  today?: () => string;
}

export class ExemptionJudge {
  private readonly stack: readonly Exemption[];
  private readonly today: () => string;
  // One reader per pack run: pragmas are read from files the rules have just inspected.
  private readonly pragmas = new PragmaReader();

  constructor(options: ExemptionOptions) {
    this.stack = options.exemptions ?? [];
    this.today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  }

  /** @throws ExemptionConfigError when the policy's pack config lists a bad exemption. */
  judge(
    item: ChecklistItem,
    config: ExemptionConfig | undefined,
    mode: Mode,
    finding: Finding,
    urn: string | undefined,
  ): ExemptionDecision {
    const own = parseExemptions(config?.exemptions, `pack config ${item.policy}.exemptions`, item.id);
    const { file, line } = finding.location ?? {};
    return decide(
      { id: item.id, severity: item.severity, mode, urn, file, line },
      [...this.stack, ...own],
      this.pragmas,
      { allowCriticalExemptions: config?.allowCriticalExemptions === true, today: this.today() },
    );
  }
}

/** The `Exempted:` / `Exemption not applied:` lines the report reads back. */
export function exemptionLines(decision: ExemptionDecision): string {
  if (decision.kind === "exempted") return `\n${formatExemptionLines(decision.exemption)}`;
  if (decision.kind === "not-applied") return `\n${formatNotAppliedLine(decision.why)}`;
  return "";
}
