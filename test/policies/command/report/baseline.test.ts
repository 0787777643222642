import {
  applyBaseline,
  baselineOf,
  buildReport,
  parseBaseline,
  renderBaseline,
  renderMarkdown,
  toSarif,
} from "../../../../policies/command/report";
import { IMAGE, ndjson, policyEvent, summaryEvent, TEST_OPTIONS, WEB } from "./engine-events";

const reportOf = (events: object[]) => buildReport(ndjson([...events, summaryEvent("failed")]), TEST_OPTIONS);
const root = (line: number) =>
  policyEvent({
    policy: "non-root-user",
    urn: IMAGE,
    message: `USER root\nLocation: /ctx/Dockerfile:${line}`,
  });
const override = policyEvent({
  policy: "non-root-user",
  urn: WEB,
  message: "user override\nLocation: acme-web user",
});

describe("baselines", () => {
  const before = reportOf([root(9)]);
  const baseline = parseBaseline(renderBaseline(baselineOf([before])), "baseline.json");

  it("records every open finding with its fingerprint, stack and a readable location", () => {
    expect(baseline.findings).toEqual([
      {
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
        stack: "local",
        id: "CS-1",
        location: "Dockerfile:9", // a path outside the source root keeps only its file name
        message: "USER root",
      },
    ]);
  });

  it("passes the gate when every mandatory finding is in the baseline, even after the line moved", () => {
    const after = applyBaseline(reportOf([root(14)]), baseline);
    expect(after.exitCode).toBe(0);
    expect(after.verdict).toBe(before.verdict);
    expect(after.baseline).toEqual({ known: 1, new: 0, fixed: 0 });
    const md = renderMarkdown(after);
    expect(md).toContain("(in the baseline)");
    expect(md).toContain(
      "Gate: passes (exit 0), counting only findings new since the baseline: 0 new, 1 in the baseline, 0 fixed since.",
    );
    expect(toSarif(after).runs[0]!.results![0]!.baselineState).toBe("unchanged");
  });

  it("fails the gate on a new mandatory finding only, and counts what was fixed", () => {
    const after = applyBaseline(reportOf([override]), baseline);
    expect(after.exitCode).toBe(1);
    expect(after.baseline).toEqual({ known: 0, new: 1, fixed: 1 });
    expect(toSarif(after).runs[0]!.results![0]!.baselineState).toBe("new");
  });

  it("matches per stack", () => {
    const other = applyBaseline(reportOf([root(9)]), {
      ...baseline,
      findings: baseline.findings.map((f) => ({ ...f, stack: "riverside" })),
    });
    expect(other.exitCode).toBe(1);
  });

  it("refuses a file that is not a baseline, naming it", () => {
    expect(() => parseBaseline("{", "b.json")).toThrow("b.json is not JSON");
    expect(() => parseBaseline('{"findings": []}', "b.json")).toThrow(
      "b.json is not an agency-deploy baseline (version 1); write one with check --write-baseline",
    );
    expect(() => parseBaseline('{"tool":"agency-deploy","version":1,"findings":[{}]}', "b.json")).toThrow(
      "b.json: findings[0].fingerprint must be a non-empty string",
    );
  });
});
