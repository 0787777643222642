import { numberFindings, renderMarkdown, type ReportOptions } from "../../../../policies/command/report";
import { analyzeSummary, IMAGE, policyEvent, stackSummary, testReport, WEB } from "./engine-events";

const OPTIONS: ReportOptions = { mode: "production", sourceRoot: "/ctx" };

const EVENTS = [
  { preludeEvent: { config: {} } },
  policyEvent({
    policy: "minimal-packages",
    urn: IMAGE,
    enforcement: "advisory",
    message: "apt lists kept\nLocation: /ctx/Dockerfile:4",
  }),
  policyEvent({
    policy: "non-root-user",
    urn: IMAGE,
    message: "The final stage's last USER is not root.\nUSER root\nLocation: /ctx/Dockerfile:9",
  }),
  policyEvent({ policy: "non-root-user", urn: WEB, message: `user override\nLocation: ${WEB} user` }),
  policyEvent({
    policy: "no-secrets-in-image",
    urn: IMAGE,
    message: "ENV DJANGO_SECRET_KEY=s3cr3t-value\nLocation: /ctx/Dockerfile:2",
  }),
  policyEvent({ policy: "database-url-secret", urn: WEB }),
  policyEvent({ policy: "audit-database-url-secret", urn: WEB }),
  analyzeSummary(WEB, ["security-check-warns-in-demo"]),
  stackSummary([]),
];
const report = (options: ReportOptions = {}) => testReport(EVENTS, { ...OPTIONS, ...options }, "failed");

const markdown = renderMarkdown(report());

test("sections come in REPORT.md's order", () => {
  const headings = markdown.split("\n").filter((line) => line.startsWith("#"));
  expect(headings).toEqual([
    "# Deployment Reliability Report",
    "### Summary",
    "### Findings",
    "### What Passed",
    "### Deployment Runbook Gaps",
    "### Recommendations",
  ]);
});

test("the header gives date, stack and project, pack name and version, and mode", () => {
  expect(markdown).toContain(
    [
      "- Date: 2026-01-02",
      "- Stack: `local` (project `agency-deploy`)",
      "- Policy pack: deployment-reliability 0.1.0",
      "- Mode: production",
    ].join("\n"),
  );
});

test("the summary is the category table, then the verdict", () => {
  expect(markdown).toContain(
    [
      "| Category | Pass | Fail | Warning |",
      "| --- | ---: | ---: | ---: |",
      "| Container Security | 0 | 2 | 1 |",
      "| Startup Reliability | 1 | 0 | 0 |",
      "| Database Safety | 0 | 2 | 0 |",
      "| Configuration Hygiene | 0 | 0 | 0 |",
      "| Static Files | 0 | 0 | 0 |",
      "| Recovery | 0 | 0 | 0 |",
      "| Hosting Compatibility | 0 | 0 | 0 |",
      "",
      "Deployment Reliable: No",
    ].join("\n"),
  );
});

test("findings are most severe first and numbered per severity", () => {
  const labels = markdown.match(/^\*\*\[[A-Z]+-\d{3}\] [^*]+\*\*/gm);
  expect(labels).toEqual([
    "**[CRITICAL-001] Secret baked into the image**",
    // Both CS-1 problems are one finding of the item, with both locations.
    "**[HIGH-001] Container runs as root**",
    "**[HIGH-002] DATABASE_URL not a secret**",
    "**[HIGH-003] AUDIT_DATABASE_URL not a secret**",
    "**[LOW-001] Unnecessary packages**",
  ]);
});

test("a finding has Location, Issue, Impact, Fix and Test lines, without the policy's description line", () => {
  expect(markdown).toContain(
    [
      "**[HIGH-001] Container runs as root**",
      "- Location: `Dockerfile:9`, resource `acme-web` (docker:index/container:Container), property `user`",
      "- Issue:",
      "  - USER root (`Dockerfile:9`)",
      "  - user override (resource `acme-web` (docker:index/container:Container), property `user`)",
      "- Impact: A compromised process owns the container.",
      "- Fix: End the final stage with `USER 10001`.",
      "- Test: docker run --rm <image> id -u",
    ].join("\n"),
  );
  expect(markdown).toContain("resource `acme-web` (docker:index/container:Container), property `user`");
  expect(markdown).toContain("- Issue: apt lists kept (advisory: does not block the deployment)");
});

test("What Passed lists each passed item once", () => {
  expect(markdown).toContain(
    "### What Passed\n\n- [SR-6] The security check only warns in demo mode. (Startup Reliability)\n",
  );
});

test("recommendations are ordered and de-duplicated, one per failing item", () => {
  expect(markdown).toContain(
    [
      "### Recommendations",
      "",
      "1. [CS-2] Secret baked into the image: Supply secrets at run time.",
      "2. [CS-1] Container runs as root: End the final stage with `USER 10001`.",
      "3. [DB-1, DB-2] DATABASE_URL not a secret: Supply the database URLs as Pulumi secrets.",
      "4. [CS-4] Unnecessary packages (warning): Use --no-install-recommends.",
    ].join("\n"),
  );
});

test("without a runbook every procedure is a gap", () => {
  expect(markdown).toContain(
    [
      "### Deployment Runbook Gaps",
      "",
      "- Backup before migration: **gap**: this deployment provides no command for it.",
      "- Rollback after a failed migration: **gap**: this deployment provides no command for it.",
      "- Key rotation (SECRET_KEY, FIELD_ENCRYPTION_KEY, database passwords): **gap**: this deployment provides no command for it.",
      "- Database restore: **gap**: this deployment provides no command for it.",
    ].join("\n"),
  );
});

test("a runbook the deployment provides is listed with its commands", () => {
  const withRunbook = renderMarkdown(
    report({
      runbook: {
        backupBeforeMigration: "docker exec acme-db pg_dump -Fc app > backup.dump",
        restore: "agency-restore acme",
      },
    }),
  );
  expect(withRunbook).toContain(
    "- Backup before migration: provided by this deployment: `docker exec acme-db pg_dump -Fc app > backup.dump`",
  );
  expect(withRunbook).toContain("- Database restore: provided by this deployment: `agency-restore acme`");
  expect(withRunbook).toContain("- Rollback after a failed migration: **gap**");
});

test("the markdown is deterministic for an injected date", () => {
  expect(renderMarkdown(report())).toBe(markdown);
});

test("a run with no findings says so and recommends nothing", () => {
  const clean = renderMarkdown(testReport([analyzeSummary(WEB, ["non-root-user"])], OPTIONS));
  expect(clean).toContain("### Findings\n\nNo findings.");
  expect(clean).toContain("Deployment Reliable: Yes");
  expect(clean).toContain("### Recommendations\n\nNone: every item passed or did not apply.");
});

test("numbering restarts at 001 for each severity", () => {
  const labels = numberFindings(report().items).map((f) => f.label);
  expect(labels).toEqual(["CRITICAL-001", "HIGH-001", "HIGH-002", "HIGH-003", "LOW-001"]);
});
