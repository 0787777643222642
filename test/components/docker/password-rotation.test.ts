import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { AgencyInstanceArgs } from "../../../components/args";
import { DockerAgencyInstance } from "../../../components/docker/instance";
import { loginEnvPrefix, rotationCommands } from "../../../components/docker/password-rotation";
import { riversideArgs } from "../../support/docker-instance";
import { installCapture, ResourceCapture, valueOf, envOf, envValue } from "../../support/capture";

const CONTAINER = "docker:index/container:Container";
const JOB = "riverside-password-rotation-job";

/** Deploys, recording each resource's ignoreChanges (capture sees no options beyond protect/deps). */
async function deploy(c: ResourceCapture, a: AgencyInstanceArgs = riversideArgs()) {
  const ignoreChanges: Record<string, string[] | undefined> = {};
  const record: pulumi.ResourceTransformation = ({ name, props, opts }) => {
    ignoreChanges[name] = opts.ignoreChanges;
    return { props, opts };
  };
  const instance = new DockerAgencyInstance("riverside", a, { transformations: [record] });
  await valueOf(instance.url);
  await c.settled();
  return ignoreChanges;
}

describe("rotationCommands", () => {
  const endpoints = [
    { host: "app-db", port: 5432, database: "app", user: "app" },
    { host: "audit-db", port: 5432, database: "audit", user: "audit" },
  ];

  it("runs rotate-password.sh once per role, the passwords expanded from the env, never written out", () => {
    expect(loginEnvPrefix(endpoints[1])).toBe("AUDIT_DB");
    expect(rotationCommands(endpoints)).toEqual([
      'env PGHOST=app-db PGPORT=5432 PGUSER=app PGDATABASE=app CURRENT_PASSWORD="$APP_DB_PASSWORD" ' +
        'PREVIOUS_PASSWORD="${APP_DB_PREVIOUS_PASSWORD:-}" /run/agency-deploy/rotate-password.sh',
      'env PGHOST=audit-db PGPORT=5432 PGUSER=audit PGDATABASE=audit CURRENT_PASSWORD="$AUDIT_DB_PASSWORD" ' +
        'PREVIOUS_PASSWORD="${AUDIT_DB_PREVIOUS_PASSWORD:-}" /run/agency-deploy/rotate-password.sh',
    ]);
    for (const command of rotationCommands(endpoints))
      expect(spawnSync("sh", ["-n", "-c", command]).status).toBe(0);
  });

  it("still runs the script with its env when the bootstrap execs the last command (`exec NAME=value` is exit 127)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotation-"));
    try {
      fs.writeFileSync(
        path.join(dir, "rotate-password.sh"),
        '#!/bin/sh\necho "$PGHOST $CURRENT_PASSWORD"\n',
        { mode: 0o755 },
      );
      const last = rotationCommands(endpoints).pop()!.replace("/run/agency-deploy", dir);
      const run = spawnSync("sh", ["-c", `exec ${last}`], {
        env: { PATH: process.env.PATH, AUDIT_DB_PASSWORD: "pw" },
        encoding: "utf8",
      });
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: "audit-db pw\n" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("DockerAgencyInstance database password rotation", () => {
  describe("before any rotation", () => {
    let c: ResourceCapture;
    let ignoreChanges: Record<string, string[] | undefined>;
    beforeAll(async () => {
      c = installCapture();
      ignoreChanges = await deploy(c);
    });

    it("keeps the database containers' initdb-only env out of the diff, so a new password cannot replace them", () => {
      expect(ignoreChanges["riverside-db-server"]).toEqual(["envs"]);
      expect(ignoreChanges["riverside-audit-db-server"]).toEqual(["envs"]);
      expect(c.one(CONTAINER, "riverside-db-server").protect).toBe(true);
    });

    it("runs a gated one-shot job from the postgres image as its unprivileged user, on the internal network", () => {
      const job = c.one(CONTAINER, JOB);
      expect(job.inputs).toMatchObject({
        name: "riverside-password-rotation",
        image: "postgres:16.10-bookworm",
        user: "999:999",
        attach: true,
        mustRun: false,
        rm: false,
        restart: "no",
        readOnly: true,
        capabilities: { drops: ["ALL"] },
        cpus: "0.5",
        memory: 512,
        networksAdvanced: [{ name: "riverside-internal-0000000" }],
      });
      expect(job.inputs.ports).toBeUndefined();
      expect((job.inputs.command as string[])[0]).toContain("/run/agency-deploy/rotate-password.sh");
    });

    it("gives the job each role's current password as a secret, and no previous one yet", () => {
      const job = c.one(CONTAINER, JOB);
      expect(job.secretPaths).toEqual(["envs"]);
      expect(envOf(job).map((e) => e.split("=")[0])).toEqual([
        "APP_DB_PASSWORD",
        "AUDIT_DB_PASSWORD",
        "AUDIT_WRITER_PASSWORD",
      ]);
      expect(envValue(job, "APP_DB_PASSWORD")).toBe(
        envValue(c.one(CONTAINER, "riverside-db-server"), "POSTGRES_PASSWORD"),
      );
    });

    it("runs after both databases are healthy, and before the backups and the release, which consume its gate", () => {
      const job = c.one(CONTAINER, JOB);
      expect(c.dependsOn(job, c.one(CONTAINER, "riverside-db-server"))).toBe(true);
      expect(c.dependsOn(job, c.one(CONTAINER, "riverside-audit-db-server"))).toBe(true);
      for (const name of [
        "riverside-backup-scheduler",
        "riverside-pre-release-backup-job",
        "riverside-release-job",
      ]) {
        expect(c.dependsOn(c.one(CONTAINER, name), job)).toBe(true);
      }
      expect(c.one(CONTAINER, "riverside-release-job").propertyDependencies.image).toContain(job.urn);
      expect(c.one(CONTAINER, "riverside-backup-scheduler").propertyDependencies.envs).toContain(job.urn);
    });
  });

  it("after a rotation, applies the new generation with the previous one, and the app gets only the new one", async () => {
    const c = installCapture();
    await deploy(c, riversideArgs({ rotation: { databasePasswords: "1" } }));
    const job = c.one(CONTAINER, JOB);
    expect(envOf(job).map((e) => e.split("=")[0])).toEqual([
      "APP_DB_PASSWORD",
      "APP_DB_PREVIOUS_PASSWORD",
      "AUDIT_DB_PASSWORD",
      "AUDIT_DB_PREVIOUS_PASSWORD",
      "AUDIT_WRITER_PASSWORD",
    ]);
    const current = envValue(job, "APP_DB_PASSWORD")!;
    const previous = envValue(job, "APP_DB_PREVIOUS_PASSWORD")!;
    expect(current).not.toBe(previous);
    const web = c.ofType(CONTAINER).find((r) => r.name.startsWith("riverside-web-server-"))!;
    expect(envValue(web, "DATABASE_URL")).toContain(`:${current}@app-db:5432/`);
    expect(envOf(web).join("\n")).not.toContain(previous);
    const passwords = c.ofType("random:index/randomPassword:RandomPassword").map((r) => r.name);
    expect(passwords).toEqual(
      expect.arrayContaining([
        "riverside-secrets-app-db-password-g1",
        "riverside-secrets-app-db-password-g0",
        "riverside-secrets-audit-db-password-g0",
      ]),
    );
  });
});
