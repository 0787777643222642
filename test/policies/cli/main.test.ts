import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../policies/cli/main";
import type { Terminal } from "../../../policies/cli/terminal";
import { FIXTURES_DIR, TESTDATA_DIR } from "../../support/paths";

const PROGRAM = path.join(FIXTURES_DIR, "offline", "program");
const PACK = path.join(FIXTURES_DIR, "offline", "pack");

function capture(): Terminal & { out: string; err: string } {
  const t = {
    out: "",
    err: "",
    progress: () => undefined,
    done: () => undefined,
    error(message: string) {
      t.err += `error: ${message}\n`;
    },
    stdout(text: string) {
      t.out += text;
    },
  };
  return t;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const t = capture();
  const code = await main(argv, t);
  return { code, out: t.out, err: t.err };
}

describe("agency-deploy CLI exit status 2 without a stack trace", () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  it("rejects an unknown --mode", async () => {
    const r = await cli("check", "--program", PROGRAM, "--mode", "staging");
    expect(r.code).toBe(2);
    expect(stderr.mock.calls.join("")).toContain("argument 'staging' is invalid");
  });

  it("rejects an unknown --format", async () => {
    expect((await cli("report", "--events", "x.ndjson", "--format", "pdf")).code).toBe(2);
  });

  it("names the missing stack file", async () => {
    const r = await cli("check", "--program", PROGRAM, "--stack", "nope", "--policy-pack", PACK);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/stack "nope" has no configuration file: .*Pulumi\.nope\.yaml does not exist/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("names an unreadable --context", async () => {
    const r = await cli(
      "check",
      "--program",
      PROGRAM,
      "--stack",
      "dev",
      "--context",
      "/does/not/exist",
      "--policy-pack",
      PACK,
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain("--context /does/not/exist cannot be read: ENOENT");
  });

  it("rejects an invalid events file", async () => {
    const file = path.join(os.tmpdir(), `agency-deploy-bad-${process.pid}.ndjson`);
    fs.writeFileSync(file, "this is not json\n");
    const r = await cli("report", "--events", file);
    fs.unlinkSync(file);
    expect(r.code).toBe(2);
    expect(r.err).toContain("invalid events file");
  });

  it("reports a missing events file by name", async () => {
    const r = await cli("report", "--events", "/no/such/events.ndjson");
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot read --events /no/such/events.ndjson: ENOENT");
  });

  it("reports invalid configuration from the program as its message only", async () => {
    const r = await cli("check", "--program", PROGRAM, "--stack", "broken", "--policy-pack", PACK);
    expect(r.code).toBe(2);
    expect(r.err).toBe("error: offline-fixture:replicas must be at least 1\n");
  });

  it("rejects a --config without KEY=VALUE", async () => {
    const r = await cli(
      "check",
      "--program",
      PROGRAM,
      "--stack",
      "dev",
      "--config",
      "novalue",
      "--policy-pack",
      PACK,
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('--config expects KEY=VALUE, got "novalue"');
  });
});

describe("agency-deploy CLI", () => {
  it("prints --help for every command and exits 0", async () => {
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      for (const command of [[], ["check"], ["report"], ["runbook"]]) {
        expect(await cli(...command, "--help")).toMatchObject({ code: 0 });
      }
      const text = out.mock.calls.join("");
      expect(text).toContain("Usage: agency-deploy [options] [command]");
      expect(text).toContain("--all-stacks");
      expect(text).toContain("--events <file>");
      expect(text).toContain("Usage: agency-deploy runbook [options]");
    } finally {
      out.mockRestore();
    }
  });

  it("renders a real engine event stream and gates on its mandatory failure", async () => {
    const r = await cli(
      "report",
      "--events",
      path.join(TESTDATA_DIR, "pulumi-eventstreams", "TestSimpleAnalyzeResourceFailure.ndjson"),
      "--format",
      "json",
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toHaveProperty("verdict");
  });

  it("prints the instance runbook computed offline", async () => {
    const r = await cli("runbook", "--program", PROGRAM, "--stack", "dev");
    expect(r.code).toBe(0);
    expect(r.out).toBe("# Runbook for app\n\nRestore: `restore app`\n");
  });

  it("checks a stack offline and exits 1 on a mandatory failure, 0 once --config fixes it", async () => {
    const failing = await cli(
      "check",
      "--program",
      PROGRAM,
      "--stack",
      "prod",
      "--policy-pack",
      PACK,
      "--format",
      "json",
    );
    expect(failing.code).toBe(1);
    const passing = await cli(
      "check",
      "--program",
      PROGRAM,
      "--stack",
      "prod",
      "--policy-pack",
      PACK,
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
