/**
 * One finding per problem (issue 14): occurrences of one item are one finding with every location;
 * "could not verify" is listed apart, after the failures, never numbered with the item's severity;
 * no format carries a path of the machine that ran the check.
 */
import { DEFAULT_CATALOGUE, formatReport, REPORT_FORMATS } from "../../../../policies/command/report";
import { COULD_NOT_VERIFY } from "../../../../policies/protocol";
import { IMAGE, policyEvent, stackSummary, testReport } from "./engine-events";

const createOnLine = (line: number) =>
  policyEvent({
    policy: "idempotent-seeds",
    urn: IMAGE,
    enforcement: "advisory",
    message: `A seed creates rows without a guard, so a second run duplicates them.\nLocation: /home/ci/build/app/seeds/seed.py:${line}`,
  });

const EVENTS = [
  { preludeEvent: { config: {} } },
  ...Array.from({ length: 13 }, (_, i) => createOnLine(10 + i)),
  policyEvent({
    policy: "no-secrets-in-image",
    urn: IMAGE,
    enforcement: "advisory",
    message: `${COULD_NOT_VERIFY} the image is pushed, its Dockerfile is not in the stack\nLocation: /home/ci/build/app/Dockerfile:1`,
  }),
  stackSummary([]),
];

const report = testReport(
  EVENTS,
  { mode: "production", sourceRoot: "/home/ci/build/app", catalogue: DEFAULT_CATALOGUE },
  "succeeded",
);

test("thirteen occurrences of one problem are one finding with thirteen locations", () => {
  const item = report.items.find((i) => i.id === "RC-3");
  expect(item?.findings).toHaveLength(1);
  expect(item?.findings[0]?.locations.map((l) => `${l.file}:${l.line}`)).toEqual(
    Array.from({ length: 13 }, (_, i) => `seeds/seed.py:${10 + i}`),
  );
  const markdown = formatReport(report, "md");
  expect(markdown.match(/^\*\*\[LOW-\d{3}\]/gm)).toHaveLength(1);
  expect(markdown).toContain("`seeds/seed.py:10`, `seeds/seed.py:11`");
});

test("could not verify is listed apart, after the findings, and never numbered", () => {
  const markdown = formatReport(report, "md");
  expect(markdown).not.toMatch(/\[CRITICAL-\d{3}\]/);
  const findings = markdown.indexOf("### Findings");
  const apart = markdown.indexOf("### Could Not Verify");
  expect(apart).toBeGreaterThan(findings);
  expect(markdown.slice(apart)).toContain("- [CS-2] ");
});

test.each(REPORT_FORMATS)("the %s report names no path of this machine", (format) => {
  expect(formatReport(report, format)).not.toContain("/home/ci");
});
