import { spawnSync } from "child_process";
import * as path from "path";
import { preReleaseBackupFailure } from "../../../components/docker/backup";
import { jobFailure } from "../../../components/docker/gate";
import { passwordRotationFailure } from "../../../components/docker/password-rotation";
import { FIXTURES_DIR, REPO_ROOT } from "../../support/paths";

interface FailedDeployment {
  containers: string[];
  errors: string[];
}

/**
 * A deployment whose job `container` exits with code 1, run in a process of its own
 * (test/fixtures/failed-job/deploy.ts): the failed gate rejects Outputs on purpose, and that
 * process reports them the way the Pulumi CLI's program host does, instead of failing jest.
 */
function deployWithFailing(container: string): FailedDeployment {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(FIXTURES_DIR, "failed-job", "deploy.ts"), container],
    { cwd: REPO_ROOT, encoding: "utf8", timeout: 90_000 },
  );
  const line = result.stdout.split("\n").find((l) => l.startsWith("{"));
  if (line === undefined) throw new Error(`deploy.ts printed no result:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(line) as FailedDeployment;
}

describe("one-shot job gates", () => {
  it("pass a zero exit code and explain any other one", () => {
    expect(jobFailure("x: the job", 0, "nothing ran", "Fix it")).toBeUndefined();
    expect(jobFailure("x: the job", 3, "nothing ran", "Fix it")).toBe(
      "x: the job exited with code 3; nothing ran. Fix it",
    );
    expect(preReleaseBackupFailure("riverside-pre-release-backup", 0)).toBeUndefined();
    expect(preReleaseBackupFailure("riverside-pre-release-backup", 1)).toMatch(
      /^riverside-pre-release-backup: the pre-release backup exited with code 1; the release was not run.*docker logs riverside-pre-release-backup/,
    );
    expect(passwordRotationFailure("riverside-password-rotation", 2)).toMatch(
      /rotation exited with code 2; the backups, the release and the web service were not changed.*rotation\.databasePasswords by one/,
    );
  });

  it("abort the release when the pre-release backup fails: no release job, no new web service", () => {
    const { containers, errors } = deployWithFailing("riverside-pre-release-backup-job");
    expect(containers).toContain("riverside-pre-release-backup-job");
    expect(containers).not.toContain("riverside-release-job");
    expect(containers.filter((c) => c.startsWith("riverside-web-server"))).toEqual([]);
    expect(containers).not.toContain("riverside-proxy-server");
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toContain("riverside-pre-release-backup: the pre-release backup exited with code 1");
    }
  });

  it("stop everything after a failed password rotation: no backups, no release, no new web service", () => {
    const { containers, errors } = deployWithFailing("riverside-password-rotation-job");
    expect(containers).toEqual(
      expect.arrayContaining([
        "riverside-db-server",
        "riverside-audit-db-server",
        "riverside-password-rotation-job",
      ]),
    );
    for (const gated of ["backup-scheduler", "pre-release-backup-job", "release-job", "web-server"]) {
      expect(containers.filter((c) => c.startsWith(`riverside-${gated}`))).toEqual([]);
    }
    expect(errors[0]).toContain(
      "riverside-password-rotation: the database password rotation exited with code 1",
    );
  });
});
