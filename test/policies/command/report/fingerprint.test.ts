import { buildReport, fingerprints, normalizedText, toSarif } from "../../../../policies/command/report";
import { IMAGE, ndjson, policyEvent, summaryEvent, TEST_OPTIONS, WEB } from "./engine-events";

function reportOf(events: object[]) {
  return buildReport(ndjson([...events, summaryEvent("failed")]), TEST_OPTIONS);
}

const prints = (events: object[]): string[] => [...fingerprints(reportOf(events)).values()];

describe("finding fingerprints", () => {
  const rootAt = (line: number) =>
    policyEvent({
      policy: "non-root-user",
      urn: IMAGE,
      message: `USER root at line ${line}\nLocation: /ctx/Dockerfile:${line}`,
    });

  it("are the same across runs and when the line moves", () => {
    expect(prints([rootAt(9)])).toEqual(prints([rootAt(9)]));
    expect(prints([rootAt(9)])).toEqual(prints([rootAt(31)]));
    expect(normalizedText("see Dockerfile:12 and lines 3-4")).toBe("see Dockerfile:N and line N");
  });

  it("differ by item, by resource or file, by text, and by occurrence among identical findings", () => {
    const other = policyEvent({
      policy: "non-root-user",
      urn: IMAGE,
      message: "USER 0\nLocation: /ctx/Dockerfile:9",
    });
    const onWeb = policyEvent({
      policy: "non-root-user",
      urn: WEB,
      message: "user override\nLocation: acme-web user",
    });
    const all = prints([rootAt(9), other, onWeb, rootAt(12)]);
    expect(new Set(all).size).toBe(4);
    expect(all.every((p) => /^[0-9a-f]{32}$/.test(p))).toBe(true);
  });

  it("go into SARIF as partialFingerprints, and each catalogued rule links its docs section", () => {
    const log = toSarif(reportOf([rootAt(9)]));
    const [result] = log.runs[0]!.results!;
    expect(result?.partialFingerprints).toEqual({ "agencyDeployFinding/v1": prints([rootAt(9)])[0] });
    const rule = log.runs[0]!.tool.driver.rules!.find((r) => r.id === "non-root-user");
    expect(rule?.helpUri).toMatch(/^https:\/\/github\.com\/.+\/blob\/main\/docs\/checklist\.md#cs-1$/);
  });
});

test("each stack's SARIF run has its own code-scanning category, so a fleet log uploads in one file", () => {
  const dev = buildReport(ndjson([summaryEvent("succeeded")]), { ...TEST_OPTIONS, stack: "dev" });
  const prod = buildReport(ndjson([summaryEvent("succeeded")]), { ...TEST_OPTIONS, stack: "prod" });
  const runs = [toSarif(dev), toSarif(prod)].map((log) => log.runs[0]!);
  expect(runs.map((run) => run.automationDetails?.id)).toEqual(["agency-deploy/dev/", "agency-deploy/prod/"]);
});
