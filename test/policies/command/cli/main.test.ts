import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../../policies/command/cli/main";
import { FIXTURES_DIR, TESTDATA_DIR } from "../../../support/paths";
import { capturedTerminal, type CapturedTerminal } from "./captured-terminal";

const PROGRAM = path.join(FIXTURES_DIR, "offline", "program");
const PACK = path.join(FIXTURES_DIR, "offline", "pack");
const EVENTS = path.join(TESTDATA_DIR, "pulumi-eventstreams", "TestSimpleAnalyzeResourceFailure.ndjson");

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const t = capturedTerminal();
  const code = await main(argv, t);
  return { code, out: t.out, err: t.err };
}

/** `check` of the fixture program with the fixture pack, up to the stack's name. */
const CHECK = ["check", "--program", PROGRAM, "--policy-pack", PACK, "--stack"];

function check(stack: string, ...argv: string[]): ReturnType<typeof cli> {
  return cli(...CHECK, stack, ...argv);
}

describe("agency-deploy CLI exit status 2 without a stack trace", () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  it.each([
    // Commander's own messages go to stderr directly, not through the terminal.
    [
      "an unknown --mode",
      ["check", "--program", PROGRAM, "--mode", "staging"],
      "argument 'staging' is invalid",
    ],
    [
      "an unknown --format",
      ["report", "--events", "x.ndjson", "--format", "pdf"],
      "argument 'pdf' is invalid",
    ],
    [
      "a missing stack file, by name",
      [...CHECK, "nope"],
      /stack "nope" has no configuration file: .*Pulumi\.nope\.yaml does not exist/,
    ],
    [
      "an unreadable --context",
      [...CHECK, "dev", "--context", "/does/not/exist"],
      "--context /does/not/exist cannot be read: ENOENT",
    ],
    [
      "a missing events file, by name",
      ["report", "--events", "/no/such/events.ndjson"],
      "cannot read --events /no/such/events.ndjson: ENOENT",
    ],
    [
      "invalid configuration from the program, as its message only",
      [...CHECK, "broken"],
      /^error: offline-fixture:replicas must be at least 1\n$/,
    ],
    [
      "a --config without KEY=VALUE",
      [...CHECK, "dev", "--config", "novalue"],
      '--config expects KEY=VALUE, got "novalue"',
    ],
  ] as [string, string[], string | RegExp][])("%s", async (_name, argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    const said = r.err + stderr.mock.calls.join("");
    if (typeof message === "string") expect(said).toContain(message);
    else expect(said).toMatch(message);
    expect(said).not.toMatch(/\n\s+at /);
  });

  it("an invalid events file", async () => {
    const file = path.join(os.tmpdir(), `agency-deploy-bad-${process.pid}.ndjson`);
    fs.writeFileSync(file, "this is not json\n");
    const r = await cli("report", "--events", file);
    fs.unlinkSync(file);
    expect(r.code).toBe(2);
    expect(r.err).toContain("invalid events file");
  });
});

describe("agency-deploy CLI", () => {
  it("prints --help for every command and exits 0", async () => {
    let text = "";
    for (const command of [[], ["check"], ["report"], ["runbook"]]) {
      const r = await cli(...command, "--help");
      expect(r.code).toBe(0);
      text += r.out;
    }
    expect(text).toContain("Usage: agency-deploy [options] [command]");
    expect(text).toContain("--all-stacks");
    expect(text).toContain("--events <file>");
    expect(text).toContain("Usage: agency-deploy runbook [options]");
    // The top level, check and report each document the exit statuses a CI gate relies on.
    expect(text.match(/^Exit status:$/gm)).toHaveLength(3);
    expect(text).toContain("  1  a mandatory policy failed: the gate fails");
    expect(text).toContain("  3  an internal error of agency-deploy: please report it");
  });

  it("renders a real engine event stream and gates on its mandatory failure", async () => {
    const r = await cli("report", "--events", EVENTS, "--pack", "analyzerA", "--format", "json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toHaveProperty("verdict");
  });

  it("prints the instance runbook computed offline", async () => {
    const r = await cli("runbook", "--program", PROGRAM, "--stack", "dev");
    expect(r.code).toBe(0);
    expect(r.out).toBe("# Runbook for app\n\nRestore: `restore app`\n");
  });

  it("checks a stack offline and exits 1 on a mandatory failure, 0 once --config fixes it", async () => {
    const failing = await check("prod", "--format", "json");
    expect(failing.code).toBe(1);
    const passing = await check(
      "prod",
      "--config",
      "offline-fixture:unprotected=false",
      "--mode",
      "demo",
      "--format",
      "json",
    );
    expect(passing.code).toBe(0);
    expect(JSON.parse(passing.out)).toMatchObject({ mode: "demo" });
  }, 120000);
});

describe("check --all-stacks", () => {
  it("checks every stack past an invalid one, names its config error and exits 2", async () => {
    const r = await cli(
      "check",
      "--program",
      PROGRAM,
      "--policy-pack",
      PACK,
      "--all-stacks",
      "--format",
      "json",
    );
    expect(r.code).toBe(2);
    const { fleet, reports } = JSON.parse(r.out) as {
      fleet: {
        stack: string;
        verdict: string | null;
        mandatoryFailures: number;
        exitCode: number;
        error?: string;
      }[];
      reports: { stack: string }[];
    };
    expect(fleet.map(({ stack, exitCode }) => [stack, exitCode])).toEqual([
      ["broken", 2],
      ["dev", 0],
      ["prod", 1],
    ]);
    expect(fleet[0]).toMatchObject({ verdict: null, error: "offline-fixture:replicas must be at least 1" });
    expect(fleet[2]?.mandatoryFailures).toBeGreaterThan(0);
    expect(reports.map((report) => report.stack)).toEqual(["dev", "prod"]);
  }, 120000);
});

describe("an internal error", () => {
  // A terminal that fails to write stands in for any fault of agency-deploy itself.
  function failingTerminal(): CapturedTerminal {
    const t = capturedTerminal();
    t.stdout = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'write')\nsecond line");
    };
    return t;
  }

  const debug = process.env.AGENCY_DEPLOY_DEBUG;
  beforeEach(() => {
    delete process.env.AGENCY_DEPLOY_DEBUG;
  });
  afterAll(() => {
    if (debug !== undefined) process.env.AGENCY_DEPLOY_DEBUG = debug;
  });

  it("exits 3, never a gate's 0 or 1, with one line saying what failed and a request to report it", async () => {
    const t = failingTerminal();
    expect(await main(["report", "--events", EVENTS, "--pack", "analyzerA"], t)).toBe(3);
    expect(t.err.split("\n")).toEqual([
      "error: internal error: TypeError: Cannot read properties of undefined (reading 'write')",
      "This is a bug in agency-deploy; please report it with the command you ran, and run it again with AGENCY_DEPLOY_DEBUG=1 for the stack trace.",
      "",
    ]);
  });

  it("adds the stack trace with AGENCY_DEPLOY_DEBUG=1", async () => {
    process.env.AGENCY_DEPLOY_DEBUG = "1";
    const t = failingTerminal();
    expect(await main(["report", "--events", EVENTS, "--pack", "analyzerA"], t)).toBe(3);
    expect(t.err).toContain("please report it with the command you ran and the stack trace below.");
    expect(t.err).toMatch(/\n\s+at .*report-output/);
  });
});
