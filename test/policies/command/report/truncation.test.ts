/**
 * Every truncation of a real engine event stream: a report must never say "Yes" from a stream that
 * lacks the pack's summaries. A cut stream is refused (exit 2 in the CLI) or, when the cut falls
 * after everything the report needs, gives the same verdict as the whole stream.
 */
import { existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import {
  assertPackRan,
  buildReport,
  EventStreamError,
  parseEngineEvents,
} from "../../../../policies/command/report";
import { TESTDATA_DIR } from "../../../support/paths";

const STREAMS_DIR = join(TESTDATA_DIR, "pulumi-eventstreams");
const available = existsSync(STREAMS_DIR);
if (!available && process.env.CI !== "true")
  console.log(`skipped: truncated event streams need ${STREAMS_DIR} (../shared/testdata)`);
const streams = available ? readdirSync(STREAMS_DIR).filter((f) => f.endsWith(".ndjson")) : [];
/** The engine's own test streams run its test pack. */
const PACK = "analyzerA";

const SUMMARY = /"(policyAnalyzeSummaryEvent|policyAnalyzeStackSummaryEvent|summaryEvent)"/;

function verdictOf(text: string): string {
  try {
    const stream = parseEngineEvents(text, "cut");
    assertPackRan(stream, PACK, "cut");
    return buildReport(stream, { date: "2026-01-02" }).verdict;
  } catch (error) {
    if (error instanceof EventStreamError) return "refused";
    throw error;
  }
}

(available || process.env.CI === "true" ? describe : describe.skip)("truncated engine event streams", () => {
  test.each(streams)("no truncation of %s that lacks a summary gives Yes", (file) => {
    const full = readFileSync(join(STREAMS_DIR, file), "utf8");
    const summaryLines = full.split("\n").filter((line) => SUMMARY.test(line));
    const whole = verdictOf(full);
    for (let cut = 0; cut < full.length; cut++) {
      const text = full.slice(0, cut);
      const verdict = verdictOf(text);
      const complete = summaryLines.every((line) => text.includes(`${line}\n`) || text.endsWith(line));
      // Refusing is always safe; accepting is only right once every summary is in.
      if (!complete) expect({ cut, verdict }).toEqual({ cut, verdict: "refused" });
      else expect([whole, "refused"]).toContain(verdict);
    }
  });

  test("a stream whose violation line is cut is refused, not reported", () => {
    const full = readFileSync(join(STREAMS_DIR, "TestSimpleAnalyzeResourceFailure.ndjson"), "utf8");
    const lines = full.split("\n");
    const violation = lines.findIndex((line) => line.includes('"policyEvent"'));
    const cut = [...lines.slice(0, violation), lines[violation]?.slice(0, 40), ...lines.slice(violation + 1)];
    expect(() => parseEngineEvents(cut.join("\n"), "cut")).toThrow(/line \d+: not a complete engine event/);
  });

  test("a stream without this pack's summaries says so", () => {
    const full = readFileSync(join(STREAMS_DIR, "TestSimpleAnalyzer.ndjson"), "utf8");
    expect(() => assertPackRan(parseEngineEvents(full), "deployment-reliability")).toThrow(
      /no summary of the deployment-reliability policy pack/,
    );
  });
});
