/**
 * The report against real engine output: pulumi/pulumi's lifecycle test event streams,
 * with the CLI's own rendering of the same run beside each. Whatever the report shows,
 * its violation counts must be the CLI's.
 */
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import {
  buildReport,
  formatReport,
  readEngineEvents,
  REPORT_FORMATS,
  stripColorTags,
} from "../../../../policies/command/report";
import { TESTDATA_DIR } from "../../../support/paths";

const STREAMS_DIR = join(TESTDATA_DIR, "pulumi-eventstreams");
const streams = readdirSync(STREAMS_DIR)
  .filter((file) => file.endsWith(".ndjson"))
  .map((file) => file.replace(/\.ndjson$/, ""));

interface CliCounts {
  /** "<type>: <name>" -> counts, as the CLI's "Policies:" block lists violations. */
  byResource: Record<string, { mandatory: number; advisory: number }>;
  mandatory: number;
  advisory: number;
}

// `- [mandatory] [severity: high]  always-fails  (pkgA:m:typA: resA)`; `[remediate]` lines are not violations.
const CLI_VIOLATION = /^\s*- \[(mandatory|advisory)\](?: \[severity: \w+\])?\s+\S+\s+\((.+)\)\s*$/;

function cliCounts(progress: string): CliCounts {
  const counts: CliCounts = { byResource: {}, mandatory: 0, advisory: 0 };
  for (const line of stripColorTags(progress).split("\n")) {
    const match = CLI_VIOLATION.exec(line);
    if (!match) continue;
    const enforcement = match[1] as "mandatory" | "advisory";
    const resource = match[2] as string;
    counts[enforcement] += 1;
    counts.byResource[resource] ??= { mandatory: 0, advisory: 0 };
    counts.byResource[resource][enforcement] += 1;
  }
  return counts;
}

test("every stream has the CLI's rendering beside it, and some of them list violations", () => {
  const renderings = streams.map((name) => readFileSync(join(STREAMS_DIR, `${name}.progress.txt`), "utf8"));
  const listed = renderings.map(cliCounts).reduce((n, c) => n + c.mandatory + c.advisory, 0);
  expect(streams.length).toBeGreaterThan(0);
  expect(listed).toBeGreaterThan(0);
});

describe.each(streams)("%s", (name) => {
  const stream = readEngineEvents(join(STREAMS_DIR, `${name}.ndjson`));
  const report = buildReport(stream, { date: "2026-01-02" });
  const cli = cliCounts(readFileSync(join(STREAMS_DIR, `${name}.progress.txt`), "utf8"));

  test("its violation counts per resource and in total match the CLI's rendering", () => {
    const ours: CliCounts["byResource"] = {};
    for (const row of report.totals.byResource) {
      ours[`${row.type}: ${row.name}`] = { mandatory: row.mandatory, advisory: row.advisory };
    }
    expect(ours).toEqual(cli.byResource);
    expect({ mandatory: report.totals.mandatory, advisory: report.totals.advisory }).toEqual({
      mandatory: cli.mandatory,
      advisory: cli.advisory,
    });
  });

  test("the gate fails exactly when the CLI listed a mandatory violation", () => {
    expect(report.exitCode).toBe(cli.mandatory > 0 ? 1 : 0);
  });

  test.each(REPORT_FORMATS)("renders as %s with every violation in it and no colour tags", (format) => {
    const text = formatReport(report, format);
    expect(text).not.toMatch(/<\{%/);
    // One finding per problem: a violation repeated on several resources is one finding listing them all.
    const problems = report.items.reduce((n, item) => n + item.findings.length, 0);
    const places = report.items.reduce(
      (n, item) => n + item.findings.reduce((m, f) => m + f.locations.length, 0),
      0,
    );
    expect(places).toBeLessThanOrEqual(cli.mandatory + cli.advisory);
    expect(problems).toBeLessThanOrEqual(places);
    if (format === "md") {
      const failing = report.items.filter((item) => item.findings.some((f) => f.kind === "violation"));
      expect((text.match(/^\*\*\[[A-Z]+-\d{3}\] /gm) ?? []).length).toBe(failing.length);
    } else if (format === "json") {
      const items = JSON.parse(text).items as { findings: unknown[] }[];
      expect(items.reduce((n, item) => n + item.findings.length, 0)).toBe(problems);
    } else {
      expect(JSON.parse(text).runs[0].results).toHaveLength(problems);
    }
    for (const item of report.items)
      for (const finding of item.findings) expect(text).toContain(finding.message.split("\n")[0]);
  });
});
