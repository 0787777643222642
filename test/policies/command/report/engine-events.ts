/**
 * Builders for engine events in the exact shape the engine writes them (see the
 * pulumi-eventstreams test data), so unit tests read as the run they describe.
 */
import { CATEGORIES } from "../../../../policies/pack/checklist";
import {
  buildReport,
  type ReliabilityReport,
  type ReportCatalogue,
  type ReportOptions,
} from "../../../../policies/command/report";

export const STACK_URN_PREFIX = "urn:pulumi:local::agency-deploy::";

export function urnOf(type: string, name: string): string {
  return `${STACK_URN_PREFIX}${type}::${name}`;
}

/** The two resources the unit tests report on. */
export const WEB = urnOf("docker:index/container:Container", "acme-web");
export const IMAGE = urnOf("docker:index/image:Image", "acme-image");

export interface ViolationSpec {
  policy: string;
  urn?: string;
  message?: string;
  enforcement?: "mandatory" | "advisory";
  severity?: string;
  pack?: string;
  version?: string;
}

export function policyEvent(spec: ViolationSpec): object {
  return {
    sequence: 0,
    timestamp: 0,
    policyEvent: {
      ...(spec.urn !== undefined ? { resourceUrn: spec.urn } : {}),
      message: `<{%reset%}>${spec.message ?? "a policy failed"}<{%reset%}>\n`,
      color: "raw",
      policyName: spec.policy,
      policyPackName: spec.pack ?? "deployment-reliability",
      policyPackVersion: spec.version ?? "0.1.0",
      policyPackVersionTag: spec.version ?? "0.1.0",
      enforcementLevel: spec.enforcement ?? "mandatory",
      ...(spec.severity !== undefined ? { severity: spec.severity } : {}),
    },
  };
}

/** A policy summary's payload: `passed` and `failed` appear only when non-empty, as the engine writes them. */
function summaryPayload(passed: string[], failed: string[], pack: string): object {
  return {
    policyPackName: pack,
    policyPackVersion: "0.1.0",
    policyPackVersionTag: "0.1.0",
    ...(passed.length > 0 ? { passed } : {}),
    ...(failed.length > 0 ? { failed } : {}),
  };
}

export function analyzeSummary(
  urn: string,
  passed: string[],
  failed: string[] = [],
  pack = "deployment-reliability",
): object {
  return {
    sequence: 0,
    timestamp: 0,
    policyAnalyzeSummaryEvent: { resourceUrn: urn, ...summaryPayload(passed, failed, pack) },
  };
}

export function stackSummary(
  passed: string[],
  failed: string[] = [],
  pack = "deployment-reliability",
): object {
  return { sequence: 0, timestamp: 0, policyAnalyzeStackSummaryEvent: summaryPayload(passed, failed, pack) };
}

export function summaryEvent(
  result = "succeeded",
  packs: Record<string, string> = { "deployment-reliability": "0.1.0" },
): object {
  return {
    sequence: 0,
    timestamp: 0,
    summaryEvent: {
      maybeCorrupt: false,
      durationSeconds: 1,
      resourceChanges: {},
      PolicyPacks: packs,
      isPreview: true,
      result,
    },
  };
}

/**
 * One of each kind of finding: a mandatory and an advisory violation on `on`, and an advisory
 * "could not verify" on `unverifiedOn`, saying `why`.
 */
export function oneOfEachFinding(on: string, unverifiedOn: string, why: string): object[] {
  return [
    policyEvent({ policy: "non-root-user", urn: on }),
    policyEvent({ policy: "minimal-packages", urn: on, enforcement: "advisory" }),
    policyEvent({
      policy: "pinned-supported-base-image",
      urn: unverifiedOn,
      enforcement: "advisory",
      message: `could not verify: ${why}`,
    }),
  ];
}

export function ndjson(events: readonly object[]): string {
  return events.map((e) => JSON.stringify(e)).join("\n") + "\n";
}

/**
 * A small, stable catalogue so these tests do not change when the real checklist's wording
 * does: one item per severity, in two categories, plus one with the same fix as another.
 */
export const TEST_CATALOGUE: ReportCatalogue = {
  packName: "deployment-reliability",
  categories: CATEGORIES,
  items: [
    {
      id: "CS-1",
      policy: "non-root-user",
      category: "container-security",
      severity: "high",
      title: "Container runs as root",
      description: "The final stage's last USER is not root.",
      impact: "A compromised process owns the container.",
      fix: "End the final stage with `USER 10001`.",
      verify: "docker run --rm <image> id -u",
    },
    {
      id: "CS-2",
      policy: "no-secrets-in-image",
      category: "container-security",
      severity: "critical",
      title: "Secret baked into the image",
      description: "No secret in the image.",
      impact: "Anyone who pulls the image has the secret.",
      fix: "Supply secrets at run time.",
      verify: "docker history --no-trunc <image>",
    },
    {
      id: "CS-3",
      policy: "pinned-supported-base-image",
      category: "container-security",
      severity: "medium",
      title: "Base image not pinned",
      description: "The base image is pinned.",
      impact: "Builds change under you.",
      fix: "Pin the base image tag.",
      verify: "grep FROM Dockerfile",
    },
    {
      id: "CS-4",
      policy: "minimal-packages",
      category: "container-security",
      severity: "low",
      title: "Unnecessary packages",
      description: "No unnecessary packages.",
      impact: "A bigger attack surface.",
      fix: "Use --no-install-recommends.",
      verify: "docker run --rm <image> dpkg -l",
    },
    {
      id: "SR-6",
      policy: "security-check-warns-in-demo",
      category: "startup-reliability",
      severity: "low",
      title: "Security check blocks demo",
      description: "The security check only warns in demo mode.",
      impact: "Demo instances do not start.",
      fix: "Make the check warn in demo mode.",
      verify: "agency-deploy check --mode demo",
    },
    {
      id: "DB-1",
      policy: "database-url-secret",
      category: "database-safety",
      severity: "high",
      title: "DATABASE_URL not a secret",
      description: "DATABASE_URL is required and secret.",
      impact: "The app talks to the wrong database.",
      fix: "Supply the database URLs as Pulumi secrets.",
      verify: "pulumi config get databaseUrl",
    },
    {
      id: "DB-2",
      policy: "audit-database-url-secret",
      category: "database-safety",
      severity: "high",
      title: "AUDIT_DATABASE_URL not a secret",
      description: "AUDIT_DATABASE_URL is required and secret.",
      impact: "Audit rows land in the wrong database.",
      fix: "Supply the database URLs as Pulumi secrets.",
      verify: "pulumi config get auditDatabaseUrl",
    },
  ],
};

/** The small catalogue and a fixed date, so a report does not change with the day or the checklist. */
export const TEST_OPTIONS: ReportOptions = { catalogue: TEST_CATALOGUE, date: "2026-01-02" };

/** The report of `events`, closed by the run's summary event, with TEST_OPTIONS under `options`. */
export function testReport(
  events: readonly object[],
  options: ReportOptions = {},
  result = "succeeded",
): ReliabilityReport {
  return buildReport(ndjson([...events, summaryEvent(result)]), { ...TEST_OPTIONS, ...options });
}
