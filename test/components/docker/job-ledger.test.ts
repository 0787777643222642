import { execFile } from "child_process";
import * as path from "path";
import {
  ATTEMPT_LABEL,
  chooseAttempt,
  inputsKey,
  JOB_LEDGER_OUTPUT,
  lastRecords,
  stableJson,
  UNRECORDED_ATTEMPT,
} from "../../../components/docker/job-ledger";
import { containerStep } from "../../support/docker-engine";
import { FIXTURES_DIR, REPO_ROOT } from "../../support/paths";

interface RunResult {
  steps: Record<string, string>;
  completed: boolean;
  deleted: string[];
  errors: string[];
}

/**
 * Several `pulumi up`s in a row (test/fixtures/job-rerun/deploy.ts), under mocks that model the
 * Docker provider's create, update and read and the engine's handling of a failed update the way
 * their sources do (test/support/docker-engine.ts), in a process of their own: failed gates
 * reject Outputs on purpose.
 */
function scenario(name: string): Promise<RunResult[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(FIXTURES_DIR, "job-rerun", "deploy.ts"), name],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 },
      (error, stdout, stderr) => {
        const line = stdout.split("\n").find((l) => l.startsWith("["));
        if (line === undefined)
          reject(new Error(`${name} printed no result: ${String(error)}\n${stdout}\n${stderr}`));
        else resolve(JSON.parse(line) as RunResult[]);
      },
    );
  });
}

/** The containers a run created or replaced, by logical name without the web container's key. */
const ran = (run: RunResult) =>
  Object.entries(run.steps)
    .filter(([, step]) => step === "create" || step === "replace")
    .map(([name]) => name.replace(/-web-server-[0-9a-f]{12}$/, "-web-server"))
    .sort();

describe("JobLedger", () => {
  it("hashes inputs independently of key order and of undefined values", () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(inputsKey({ a: 1, b: 2 })).toBe(inputsKey({ b: 2, a: 1 }));
    expect(inputsKey({ a: 1 })).not.toBe(inputsKey({ a: 2 }));
  });

  it("keeps the recorded attempt for the key that succeeded, and a fresh one for any other", () => {
    const outputs = { [JOB_LEDGER_OUTPUT]: { release: { key: "k1", attempt: "a1" } }, url: "x" };
    expect(chooseAttempt("release", "k1", outputs, () => "fresh")).toBe("a1");
    expect(chooseAttempt("release", "k2", outputs, () => "fresh")).toBe("fresh");
    expect(chooseAttempt("backup", "k1", outputs, () => "fresh")).toBe("fresh");
  });

  it("gives a never-completed stack fresh attempts, and a stack without a ledger a fixed one", () => {
    expect(chooseAttempt("release", "k", {}, () => "fresh")).toBe("fresh");
    expect(chooseAttempt("release", "k", undefined, () => "fresh")).toBe("fresh");
    expect(chooseAttempt("release", "k", { url: "x" }, () => "fresh")).toBe(UNRECORDED_ATTEMPT);
  });

  it("ignores malformed records", () => {
    expect(lastRecords({ [JOB_LEDGER_OUTPUT]: { a: { key: 1 }, b: { key: "k", attempt: "x" } } })).toEqual({
      b: { key: "k", attempt: "x" },
    });
    expect(lastRecords({ [JOB_LEDGER_OUTPUT]: "nonsense" })).toBeUndefined();
  });

  it("names its label", () => {
    expect(ATTEMPT_LABEL).toBe("agency-deploy.attempt");
  });
});

describe("the provider model (test/support/docker-engine.ts)", () => {
  const old = {
    inputs: { image: "a", memory: 1, tmpfs: { "/tmp": "x" }, labels: [1] },
    exitCode: 1,
    initError: false,
  };
  it("finds nothing to do for the same inputs, whatever the stored exit code", () => {
    expect(containerStep(old, { ...old.inputs }, [])).toBe("same");
  });
  it("updates memory in place, plans a no-op update for tmpfs, and replaces on anything else", () => {
    expect(containerStep(old, { ...old.inputs, memory: 2 }, [])).toBe("update");
    expect(containerStep(old, { ...old.inputs, tmpfs: {} }, [])).toBe("update");
    expect(containerStep(old, { ...old.inputs, tmpfs: {} }, ["tmpfs"])).toBe("replace");
    expect(containerStep(old, { ...old.inputs, labels: [2] }, [])).toBe("replace");
  });
  it("retries an initialization error by update, or by replacement with replaceOnChanges *", () => {
    const failed = { ...old, initError: true };
    expect(containerStep(failed, { ...old.inputs }, [])).toBe("update");
    expect(containerStep(failed, { ...old.inputs }, ["*"])).toBe("replace");
  });
});

