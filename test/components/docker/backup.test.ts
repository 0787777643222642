import type { AgencyInstanceArgs } from "../../../components/args";
import {
  BACKUP_SCRIPTS,
  bootstrapScript,
  readBackupScripts,
  SCRIPTS_DIR,
} from "../../../components/docker/backup";
import { DockerAgencyInstance } from "../../../components/docker/instance";
import { riversideArgs } from "../../support/docker-instance";
import { CapturedResource, installCapture, ResourceCapture, valueOf, envOf } from "../../support/capture";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";

// Containers get their engine name back, as the provider's auto-naming would.
const capture = (): ResourceCapture =>
  installCapture({
    outputs: (a) => (a.type === CONTAINER ? { name: a.inputs.name ?? `${a.name}-abc1234` } : {}),
  });

async function deploy(c: ResourceCapture, a: AgencyInstanceArgs = riversideArgs()) {
  const instance = new DockerAgencyInstance("riverside", a);
  await valueOf(instance.runbook);
  await c.settled();
  return instance;
}

const secretEnvNames = (r: CapturedResource) =>
  r.secretPaths
    .filter((p) => p.startsWith("envs["))
    .map((p) => envOf(r)[Number(/\[(\d+)\]/.exec(p)![1])].split("=")[0]);

describe("bootstrapScript", () => {
  it("writes every backup script verbatim and executable, then execs the command", () => {
    const scripts = readBackupScripts();
    const script = bootstrapScript(scripts, [`${SCRIPTS_DIR}/backup.sh`]);
    for (const name of BACKUP_SCRIPTS) {
      expect(script).toContain(
        `cat > ${SCRIPTS_DIR}/${name} <<'AGENCY_DEPLOY_SCRIPT_END'\n${scripts[name].trimEnd()}`,
      );
    }
    expect(script).toContain(`chmod 0755 ${SCRIPTS_DIR}/backup.sh`);
    expect(script.trimEnd().split("\n").pop()).toBe(`exec ${SCRIPTS_DIR}/backup.sh`);
  });

  it("refuses a script that would end the heredoc early", () => {
    const scripts = { ...readBackupScripts(), "backup.sh": "echo\nAGENCY_DEPLOY_SCRIPT_END\n" };
    expect(() => bootstrapScript(scripts, ["true"])).toThrow(/backup.sh must not contain/);
  });
});

