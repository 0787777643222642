import { join } from "path";
import {
  buildReport,
  eventStreamFromObjects,
  EventStreamError,
  parseEngineEvents,
  readEngineEvents,
  stripColorTags,
} from "../../../../policies/command/report";
import { TESTDATA_DIR } from "../../../support/paths";
import { ndjson, policyEvent, summaryEvent, WEB } from "./engine-events";

const STREAMS = join(TESTDATA_DIR, "pulumi-eventstreams");

test("reads policy events, summaries and the run summary from a real engine stream", () => {
  const stream = readEngineEvents(join(STREAMS, "TestSimpleAnalyzeResourceFailure.ndjson"));
  expect(stream.violations).toEqual([
    {
      resourceUrn: "urn:pulumi:test::test::pkgA:m:typA::resA",
      message: "a policy failed",
      policyName: "always-fails",
      policyPackName: "analyzerA",
      policyPackVersion: "",
      enforcementLevel: "mandatory",
      severity: "high",
    },
  ]);
  expect(stream.resourceSummaries.map((s) => s.failed)).toEqual([[], ["always-fails"]]);
  expect(stream.runSummary).toEqual({ policyPacks: { analyzerA: "" }, isPreview: false, result: "failed" });
  expect(stream.eventCount).toBe(9);
});

test("remediation summaries are ignored: they neither pass nor fail a policy", () => {
  const stream = readEngineEvents(join(STREAMS, "TestResourceRemediation.ndjson"));
  expect(stream.violations).toEqual([]);
  expect(stream.resourceSummaries).toHaveLength(2);
  expect(stream.stackSummaries).toEqual([
    { policyPackName: "analyzerA", policyPackVersion: "1.0.0", passed: ["ignored", "real-deal"], failed: [] },
  ]);
});

test("colour tags are stripped from messages", () => {
  expect(stripColorTags("<{%fg 1%}>error: <{%reset%}><{%reset%}>failed<{%reset%}>")).toBe("error: failed");
  const stream = parseEngineEvents(
    ndjson([policyEvent({ policy: "p", urn: WEB, message: "<{%bold%}>bad<{%reset%}> thing" })]),
  );
  expect(stream.violations[0]?.message).toBe("bad thing");
});

test("blank lines, unknown event kinds and non-JSON lines are skipped, the latter recorded", () => {
  const text = [
    "npm warn something on stderr",
    "",
    JSON.stringify({ sequence: 1, timestamp: 0, someFutureEvent: { x: 1 } }),
    JSON.stringify(policyEvent({ policy: "p", urn: WEB })),
    "   ",
    JSON.stringify({ not: "an event" }),
  ].join("\n");
  const stream = parseEngineEvents(text);
  expect(stream.eventCount).toBe(2);
  expect(stream.violations).toHaveLength(1);
  expect(stream.skippedLines).toEqual([1]);
});

test("a malformed policy event is an error naming its line and field", () => {
  const text = ndjson([summaryEvent(), { policyEvent: { message: "x", policyPackName: "a" } }]);
  expect(() => parseEngineEvents(text, "run.ndjson")).toThrow(
    new EventStreamError(
      "run.ndjson line 2: policyEvent.policyName: Invalid input: expected string, received undefined",
    ),
  );
});

test("a file with no events is a clear error naming the first bad line", () => {
  expect(() => parseEngineEvents("hello\nworld\n", "out.txt")).toThrow(
    /^out\.txt: no engine events found \(line 1 is not JSON\)/,
  );
  expect(() => parseEngineEvents("", "empty.ndjson")).toThrow(/^empty\.ndjson: no engine events found/);
});

test("the digest of plain `pulumi preview --json` is rejected with how to get events instead", () => {
  const digest = JSON.stringify({ steps: [], changeSummary: { create: 1 } }, null, 2);
  expect(() => parseEngineEvents(digest, "preview.json")).toThrow(/PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1/);
});

test("a JSON array of events (Automation API events saved as one document) is read", () => {
  const text = JSON.stringify([policyEvent({ policy: "p", urn: WEB }), summaryEvent()], null, 2);
  expect(parseEngineEvents(text).violations).toHaveLength(1);
});

test("Automation API EngineEvent objects are read as they come from onEvent", () => {
  const collected: unknown[] = [
    policyEvent({ policy: "non-root-user", urn: WEB }),
    {
      sequence: 2,
      timestamp: 0,
      summaryEvent: { policyPacks: { "deployment-reliability": "v0.1.0" }, isPreview: true },
    },
  ];
  const report = buildReport(collected, { date: "2026-01-02" });
  expect(report.exitCode).toBe(1);
  expect(report.preview).toBe(true);
  expect(eventStreamFromObjects(collected).runSummary?.policyPacks).toEqual({
    "deployment-reliability": "v0.1.0",
  });
});
