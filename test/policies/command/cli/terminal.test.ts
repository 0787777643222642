import { spawnSync } from "child_process";
import * as path from "path";
import { colourWanted, processTerminal } from "../../../../policies/command/cli/terminal";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";

const ESC = "\u001b";

function stream(isTTY: boolean): NodeJS.WriteStream & { written: string } {
  const s = {
    isTTY,
    written: "",
    write(chunk: string) {
      s.written += chunk;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { written: string };
}

function session(tty: boolean, env: NodeJS.ProcessEnv = {}) {
  const stdout = stream(tty);
  const stderr = stream(tty);
  const terminal = processTerminal(stdout, stderr, env);
  terminal.progress("dev: running the program");
  terminal.progress("dev: 3 resources registered", true);
  terminal.stdout("# Report\n");
  terminal.error("something failed");
  return { stdout: stdout.written, stderr: stderr.written };
}

describe("progress and errors go to stderr; stdout carries the report alone", () => {
  it.each([true, false])("on a TTY: %s", (tty) => {
    const { stdout, stderr } = session(tty);
    expect(stdout).toBe("# Report\n");
    expect(stderr).toContain("dev: running the program");
    expect(stderr).toContain("something failed");
  });
});

describe("off a TTY (CI logs, pipes)", () => {
  it("prints each lasting phase once, skips transient counters, and uses no escape codes", () => {
    expect(session(false).stderr).toBe("dev: running the program\nerror: something failed\n");
  });
});

describe("on a TTY", () => {
  it("redraws one progress line in colour and clears it before other output", () => {
    const { stderr } = session(true);
    expect(stderr).toBe(
      `\r${ESC}[2K${ESC}[2mdev: running the program${ESC}[0m` +
        `\r${ESC}[2K${ESC}[2mdev: 3 resources registered${ESC}[0m` +
        `\r${ESC}[2K` +
        `${ESC}[31merror:${ESC}[0m something failed\n`,
    );
  });

  it("honours NO_COLOR: still redraws in place, but without colour", () => {
    const { stderr } = session(true, { NO_COLOR: "1" });
    expect(stderr).toContain(`\r${ESC}[2Kdev: running the program\r`);
    expect(stderr).not.toContain(`${ESC}[2m`);
    expect(stderr).not.toContain(`${ESC}[31m`);
    expect(stderr).toContain("error: something failed\n");
  });
});

test("colour is wanted only on a TTY with NO_COLOR unset or empty (no-color.org)", () => {
  expect(colourWanted(stream(true), {})).toBe(true);
  expect(colourWanted(stream(true), { NO_COLOR: "" })).toBe(true);
  expect(colourWanted(stream(true), { NO_COLOR: "0" })).toBe(false);
  expect(colourWanted(stream(false), {})).toBe(false);
});

test("the CLI process writes the report to stdout and its progress to stderr, without escape codes in a pipe", () => {
  const run = spawnSync(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      path.join(REPO_ROOT, "policies", "command", "cli", "main.ts"),
      "check",
      "--program",
      path.join(FIXTURES_DIR, "offline", "program"),
      "--policy-pack",
      path.join(FIXTURES_DIR, "offline", "pack"),
      "--stack",
      "dev",
    ],
    { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: undefined } },
  );
  expect(run.stdout.startsWith("# Deployment Reliability Report\n")).toBe(true);
  expect(run.stdout).not.toContain("dev: running");
  expect(run.stderr).toMatch(/^dev: running .* and starting the policy pack\n/);
  expect(run.stderr).toContain("dev: Deployment Reliable: ");
  expect(run.stdout + run.stderr).not.toContain(ESC);
  expect(run.status).toBe(0);
}, 120_000);
