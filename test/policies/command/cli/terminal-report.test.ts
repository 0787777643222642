import { renderTerminal } from "../../../../policies/command/cli/terminal-report";
import { applyBaseline, baselineOf } from "../../../../policies/command/report";
import { formatExemptionLines } from "../../../../policies/protocol";
import { analyzeSummary, IMAGE, policyEvent, testReport, WEB } from "../report/engine-events";

const ESC = "\u001b[";

const report = testReport(
  [
    policyEvent({ policy: "non-root-user", urn: IMAGE, message: "USER root\nLocation: /ctx/Dockerfile:9" }),
    policyEvent({
      policy: "minimal-packages",
      urn: IMAGE,
      enforcement: "advisory",
      message: "apt without --no-install-recommends\nLocation: /ctx/Dockerfile:3",
    }),
    policyEvent({
      policy: "non-root-user",
      urn: WEB,
      enforcement: "advisory",
      message: `user override\nLocation: acme-web user\n${formatExemptionLines({ reason: "legacy", source: "agency-deploy:exemptions[0]" })}`,
    }),
    analyzeSummary(IMAGE, ["no-secrets-in-image"]),
  ],
  { mode: "production" },
  "failed",
);

describe("the terminal report", () => {
  const plain = renderTerminal(report, false);
  const lines = plain.trimEnd().split("\n");

  it("puts the findings first and the summary table, verdict and gate last, where the screen ends", () => {
    expect(lines[0]).toBe("Deployment Reliability Report: stack local, production mode (2026-01-02)");
    expect(plain.indexOf("[HIGH-001] Container runs as root")).toBeLessThan(plain.indexOf("Category"));
    expect(plain.indexOf("Exempted (1):")).toBeLessThan(plain.indexOf("Category"));
    expect(lines.slice(-3)).toEqual([
      "Violations: 1 mandatory, 1 advisory, 1 exempted.",
      "Deployment Reliable: With Fixes",
      "Gate: fails (exit 1).",
    ]);
  });

  it("shows each finding's location, issue and fix without markdown", () => {
    expect(plain).toContain(
      "[HIGH-001] Container runs as root (CS-1): blocks the deployment\n    at Dockerfile:9\n    USER root",
    );
    expect(plain).toContain("exempted: legacy (agency-deploy:exemptions[0], no expiry)");
    expect(plain).not.toMatch(/[`*#]{1,3} ?[A-Z]/);
    expect(plain).not.toContain(ESC);
  });

  it("colours on request: mandatory red, the verdict by its value", () => {
    const coloured = renderTerminal(report, true);
    expect(coloured).toContain(`${ESC}31m[HIGH-001]`);
    expect(coloured).toContain(`${ESC}33mDeployment Reliable: With Fixes`);
  });

  it("says the gate counts only new findings under a baseline", () => {
    const baselined = applyBaseline(report, baselineOf([report]));
    expect(renderTerminal(baselined, false).trimEnd().split("\n").pop()).toBe(
      "Gate: passes (exit 0), counting only findings new since the baseline: 0 new, 2 in the baseline, 0 fixed since.",
    );
  });
});

describe("the terminal report of one problem in several places", () => {
  const grouped = renderTerminal(
    testReport(
      [
        policyEvent({
          policy: "non-root-user",
          urn: IMAGE,
          message: "USER root\nLocation: /ctx/Dockerfile:9",
        }),
        policyEvent({
          policy: "non-root-user",
          urn: IMAGE,
          message: "USER root\nLocation: /ctx/Dockerfile:20",
        }),
        policyEvent({
          policy: "minimal-packages",
          urn: IMAGE,
          enforcement: "advisory",
          message: "could not verify: the base image is pulled, its Dockerfile is not here",
        }),
      ],
      { mode: "production" },
      "failed",
    ),
    false,
  );

  it("prints one numbered finding with every place it occurs", () => {
    expect(grouped.match(/\[HIGH-\d{3}\]/g)).toEqual(["[HIGH-001]"]);
    expect(grouped).toContain("    at Dockerfile:9");
    expect(grouped).toContain("    at Dockerfile:20");
  });

  it("lists 'could not verify' apart, after the findings and unnumbered", () => {
    expect(grouped).toContain("Could not verify (1):");
    expect(grouped.indexOf("Could not verify (1):")).toBeGreaterThan(grouped.indexOf("[HIGH-001]"));
    expect(grouped).not.toMatch(/\[LOW-\d{3}\]/);
  });
});
