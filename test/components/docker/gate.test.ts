import { preReleaseBackupFailure } from "../../../components/docker/backup";
import { jobFailure } from "../../../components/docker/gate";
import { passwordRotationFailure } from "../../../components/docker/password-rotation";
import { deployWithFailing } from "../../support/failed-deployment";

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
      /rotation exited with code 2; the backups, the release and the web service were not changed.*raise agency-deploy:rotation\.databasePasswords by one/,
    );
    expect(passwordRotationFailure("x", 2, "args.rotation.databasePasswords")).toContain(
      "raise args.rotation.databasePasswords by one",
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
    // Built in code: the advice names the argument, not a stack config key.
    expect(errors[0]).toContain("raise args.rotation.databasePasswords by one at a time");
  });

  it("name the config key in a failed job's advice when the instance was built from a stack's config", () => {
    const { errors } = deployWithFailing("riverside-password-rotation-job", { fromConfig: true });
    expect(errors[0]).toContain("raise agency-deploy:rotation.databasePasswords by one at a time");
  });
});
