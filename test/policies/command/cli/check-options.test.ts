/**
 * `check`'s options as a user meets them: mistakes named before the (slow) run, conflicting
 * options refused, progress counted under --all-stacks, and the paths written said.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../../policies/command/cli/main";
import { FIXTURES_DIR } from "../../../support/paths";
import { capturedTerminal, type CapturedTerminal } from "./captured-terminal";

const PROGRAM = path.join(FIXTURES_DIR, "offline", "program");
const PACK = path.join(FIXTURES_DIR, "offline", "pack");

/** A captured terminal that also keeps the progress lines. */
function recordingTerminal(
  overrides: Partial<CapturedTerminal> = {},
): CapturedTerminal & { lines: string[] } {
  const t = Object.assign(capturedTerminal(), { lines: [] as string[] }, overrides);
  t.progress = (message: string) => {
    t.lines.push(message);
  };
  return t;
}

async function check(argv: string[], terminal = recordingTerminal()) {
  const code = await main(["check", "--program", PROGRAM, "--policy-pack", PACK, ...argv], terminal);
  return { code, ...terminal, ran: terminal.lines.length > 0 };
}

let tmp: string;
let stderr: jest.SpyInstance;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-options-"));
  stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  stderr.mockRestore();
  fs.rmSync(tmp, { recursive: true, force: true });
  delete process.env.SOURCE_DATE_EPOCH;
});

describe("mistakes named before the run (exit 2, nothing run)", () => {
  it("--all-stacks with --stack", async () => {
    const r = await check(["--all-stacks", "--stack", "dev"]);
    expect([r.code, r.ran]).toEqual([2, false]);
    expect(stderr.mock.calls.join("")).toContain(
      "option '--all-stacks' cannot be used with option '-s, --stack <name>'",
    );
  });

  it("a --stack that does not exist, listing those that do", async () => {
    const r = await check(["--stack", "nope"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('stack "nope" has no configuration file');
    expect(r.err).toContain("the stacks there are: broken, dev, prod");
  });

  it("an --out that is a directory, or under a file", async () => {
    const dir = await check(["--stack", "dev", "--out", tmp]);
    expect([dir.code, dir.ran]).toEqual([2, false]);
    expect(dir.err).toContain("is a directory; give a file name");
    const file = path.join(tmp, "file");
    fs.writeFileSync(file, "");
    const under = await check(["--stack", "dev", "--out", path.join(file, "report.md")]);
    expect([under.code, under.ran]).toEqual([2, false]);
    expect(under.err).toContain("cannot write --out");
    expect(under.err).toMatch(/EEXIST|ENOTDIR/);
  });

  it("a SOURCE_DATE_EPOCH that is not a number of seconds", async () => {
    process.env.SOURCE_DATE_EPOCH = "yesterday";
    const r = await check(["--stack", "dev"]);
    expect([r.code, r.ran]).toEqual([2, false]);
    expect(r.err).toContain(
      'SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got "yesterday"',
    );
  });

  it("a --baseline that is missing or not a baseline", async () => {
    const missing = await check(["--stack", "dev", "--baseline", path.join(tmp, "none.json")]);
    expect([missing.code, missing.ran]).toEqual([2, false]);
    expect(missing.err).toContain("cannot read --baseline");
    const bad = path.join(tmp, "bad.json");
    fs.writeFileSync(bad, "[]");
    const notOne = await check(["--stack", "dev", "--baseline", bad]);
    expect(notOne.err).toContain("is not an agency-deploy baseline");
  });

  it("exemptions in the stack config, by key and index", async () => {
    const r = await check([
      "--stack",
      "dev",
      "-c",
      'exemptions=[{"id":"CS-1","resource":"web","reason":"ok"},{"id":"CS-1","resource":"web","expires":"2027-13-01"}]',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("agency-deploy:exemptions[1].reason is required");
    expect(r.err).toContain("agency-deploy:exemptions[1].expires must be a date as YYYY-MM-DD");
    expect(r.lines.some((line) => line.includes("running"))).toBe(false);
  });

  it("exemptions in --policy-pack-config, by file, policy and index", async () => {
    const config = path.join(tmp, "pack-config.json");
    fs.writeFileSync(config, JSON.stringify({ "non-root-user": { exemptions: [{ resource: "web" }] } }));
    const r = await check(["--stack", "dev", "--policy-pack-config", config]);
    expect([r.code, r.ran]).toEqual([2, false]);
    expect(r.err).toContain(`--policy-pack-config ${config}: non-root-user.exemptions[0].reason is required`);
  });
});

describe("a run", () => {
  it("counts stacks as [N of M] under --all-stacks", async () => {
    const r = await check(["--all-stacks", "--format", "json"]);
    expect(r.code).toBe(2);
    for (const [n, stack] of ["broken", "dev", "prod"].entries()) {
      expect(r.lines.some((line) => line.startsWith(`[${n + 1} of 3] ${stack}:`))).toBe(true);
    }
  }, 120_000);

  it("says where it wrote the report and the baseline", async () => {
    const out = path.join(tmp, "reports", "dev.md");
    const baseline = path.join(tmp, "baseline.json");
    const r = await check(["--stack", "dev", "--out", out, "--write-baseline", baseline]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(r.notes).toBe(`report written to ${out}\nbaseline of 3 finding(s) written to ${baseline}\n`);
    expect(fs.readFileSync(out, "utf8")).toContain("# Deployment Reliability Report");
    expect(JSON.parse(fs.readFileSync(baseline, "utf8"))).toMatchObject({
      tool: "agency-deploy",
      version: 1,
    });
  }, 120_000);

  it("renders for the terminal when stdout is one, markdown with --format markdown", async () => {
    const tty = await check(
      ["--stack", "dev"],
      recordingTerminal({ stdoutIsTTY: true, stdoutColour: false }),
    );
    const lines = tty.out.trimEnd().split("\n");
    expect(lines[lines.length - 2]).toMatch(/^Deployment Reliable: /);
    expect(lines[lines.length - 1]).toMatch(/^Gate: passes \(exit 0\)/);
    expect(tty.out).not.toContain("### Summary");
    const md = await check(
      ["--stack", "dev", "--format", "markdown"],
      recordingTerminal({ stdoutIsTTY: true, stdoutColour: true }),
    );
    expect(md.out).toContain("### Summary");
    expect(md.out).not.toContain("\u001b[");
  }, 120_000);
});

test("--help of every command describes its new options", async () => {
  const help = async (command: string): Promise<string> => {
    const t = capturedTerminal();
    expect(await main([command, "--help"], t)).toBe(0);
    return t.out;
  };
  const check = await help("check");
  for (const text of [
    "--baseline <file>",
    "--write-baseline <file>",
    "--policy-pack-config <file>",
    "not with --stack",
    "terminal (colour, verdict last)",
    "Exemptions (listed in the report apart from the findings, never silent):",
    "allowCriticalExemptions: true",
    '# agency-deploy: ignore <ID>[,<ID>...] reason="<why>" [until=YYYY-MM-DD]',
    "Baselines:",
  ]) {
    expect(check).toContain(text);
  }
  const report = await help("report");
  for (const text of ["--baseline <file>", "--write-baseline <file>", "Baselines:", "terminal"]) {
    expect(report).toContain(text);
  }
  const runbook = await help("runbook");
  expect(runbook).toContain("--config <key=value>");
  expect(runbook).toContain("<generated>");
  expect(runbook).toMatch(/current\s+value\s+\+\s+1/);
});
