/**
 * SARIF output against the official SARIF 2.1.0 JSON schema (see sarif-schema.ts), plus the
 * spec's rules the schema cannot express.
 */
import { readdirSync } from "fs";
import { join } from "path";
import type * as Sarif from "sarif";
import { buildReport, readEngineEvents, toSarif } from "../../../../policies/command/report";
import { TESTDATA_DIR } from "../../../support/paths";
import {
  analyzeSummary,
  IMAGE,
  ndjson,
  policyEvent,
  summaryEvent,
  TEST_CATALOGUE,
  WEB,
} from "./engine-events";
import { expectValidSarif, validateSarif } from "./sarif-schema";

const sample = buildReport(
  ndjson([
    policyEvent({
      policy: "non-root-user",
      urn: IMAGE,
      message: "USER root\nLocation: /src/app/my dir/Dockerfile:7",
    }),
    policyEvent({ policy: "non-root-user", urn: WEB, message: "user override\nLocation: acme-web user" }),
    policyEvent({
      policy: "pinned-supported-base-image",
      urn: IMAGE,
      enforcement: "advisory",
      message: "could not verify: no context",
    }),
    policyEvent({
      policy: "minimal-packages",
      urn: IMAGE,
      enforcement: "advisory",
      message: "apt without --no-install-recommends\nLocation: Dockerfile:3",
    }),
    policyEvent({ policy: "tags", urn: WEB, pack: "acme", enforcement: "advisory" }),
    analyzeSummary(WEB, ["database-url-secret"]),
    summaryEvent("failed"),
  ]),
  { catalogue: TEST_CATALOGUE, date: "2026-01-02", stack: "acme" },
);
const log = toSarif(sample);
const run = log.runs[0] as Sarif.Run;
const rules = run.tool.driver.rules ?? [];
const results = run.results ?? [];

test("the sample report is valid against the SARIF 2.1.0 schema", () => {
  expectValidSarif(log);
  expect(log.version).toBe("2.1.0");
});

test("every engine event stream in the test data gives valid SARIF", () => {
  const dir = join(TESTDATA_DIR, "pulumi-eventstreams");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ndjson"))) {
    expectValidSarif(toSarif(buildReport(readEngineEvents(join(dir, file)), { date: "2026-01-02" })));
  }
});

test("there is one rule per policy and one result per violation", () => {
  expect(rules.map((r) => r.id)).toEqual([...TEST_CATALOGUE.items.map((i) => i.policy), "acme/tags"]);
  expect(results).toHaveLength(5);
  expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
});

test("each result's ruleIndex points at the rule with its ruleId (SARIF 3.27.6)", () => {
  for (const result of results) {
    expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
  }
});

test("a build-context finding has an artifact location and start line", () => {
  const [absolute, relative] = results.filter((r) => r.locations?.[0]?.physicalLocation);
  expect(absolute?.locations?.[0]?.physicalLocation).toEqual({
    artifactLocation: { uri: "Dockerfile" },
    region: { startLine: 7 },
  });
  expect(relative?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe("Dockerfile");
});

test("a resource finding names the resource as a logical location", () => {
  const override = results.find((r) => r.message.text === "user override");
  expect(override?.locations?.[0]).toEqual({
    logicalLocations: [{ name: "acme-web", fullyQualifiedName: WEB, kind: "resource" }],
    message: { text: "property user" },
  });
});

test("levels follow enforcement and severity; 'could not verify' is for review with level none (3.27.10)", () => {
  const byMessage = (text: string) => results.find((r) => r.message.text?.startsWith(text));
  expect(byMessage("USER root")).toMatchObject({ kind: "fail", level: "error" });
  expect(byMessage("apt without")).toMatchObject({ kind: "fail", level: "note" });
  expect(byMessage("a policy failed")).toMatchObject({ kind: "fail", level: "warning" });
  expect(byMessage("could not verify")).toMatchObject({ kind: "review", level: "none" });
});

test("the run carries the verdict and stack", () => {
  expect(run.properties).toMatchObject({ verdict: sample.verdict, stack: "acme", date: "2026-01-02" });
  expect(run.invocations?.[0]).toEqual({ executionSuccessful: true, exitCode: 1 });
});

test("the schema check is not vacuous: a log without the driver's name or a result's message fails", () => {
  const broken = JSON.parse(JSON.stringify(log)) as {
    runs: { tool: { driver: Record<string, unknown> }; results: Record<string, unknown>[] }[];
  };
  delete broken.runs[0]?.tool.driver.name;
  delete broken.runs[0]?.results[0]?.message;
  expect(validateSarif(broken)).toBe(false);
  expect((validateSarif.errors ?? []).map((e) => e.message)).toEqual(
    expect.arrayContaining(["must have required property 'name'", "must have required property 'message'"]),
  );
});