describe("one-shot jobs across updates (provider and engine modelled on their sources)", () => {
  // All scenarios at once: each is a process of its own.
  const runs = {
    release: scenario("failed-release"),
    backup: scenario("failed-backup"),
    rotation: scenario("failed-rotation"),
    web: scenario("unhealthy-web"),
    cpu: scenario("database-cpu"),
  };

  it("reruns a failed release on the next up, then leaves the successful one alone", async () => {
    const [failed, rerun, again] = await runs.release;
    expect(failed.completed).toBe(false);
    expect(failed.errors.join("\n")).toContain('release step "migrate" (1 of 5) failed');
    expect(ran(failed)).not.toContain("riverside-web-server");
    // Same configuration, no --replace: the failed container is replaced because its attempt changed.
    expect(rerun.completed).toBe(true);
    expect(rerun.steps["riverside-release-job"]).toBe("replace");
    expect(ran(rerun)).toContain("riverside-web-server");
    // Nothing changed since the success: no job runs again.
    expect(again.completed).toBe(true);
    expect(ran(again)).toEqual([]);
  });

  it("reruns a failed pre-release backup, and then the release it gates", async () => {
    const [failed, rerun, again] = await runs.backup;
    expect(failed.completed).toBe(false);
    expect(ran(failed)).not.toContain("riverside-release-job");
    expect(rerun.steps["riverside-pre-release-backup-job"]).toBe("replace");
    expect(rerun.steps["riverside-release-job"]).toBe("create");
    expect(ran(again)).toEqual([]);
  });

  it("reruns a failed password rotation", async () => {
    const [failed, rerun] = await runs.rotation;
    expect(failed.completed).toBe(false);
    expect(rerun.steps["riverside-password-rotation-job"]).toBe("replace");
    expect(rerun.completed).toBe(true);
  });

  it("keeps the serving web container when the new one fails its health check, and replaces the failed one next time", async () => {
    const [first, unhealthy, retry] = await runs.web;
    const webOf = (run: RunResult) =>
      Object.keys(run.steps).filter((n) => n.startsWith("riverside-web-server-"));
    const [serving] = webOf(first);
    const [next] = webOf(unhealthy);
    expect(next).not.toBe(serving);
    expect(unhealthy.completed).toBe(false);
    expect(unhealthy.errors.join("\n")).toContain(`container ${next} failed to be in healthy state`);
    // The proxy was never switched, and nothing was deleted: the old container keeps serving.
    expect(unhealthy.steps["riverside-route-switch-job"]).toBeUndefined();
    expect(unhealthy.deleted).toEqual([]);
    // The retry replaces the failed container, switches the route, then deletes the old one.
    expect(retry.steps[next]).toBe("replace");
    expect(retry.steps["riverside-route-switch-job"]).toBe("replace");
    expect(retry.deleted).toEqual([serving]);
  });

  it("refuses a change that would replace the protected databases, naming the key and the way out", async () => {
    const [, refused, optedOut] = await runs.cpu;
    expect(refused.completed).toBe(false);
    // Built in code (the fixture's args): the argument paths, under the component's name.
    expect(refused.errors.join("\n")).toContain('Invalid arguments of DockerAgencyInstance "riverside"');
    expect(refused.errors.join("\n")).toContain(
      "args.resources.database.cpu changed from 1 to 2, which would replace the protected database containers",
    );
    expect(refused.errors.join("\n")).toContain("args.protectData false");
    expect(refused.steps["riverside-db-server"]).toBeUndefined();
    // The way out: one update without protection recreates the containers on the same volumes.
    expect(optedOut.completed).toBe(true);
    expect(optedOut.steps["riverside-db-server"]).toBe("replace");
  });
});