describe("DockerAgencyInstance backups (production defaults)", () => {
  let c: ResourceCapture;
  beforeAll(async () => {
    c = capture();
    await deploy(c);
  });

  it("runs the scheduler from the pinned postgres image of the databases' major, internal network only", () => {
    const backup = c.one(CONTAINER, "riverside-backup-scheduler");
    expect(backup.inputs.image).toBe("postgres:16.10-bookworm");
    expect(backup.inputs.name).toBe("riverside-backup");
    expect(backup.inputs.networksAdvanced).toEqual([{ name: "riverside-internal-0000000" }]);
    expect(backup.inputs.ports).toBeUndefined();
    expect((backup.inputs.command as string[])[0]).toMatch(
      /exec \/run\/agency-deploy\/backup-scheduler\.sh$/,
    );
    expect(envOf(backup)).toEqual(
      expect.arrayContaining([
        "BACKUP_SCHEDULE=0 2 * * *",
        "RETENTION_COUNT=14",
        "RETENTION_DAYS=30",
        "BACKUP_DIR=/var/lib/postgresql/data",
      ]),
    );
  });

  it("passes both connection URLs as secrets", () => {
    for (const name of ["riverside-backup-scheduler", "riverside-pre-release-backup-job"]) {
      const r = c.one(CONTAINER, name);
      const names = secretEnvNames(r);
      // The SDK may lift secretness to the whole list; either way the URLs are secret.
      if (r.secretPaths.includes("envs")) expect(r.secretPaths).toContain("envs");
      else expect(names).toEqual(expect.arrayContaining(["DATABASE_URL", "AUDIT_DATABASE_URL"]));
      expect(envOf(r).find((e) => e.startsWith("DATABASE_URL="))).toMatch(/^DATABASE_URL=postgres:\/\/app:/);
    }
  });

  it("keeps backups in a protected volume retained on delete", () => {
    const volume = c.one(VOLUME, "riverside-backups");
    expect(volume.protect).toBe(true);
    expect(volume.retainOnDelete).toBe(true);
    const backup = c.one(CONTAINER, "riverside-backup-scheduler");
    expect(backup.inputs.volumes).toEqual([
      { volumeName: "riverside-backups-0000000", containerPath: "/var/lib/postgresql/data" },
    ]);
  });

  it("is hardened, healthchecked, restarted and log-rotated", () => {
    const backup = c.one(CONTAINER, "riverside-backup-scheduler");
    expect(backup.inputs).toMatchObject({
      readOnly: true,
      capabilities: { drops: ["ALL"] },
      securityOpts: ["no-new-privileges:true"],
      restart: "unless-stopped",
      wait: true,
      init: true,
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "5" },
      tmpfs: { "/run/agency-deploy": expect.any(String), "/tmp": expect.stringContaining("noexec") },
    });
    expect(backup.inputs.healthcheck).toMatchObject({
      tests: ["CMD-SHELL", expect.stringContaining('pg_isready -q -d "$DATABASE_URL"')],
    });
  });

  it("mounts the scripts tmpfs owned by the jobs' user and executable (dockerd: root-owned and noexec otherwise)", () => {
    for (const name of [
      "riverside-backup-scheduler",
      "riverside-pre-release-backup-job",
      "riverside-password-rotation-job",
    ]) {
      const options = (c.one(CONTAINER, name).inputs.tmpfs as Record<string, string>)[SCRIPTS_DIR].split(",");
      expect(options).toEqual(expect.arrayContaining(["exec", "uid=999", "gid=999"]));
      expect(options).not.toContain("noexec");
    }
  });

  it("runs both backup containers as the postgres image's own user (999:999), never root, with small caps", () => {
    for (const name of ["riverside-backup-scheduler", "riverside-pre-release-backup-job"]) {
      const r = c.one(CONTAINER, name);
      expect(r.inputs).toMatchObject({ user: "999:999", cpus: "0.5", memory: 512 });
      // The image's data directory: owned by that user, and the image's VOLUME (no anonymous volume).
      expect(r.inputs.volumes).toEqual([
        { volumeName: "riverside-backups-0000000", containerPath: "/var/lib/postgresql/data" },
      ]);
    }
  });

  it("starts the backup service only after both databases are healthy", () => {
    const backup = c.one(CONTAINER, "riverside-backup-scheduler");
    expect(c.dependsOn(backup, c.one(CONTAINER, "riverside-db-server"))).toBe(true);
    expect(c.dependsOn(backup, c.one(CONTAINER, "riverside-audit-db-server"))).toBe(true);
  });

  it("runs a gated one-shot pre-release backup that the release depends on", () => {
    const job = c.one(CONTAINER, "riverside-pre-release-backup-job");
    expect(job.inputs).toMatchObject({ attach: true, mustRun: false, rm: false, logs: true, restart: "no" });
    expect(envOf(job)).toContain("BACKUP_LABEL=pre-release");
    expect((job.inputs.command as string[])[0]).toMatch(/exec \/run\/agency-deploy\/backup\.sh$/);
    const release = c.one(CONTAINER, "riverside-release-job");
    expect(c.dependsOn(release, job)).toBe(true);
  });

  it("re-runs the pre-release backup with the release: labelled with its image and steps", () => {
    const job = c.one(CONTAINER, "riverside-pre-release-backup-job");
    const release = c.one(CONTAINER, "riverside-release-job");
    expect(job.inputs.labels).toEqual([
      { label: "agency-deploy.release-image", value: release.inputs.image },
      { label: "agency-deploy.release-steps", value: expect.stringMatching(/^[0-9a-f]{64}$/) },
      // The JobLedger's attempt (job-ledger.ts): a new one reruns a failed backup.
      { label: "agency-deploy.attempt", value: expect.any(String) },
    ]);
  });
});

