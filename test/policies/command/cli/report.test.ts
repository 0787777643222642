/**
 * `agency-deploy report --events`: one report whichever way the engine's events arrive — a
 * streaming `pulumi preview --json` (NDJSON, here piped to stdin), an `--event-log` file (the
 * same NDJSON: both write each apitype.EngineEvent with one json.Encoder call per line), or
 * Automation API `onEvent` objects saved as NDJSON or as one JSON array.
 */
import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import { runReport, type ReportCommandOptions } from "../../../../policies/command/cli/report";
import { UsageError } from "../../../../policies/command/offline/usage-error";
import { TESTDATA_DIR } from "../../../support/paths";
import { capturedTerminal } from "./captured-terminal";
import { scratchDirectory } from "../../../support/scratch-directory";

const STREAM = path.join(
  TESTDATA_DIR,
  "pulumi-eventstreams",
  "TestSimpleAnalyzeResourceMultipleViolations.ndjson",
);
const NDJSON = fs.readFileSync(STREAM, "utf8");

async function report(
  events: string,
  stdin: NodeJS.ReadableStream = Readable.from([]),
): Promise<{ code: number; json: Record<string, unknown> }> {
  const t = capturedTerminal();
  // The engine's own test streams run its test pack, analyzerA.
  const options: ReportCommandOptions = { events, format: "json", pack: "analyzerA" };
  const code = await runReport(options, t, stdin);
  const json = JSON.parse(t.out) as Record<string, unknown>;
  // The date is today's in every form; compare the rest.
  delete json.date;
  return { code, json };
}

const scratch = scratchDirectory("agency-deploy-report", "all");

test("the same events give the same report from a file, stdin ('-') and a saved Automation API array", async () => {
  const fromFile = await report(STREAM);
  // A pipe delivers the stream in arbitrary chunks.
  const chunks = NDJSON.match(/[\s\S]{1,97}/g) ?? [];
  const fromStdin = await report("-", Readable.from(chunks));
  const array = path.join(scratch.dir, "automation-events.json");
  const objects = NDJSON.split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
  fs.writeFileSync(array, JSON.stringify(objects, null, 2));
  const fromArray = await report(array);

  expect(fromFile.code).toBe(1);
  expect(fromStdin).toEqual(fromFile);
  expect(fromArray).toEqual(fromFile);
  expect((fromFile.json.totals as { mandatory: number }).mandatory).toBeGreaterThan(0);
});

test("a streaming preview's non-JSON lines (CLI warnings on stdout) do not stop the report", async () => {
  const noisy = `warning: A new version of Pulumi is available.\n${NDJSON}`;
  expect((await report("-", Readable.from([noisy]))).code).toBe(1);
});

test("empty stdin is an invalid events file, named as stdin", async () => {
  await expect(report("-", Readable.from([]))).rejects.toMatchObject({
    name: "UsageError",
    message: expect.stringMatching(
      /^invalid events file: stdin: no engine events found; expected NDJSON from /,
    ),
  });
});

test("a directory given as --events is a usage error naming it", async () => {
  await expect(report(scratch.dir)).rejects.toThrow(
    new UsageError(`cannot read --events ${scratch.dir}: EISDIR`),
  );
});
