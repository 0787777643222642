import { spawnSync } from "child_process";
import type { ReleaseStep } from "../../components/config";
import { defaultReleaseSteps } from "../../components/config";
import { RELEASE_EXIT_BASE, releaseFailure, releaseScript, shellQuote } from "../../components/release";

function step(name: string, command: string[], onFailure: "abort" | "warn"): ReleaseStep {
  return { name, command, onFailure };
}

/** Run a rendered script with the system's POSIX sh (dash on Debian). */
function run(steps: ReleaseStep[]) {
  const result = spawnSync("sh", ["-c", releaseScript(steps)], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("shellQuote", () => {
  it("leaves plain argv elements alone", () => {
    expect(shellQuote("--database=audit")).toBe("--database=audit");
  });
  it("single-quotes anything a shell would interpret", () => {
    expect(shellQuote("a b;$(x)")).toBe("'a b;$(x)'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe("releaseScript", () => {
  it("runs every step in order when all succeed", () => {
    const out = run([step("one", ["echo", "first"], "abort"), step("two", ["echo", "second"], "abort")]);
    expect(out.status).toBe(0);
    expect(out.stdout.indexOf("first")).toBeLessThan(out.stdout.indexOf("second"));
    expect(out.stdout).toContain("release: all steps done");
  });

  it("stops at a failed abort step with its exit code and a clear message, running nothing after it", () => {
    const out = run([step("migrate", ["false"], "abort"), step("seed", ["echo", "should-not-run"], "warn")]);
    expect(out.status).toBe(RELEASE_EXIT_BASE);
    expect(out.stderr).toContain("RELEASE ABORTED: step 1/2 migrate failed with exit code 1");
    expect(out.stdout).not.toContain("should-not-run");
  });

  it("names the failing step by its exit code when a later abort step fails", () => {
    const out = run([
      step("migrate", ["true"], "abort"),
      step("security-check", ["sh", "-c", "exit 3"], "abort"),
    ]);
    expect(out.status).toBe(RELEASE_EXIT_BASE + 1);
    expect(out.stderr).toContain("step 2/2 security-check failed with exit code 3");
  });

  it("prints a loud WARNING to stderr for a failed warn step and continues", () => {
    const out = run([step("seed", ["false"], "warn"), step("check", ["echo", "after-seed"], "abort")]);
    expect(out.status).toBe(0);
    expect(out.stderr).toMatch(/^WARNING: release step 1\/2 seed failed with exit code 1/m);
    expect(out.stdout).toContain("after-seed");
  });

  it("passes arguments with spaces and quotes through unchanged", () => {
    const out = run([step("echo", ["printf", "%s|", "a b", "it's", "$HOME"], "abort")]);
    expect(out.stdout).toContain("a b|it's|$HOME|");
  });

  it("renders the default production release: migrate, audit migrate, lockdown, seed (warn), check (abort)", () => {
    const script = releaseScript(defaultReleaseSteps("production"));
    const order = [
      "migrate --noinput",
      "migrate --database=audit",
      "lockdown_audit_db",
      "manage.py seed",
      "startup_check",
    ];
    const positions = order.map((text) => script.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(script).toContain("step 4/5 seed (on failure: warn)");
    expect(script).toContain("step 5/5 security-check (on failure: abort)");
  });

  it("makes the security check only warn in demo mode", () => {
    expect(releaseScript(defaultReleaseSteps("demo"))).toContain(
      "step 5/5 security-check (on failure: warn)",
    );
  });

  it("refuses an empty release", () => {
    expect(() => releaseScript([])).toThrow(/at least one step/);
  });
});

describe("releaseFailure", () => {
  const steps = defaultReleaseSteps("production");
  it("is undefined for a successful release", () => {
    expect(releaseFailure(0, steps)).toBeUndefined();
  });
  it("names the abort step that failed", () => {
    expect(releaseFailure(RELEASE_EXIT_BASE + 1, steps)).toMatch(
      /release step "migrate-audit" \(2 of 5\) failed/,
    );
  });
  it("reports any other exit code as an unfinished release", () => {
    expect(releaseFailure(137, steps)).toMatch(/exited with code 137 before finishing/);
  });
});
