import { DockerAgencyInstance } from "../../../components/docker/instance";
import { AUDIT_WRITER_ROLE } from "../../../components/docker/database";
import { auditWriterCommand } from "../../../components/docker/password-rotation";
import { riversideArgs } from "../../support/docker-instance";
import { installCapture, ResourceCapture, valueOf } from "../../support/capture";

const CONTAINER = "docker:index/container:Container";
/** A container's env entry; `-web-server` is this release's web container (its name ends in the release key). */
const envValue = (c: ResourceCapture, resource: string, name: string) =>
  (
    (resource.endsWith("-web-server")
      ? c.ofType(CONTAINER).filter((r) => r.name.startsWith(`${resource}-`))[0]
      : c.one(CONTAINER, resource)
    ).inputs.envs as string[]
  )
    .find((entry) => entry.startsWith(`${name}=`))
    ?.slice(name.length + 1);

describe("DockerAgencyInstance's audit logins", () => {
  let c: ResourceCapture;
  beforeAll(async () => {
    c = installCapture();
    const instance = new DockerAgencyInstance("riverside", riversideArgs());
    await valueOf(instance.url);
    await c.settled();
  });

  it("lets the web service write the audit trail as the append-only login, never the database's superuser", () => {
    const web = new URL(envValue(c, "riverside-web-server", "AUDIT_DATABASE_URL")!);
    expect(decodeURIComponent(web.username)).toBe(AUDIT_WRITER_ROLE);
    expect(envValue(c, "riverside-audit-db-server", "POSTGRES_USER")).not.toBe(AUDIT_WRITER_ROLE);
  });

  it("migrates and locks down the audit database as its owner in the release", () => {
    const release = new URL(envValue(c, "riverside-release-job", "AUDIT_DATABASE_URL")!);
    expect(release.username).toBe(envValue(c, "riverside-audit-db-server", "POSTGRES_USER"));
  });

  it("creates the login in the rotation job, once the owner's password is current, its password a secret", () => {
    const job = c.one(CONTAINER, "riverside-password-rotation-job");
    const script = (job.inputs.command as string[])[0];
    const owner = { host: "audit-db", port: 5432, database: "audit", user: "audit" };
    const command = auditWriterCommand({ owner, role: AUDIT_WRITER_ROLE });
    expect(script.trimEnd().split("\n").pop()).toBe(`exec ${command}`);
    expect(script.indexOf("PGHOST=audit-db PGPORT=5432 PGUSER=audit")).toBeLessThan(script.indexOf(command));
    expect(command).not.toMatch(/AUDIT_ROLE_PASSWORD=[^"]/);
    const writerEnv = (job.inputs.envs as string[]).findIndex((e) => e.startsWith("AUDIT_WRITER_PASSWORD="));
    expect(writerEnv).toBeGreaterThanOrEqual(0);
    expect(job.secretPaths).toEqual(expect.arrayContaining([expect.stringMatching(/^envs/)]));
  });
});
