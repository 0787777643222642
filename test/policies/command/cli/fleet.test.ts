import { capturedTerminal } from "./captured-terminal";
import type * as Sarif from "sarif";
import {
  fleetExitCode,
  fleetRow,
  fleetTable,
  oneLine,
  renderFleet,
  type FleetEntry,
} from "../../../../policies/command/cli/fleet";
import { IMAGE, oneOfEachFinding, testReport, WEB } from "../report/engine-events";
import { expectValidSarif } from "../report/sarif-schema";

const PASSING: FleetEntry = {
  stack: "lakeside",
  target: "azure",
  report: testReport([], { stack: "lakeside", mode: "production" }),
};
const FAILING: FleetEntry = {
  stack: "riverside",
  target: "docker",
  report: testReport(
    oneOfEachFinding(IMAGE, WEB, "a pulled image"),
    { stack: "riverside", mode: "demo" },
    "failed",
  ),
};
const INVALID: FleetEntry = {
  stack: "broken",
  target: "docker",
  mode: "production",
  error: "Invalid configuration:\n  - agency-deploy:domains is required\n  - agency-deploy:mode must be a|b",
};

describe("fleet rows", () => {
  it("count mandatory failures, other advisory violations and could-not-verify findings apart", () => {
    expect(fleetRow(FAILING)).toEqual({
      stack: "riverside",
      target: "docker",
      mode: "demo",
      verdict: FAILING.report.verdict,
      mandatoryFailures: 1,
      advisory: 1,
      couldNotVerify: 1,
      exempted: 0,
      exitCode: 1,
    });
  });

  it("give a stack with invalid configuration exit 2 and its error on one line, naming the keys", () => {
    expect(fleetRow(INVALID)).toMatchObject({
      verdict: null,
      exitCode: 2,
      error: "Invalid configuration: agency-deploy:domains is required; agency-deploy:mode must be a|b",
    });
  });

  it.each([
    [[PASSING], 0],
    [[PASSING, FAILING], 1],
    [[INVALID, PASSING], 2],
    [[FAILING, INVALID], 2],
  ] as [FleetEntry[], number][])("exit with the worst status: 2 over 1 over 0 (%#)", (entries, code) => {
    expect(fleetExitCode(entries.map(fleetRow))).toBe(code);
  });
});

test("oneLine joins an indented list under its heading", () => {
  expect(oneLine("a:\n  - b\n  - c\n")).toBe("a: b; c");
  expect(oneLine("single")).toBe("single");
});

describe("markdown", () => {
  const markdown = renderFleet([PASSING, FAILING, INVALID], "md", capturedTerminal());

  it("renders each stack's report, then one fleet summary table", () => {
    const headings = markdown.split("\n").filter((line) => line.startsWith("# "));
    const report = "# Deployment Reliability Report";
    expect(headings).toEqual([report, report, "# Stack `broken`: not checked", "# Fleet summary"]);
    expect(markdown.trimEnd().endsWith(fleetTable([PASSING, FAILING, INVALID].map(fleetRow)).trimEnd())).toBe(
      true,
    );
  });

  it("has one row per stack with target, mode, verdict, counts and gate", () => {
    expect(fleetTable([PASSING, FAILING, INVALID].map(fleetRow))).toBe(
      [
        "# Fleet summary",
        "",
        "| Stack | Target | Mode | Verdict | Mandatory failures | Advisory | Could not verify | Exempted | Gate |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
        "| lakeside | azure | production | Yes | 0 | 0 | 0 | 0 | passes (exit 0) |",
        `| riverside | docker | demo | ${FAILING.report.verdict} | 1 | 1 | 1 | 0 | fails (exit 1) |`,
        "| broken | docker | production | Invalid configuration: agency-deploy:domains is required; " +
          "agency-deploy:mode must be a\\|b | — | — | — | — | not checked (exit 2) |",
        "",
      ].join("\n"),
    );
  });

  it("shows the full configuration error of a stack it could not check", () => {
    expect(markdown).toContain(
      "Its configuration is invalid:\n\n```\nInvalid configuration:\n  - agency-deploy:domains",
    );
  });
});

test("JSON has a fleet array, the fleet's exit status and the report of every checked stack", () => {
  const json = JSON.parse(renderFleet([PASSING, INVALID], "json", capturedTerminal())) as {
    exitCode: number;
    fleet: { stack: string; exitCode: number; error?: string }[];
    reports: { stack: string }[];
  };
  expect(json.exitCode).toBe(2);
  expect(json.fleet.map((r) => [r.stack, r.exitCode])).toEqual([
    ["lakeside", 0],
    ["broken", 2],
  ]);
  expect(json.fleet[1]?.error).toContain("agency-deploy:domains is required");
  expect(json.reports.map((r) => r.stack)).toEqual(["lakeside"]);
});

test("SARIF has one valid run per stack; a stack not checked is a failed invocation with its reason", () => {
  const log = JSON.parse(renderFleet([PASSING, FAILING, INVALID], "sarif", capturedTerminal())) as Sarif.Log;
  expectValidSarif(log);
  expect(log.runs.map((run) => run.properties?.stack)).toEqual(["lakeside", "riverside", "broken"]);
  const broken = log.runs[2] as Sarif.Run;
  expect(broken.results).toBeUndefined();
  expect(broken.invocations?.[0]).toMatchObject({
    executionSuccessful: false,
    exitCode: 2,
    toolExecutionNotifications: [{ level: "error", message: { text: INVALID.error } }],
  });
});
