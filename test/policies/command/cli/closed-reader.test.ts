import { spawn } from "child_process";
import * as path from "path";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";

const CLI = path.join(REPO_ROOT, "dist", "policies", "command", "cli", "main.js");
const PROGRAM = path.join(FIXTURES_DIR, "offline", "program");
const PACK = path.join(FIXTURES_DIR, "offline", "pack");

/**
 * The installed command with its stdout a pipe whose reader has already gone, as after
 * `| head -3`: every write it makes fails with EPIPE.
 */
function withClosedStdout(...argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("a reader that closes stdout early ends the command quietly", () => {
  it.each([[[]], [["check"]], [["report"]], [["runbook"]]])("%j --help exits 0", async (command) => {
    const r = await withClosedStdout(...command, "--help");
    expect(r).toEqual({ code: 0, stderr: "" });
  });

  it("with the exit status it would have had: check's gate still fails a mandatory finding", async () => {
    const r = await withClosedStdout("check", "--program", PROGRAM, "--policy-pack", PACK, "--stack", "prod");
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("error");
  }, 60000);

  it("and runbook its 0", async () => {
    const r = await withClosedStdout("runbook", "--program", PROGRAM, "--stack", "dev");
    expect(r).toEqual({ code: 0, stderr: expect.not.stringContaining("error") });
  }, 60000);
});
