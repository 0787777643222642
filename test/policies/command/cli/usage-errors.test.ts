/**
 * The installed CLI (dist/, as `npx agency-deploy` runs it) in a child process: every usage or
 * configuration mistake exits 2 with one message naming the problem, never a stack trace.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";

const CLI = path.join(REPO_ROOT, "dist", "policies", "command", "cli", "main.js");
const PROGRAM = path.join(FIXTURES_DIR, "offline", "program");
const PACK = path.join(FIXTURES_DIR, "offline", "pack");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...argv: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...argv], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stderr lines that are not progress lines ("dev: running ..."): what the user is told went wrong. */
function errorLines(run: Run): string[] {
  return run.stderr.split("\n").filter((line) => line.startsWith("error:"));
}

let tmp: string;

beforeAll(() => {
  // Jest runs sources; this suite proves the shipped build, so build it when it is absent.
  if (!fs.existsSync(CLI)) execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "pipe" });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-usage-"));
}, 300_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const target = path.join(tmp, name);
  fs.writeFileSync(target, text);
  return target;
}

const check = (...argv: string[]) => ["check", "--program", PROGRAM, "--policy-pack", PACK, ...argv];

describe("agency-deploy (dist) exits 2 with one clear line and no stack trace", () => {
  const table: [string, () => string[], RegExp][] = [
    ["an unknown --mode", () => check("--mode", "staging"), /--mode <mode>' argument 'staging' is invalid/],
    [
      "a missing stack",
      () => check("--stack", "nope"),
      /stack "nope" has no configuration file: .*Pulumi\.nope\.yaml does not exist/,
    ],
    ["a --stack without a name", () => ["check", "--stack"], /--stack <name>' argument missing/],
    [
      "an unreadable --context",
      () => check("--stack", "dev", "--context", "/does/not/exist"),
      /--context \/does\/not\/exist cannot be read: ENOENT/,
    ],
    [
      "a --context that is a file",
      () => check("--stack", "dev", "--context", file("not-a-dir", "x")),
      /--context .*not-a-dir is not a directory/,
    ],
    [
      "an events file that is not JSON",
      () => ["report", "--events", file("text.ndjson", "this is not json\n")],
      /invalid events file: .*text\.ndjson: no engine events found \(line 1 is not JSON\)/,
    ],
    [
      "an events file of JSON that is not engine events",
      () => ["report", "--events", file("shape.ndjson", '{"a":1}\n[1,2]\n')],
      /invalid events file: .*shape\.ndjson: no engine events found/,
    ],
    [
      "an empty events file",
      () => ["report", "--events", file("empty.ndjson", "")],
      /invalid events file: .*empty\.ndjson: no engine events found/,
    ],
    [
      "a missing events file",
      () => ["report", "--events", "/no/such/events.ndjson"],
      /cannot read --events \/no\/such\/events\.ndjson: ENOENT/,
    ],
    ["a report without --events", () => ["report"], /required option '-e, --events <file>' not specified/],
    [
      "an unknown --format for check",
      () => check("--format", "pdf"),
      /--format <format>' argument 'pdf' is invalid\. Allowed choices are md, markdown, json, sarif, terminal/,
    ],
    [
      "an unknown --format for report",
      () => ["report", "--events", "x.ndjson", "--format", "html"],
      /argument 'html' is invalid/,
    ],
    [
      "a --config without =",
      () => check("--stack", "dev", "--config", "novalue"),
      /--config expects KEY=VALUE, got "novalue"/,
    ],
    [
      "a --config without a key",
      () => check("--stack", "dev", "--config", "=x"),
      /--config expects KEY=VALUE, got "=x"/,
    ],
    ["an unknown option", () => ["check", "--bogus"], /unknown option '--bogus'/],
    ["an unknown command", () => ["frobnicate"], /unknown command 'frobnicate'/],
    [
      "a policy pack directory without PulumiPolicy.yaml",
      () => ["check", "--program", PROGRAM, "--stack", "dev", "--policy-pack", tmp],
      /is not a policy pack: .*PulumiPolicy\.yaml does not exist/,
    ],
  ];

  it.each(table)("for %s", (_what, argv, message) => {
    const run = cli(...argv());
    expect(run.status).toBe(2);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe("");
  });
});

describe("agency-deploy (dist) with invalid stack configuration", () => {
  it("exits 2 naming each bad key of the real program, without a stack trace", () => {
    const badKeys = ["--config", "agency=Bad_Slug", "--config", 'domains=["not a host"]'];
    const run = cli("check", "--program", path.join(REPO_ROOT, "stacks"), "--stack", "local", ...badKeys);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("error: Invalid configuration:");
    expect(run.stderr).toContain("  - agency-deploy:agency must be a lowercase slug");
    expect(run.stderr).toContain("  - agency-deploy:domains[0] must be a hostname");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe("");
  });
});
