import { exemptedFindings, renderMarkdown, toJsonReport, toSarif } from "../../../../policies/command/report";
import { fleetRow } from "../../../../policies/command/cli/fleet";
import { renderTerminal } from "../../../../policies/command/cli/terminal-report";
import { formatExemptionLines, formatNotAppliedLine } from "../../../../policies/protocol";
import { IMAGE, policyEvent, testReport, WEB } from "./engine-events";
import { expectValidSarif } from "./sarif-schema";

const exempted = policyEvent({
  policy: "non-root-user",
  urn: WEB,
  enforcement: "advisory",
  message: `the container runs as root\nLocation: acme-web user\n${formatExemptionLines({
    reason: "the legacy uploader needs root until ticket 12",
    source: "agency-deploy:exemptions[0]",
    expires: "2027-01-31",
  })}`,
});
const pragma = policyEvent({
  policy: "non-root-user",
  urn: IMAGE,
  enforcement: "advisory",
  message: `USER root\nLocation: /ctx/Dockerfile:9\n${formatExemptionLines({
    reason: "base image quirk",
    source: "pragma at line 8",
  })}`,
});
const expired = policyEvent({
  policy: "no-secrets-in-image",
  urn: IMAGE,
  message: `ENV SECRET_KEY literal\nLocation: /ctx/Dockerfile:4\n${formatNotAppliedLine(
    'agency-deploy:exemptions[1]: "until rotation" expired on 2026-01-01',
  )}`,
});

describe("exempted findings in the report", () => {
  const report = testReport([exempted, pragma, expired]);

  it("keeps them out of the findings, the item's status and the gate, and lists them apart", () => {
    const cs1 = report.items.find((i) => i.id === "CS-1")!;
    expect(cs1.findings).toEqual([]);
    expect(cs1.exempted).toHaveLength(2);
    expect(cs1.status).toBe("exempted");
    expect(exemptedFindings(report).map((e) => e.finding.exemption)).toEqual([
      {
        reason: "the legacy uploader needs root until ticket 12",
        source: "agency-deploy:exemptions[0]",
        kind: "external",
        expires: "2027-01-31",
      },
      { reason: "base image quirk", source: "pragma at line 8", kind: "inSource" },
    ]);
    // The expired one is a finding again, at its own level, and says it expired.
    const cs2 = report.items.find((i) => i.id === "CS-2")!;
    expect(cs2.findings).toEqual([
      expect.objectContaining({
        enforcement: "mandatory",
        message: "ENV SECRET_KEY literal",
        exemptionNotApplied: 'agency-deploy:exemptions[1]: "until rotation" expired on 2026-01-01',
      }),
    ]);
    expect(report.exitCode).toBe(1);
  });

  it("counts and lists them in the markdown with reason, source and expiry, and says an expired one expired", () => {
    const md = renderMarkdown(report);
    expect(md).toContain("Violations: 1 mandatory, 0 advisory, 2 exempted.");
    expect(md).toContain("### Exempted Findings (2)");
    expect(md).toContain(
      "- [CS-1] Container runs as root at resource `acme-web`, property `user`: the container runs as root\n" +
        "  Exempted: the legacy uploader needs root until ticket 12 (agency-deploy:exemptions[0], until 2027-01-31)",
    );
    expect(md).toContain("Exempted: base image quirk (pragma at line 8, no expiry)");
    expect(md).toContain(
      '- Exemption not applied: agency-deploy:exemptions[1]: "until rotation" expired on 2026-01-01',
    );
    expect(renderMarkdown(testReport([expired]))).not.toContain("Exempted Findings");
  });

  it("shows an item whose only findings are exempted as exempted, never n/a: counted in its category", () => {
    const security = report.categories.find((c) => c.slug === "container-security");
    expect(security).toMatchObject({ pass: 0, fail: 1, warning: 0, exempted: 1 });
    const md = renderMarkdown(report);
    expect(md).toContain(
      "| Category | Pass | Fail | Warning | Exempted |\n| --- | ---: | ---: | ---: | ---: |\n",
    );
    expect(md).toContain("| Container Security | 0 | 1 | 0 | 1 |");
    const whatPassed = md.slice(md.indexOf("### What Passed"), md.indexOf("### Deployment Runbook Gaps"));
    expect(whatPassed).not.toContain("[CS-1]");
    const terminal = renderTerminal(report, false);
    expect(terminal).toMatch(/^Category\s+Pass\s+Fail\s+Warning\s+Exempted$/m);
    expect(terminal).toMatch(/^Container Security\s+0\s+1\s+0\s+1$/m);
    expect(toJsonReport(report).items.find((i) => i.id === "CS-1")?.status).toBe("exempted");
    expect(toJsonReport(report).categories[0]).toMatchObject({ exempted: 1 });
  });

  it("keeps the four columns of REPORT.md when nothing is exempted", () => {
    const md = renderMarkdown(testReport([expired]));
    expect(md).toContain("| Category | Pass | Fail | Warning |\n");
    expect(renderTerminal(testReport([expired]), false)).toMatch(/^Category\s+Pass\s+Fail\s+Warning$/m);
  });

  it("emits them in SARIF as results with an accepted suppression, external or inSource, with the justification", () => {
    const log = toSarif(report);
    expectValidSarif(log);
    const suppressed = log.runs[0]!.results!.filter((r) => r.suppressions !== undefined);
    expect(suppressed.map((r) => r.suppressions)).toEqual([
      [
        {
          kind: "external",
          status: "accepted",
          justification:
            "the legacy uploader needs root until ticket 12 (agency-deploy:exemptions[0], until 2027-01-31)",
        },
      ],
      [{ kind: "inSource", status: "accepted", justification: "base image quirk (pragma at line 8)" }],
    ]);
    const unsuppressed = log.runs[0]!.results!.find((r) => r.suppressions === undefined);
    expect(unsuppressed?.properties?.exemptionNotApplied).toContain("expired on 2026-01-01");
  });

  it("puts them in the JSON and the fleet's counts apart from the findings", () => {
    const json = toJsonReport(report);
    expect(json.items.find((i) => i.id === "CS-1")?.exempted).toHaveLength(2);
    const row = fleetRow({ stack: "local", report });
    expect(row).toMatchObject({ mandatoryFailures: 1, advisory: 0, exempted: 2 });
  });
});