describe("DockerAgencyInstance backup options", () => {
  it("takes no pre-release backup by default in demo mode, but still backs up on schedule", async () => {
    const c = capture();
    await deploy(c, riversideArgs({ mode: "demo" }));
    expect(c.ofType(CONTAINER).map((r) => r.name)).not.toContain("riverside-pre-release-backup-job");
    expect(c.one(CONTAINER, "riverside-backup-scheduler")).toBeDefined();
  });

  it("takes a pre-release backup in demo mode when backup.beforeRelease is set", async () => {
    const c = capture();
    await deploy(c, riversideArgs({ mode: "demo", backup: { beforeRelease: true } }));
    expect(c.one(CONTAINER, "riverside-pre-release-backup-job")).toBeDefined();
  });

  it("bind-mounts backup.hostPath instead of creating a volume", async () => {
    const c = capture();
    await deploy(c, riversideArgs({ backup: { hostPath: "/srv/backups/riverside" } }));
    expect(c.ofType(VOLUME).map((r) => r.name)).not.toContain("riverside-backups");
    expect(c.one(CONTAINER, "riverside-backup-scheduler").inputs.volumes).toEqual([
      { hostPath: "/srv/backups/riverside", containerPath: "/var/lib/postgresql/data" },
    ]);
  });

  it("mounts backups at PostgreSQL 18's data directory, one level up, and takes configured caps", async () => {
    const c = capture();
    await deploy(
      c,
      riversideArgs({ postgres: { version: 18 }, resources: { backup: { cpu: 1, memoryMb: 768 } } }),
    );
    const scheduler = c.one(CONTAINER, "riverside-backup-scheduler");
    expect(scheduler.inputs.image).toBe("postgres:18.0-trixie");
    expect(scheduler.inputs.volumes).toEqual([
      { volumeName: "riverside-backups-0000000", containerPath: "/var/lib/postgresql" },
    ]);
    expect(envOf(scheduler)).toContain("BACKUP_DIR=/var/lib/postgresql");
    expect(scheduler.inputs).toMatchObject({ cpus: "1", memory: 768 });
  });

  it("leaves the backup volume unprotected only when protectData is false", async () => {
    const c = capture();
    await deploy(c, riversideArgs({ protectData: false }));
    const volume = c.one(VOLUME, "riverside-backups");
    expect(volume.protect).toBe(false);
    expect(volume.retainOnDelete).toBe(false);
  });

  it("runs no backup containers when backups and pre-release backups are off", async () => {
    const c = capture();
    await deploy(c, riversideArgs({ backup: { enabled: false, beforeRelease: false } }));
    const names = c.ofType(CONTAINER).map((r) => r.name);
    expect(names).not.toContain("riverside-backup-scheduler");
    expect(names).not.toContain("riverside-pre-release-backup-job");
    expect(c.ofType(VOLUME).map((r) => r.name)).not.toContain("riverside-backups");
  });

  it("publishes a runbook naming this instance's containers", async () => {
    const c = capture();
    const instance = await deploy(c);
    const runbook = await valueOf(instance.runbook);
    expect(runbook).toContain(
      "docker exec -e BACKUP_LABEL=manual riverside-backup /run/agency-deploy/backup.sh",
    );
    // By label: the web container is named after its release (web.ts releaseKey).
    expect(runbook).toContain("docker stop $(docker ps -aq --filter label=agency-deploy.web=riverside-web)");
    expect(runbook).toContain("docker logs riverside-pre-release-backup");
    const commands = await valueOf(instance.runbookCommands);
    expect(Object.keys(commands).sort()).toEqual([
      "backupBeforeMigration",
      "keyRotation",
      "restore",
      "rollback",
    ]);
  });
});
