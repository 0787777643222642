/**
 * The defects running the containers found, run again on the old specs: each one fails here the
 * way it failed a first `pulumi up`, so the suite would have caught it. The current spec of the
 * same job passes the same point (deploy.test.ts runs it to the end).
 */
import { buildApp } from "./support/app-build";
import { Instance } from "./support/instance";
import { describeRealRun } from "./support/machine";
import { captureStack, type ContainerSpec, type StackSpec } from "./support/stack";

jest.setTimeout(60_000);

describeRealRun("the defects, on their old specs", () => {
  let stack: StackSpec;
  let instance: Instance;
  let rotation: ContainerSpec;

  beforeAll(async () => {
    stack = await captureStack();
    instance = new Instance(await buildApp(stack.appBuild!));
    rotation = stack.container("-password-rotation-job");
    expect((await instance.deploy(stack, { only: ["-db-server"] })).failed).toBeUndefined();
  }, 120_000);

  afterAll(async () => {
    await instance?.destroy();
  });

  /** The rotation job with its scripts tmpfs options and command rewritten to an old spec. */
  async function runRotation(tmpfs: string, command: (script: string) => string) {
    const inputs = {
      ...rotation.inputs,
      tmpfs: { ...rotation.inputs.tmpfs, "/run/agency-deploy": tmpfs },
      command: [command(rotation.inputs.command![0])],
    };
    const job = instance.start({ ...rotation, inputs }, stack);
    return { code: await job.exited, logs: job.logs() };
  }
  const unchanged = (script: string) => script;

  it("a root-owned scripts tmpfs (mode=0755, no uid=): uid 999 cannot write its scripts, exit 2", async () => {
    const old = await runRotation("rw,nosuid,nodev,size=1m,mode=0755", unchanged);
    expect(old.code).toBe(2);
    expect(old.logs).toContain("cannot create /run/agency-deploy/rotate-password.sh: Permission denied");
  });

  it("a scripts tmpfs without `exec`: dockerd mounts it noexec, the scripts cannot run, exit 126", async () => {
    const old = await runRotation("rw,nosuid,nodev,size=1m,mode=0755,uid=999,gid=999", unchanged);
    expect(old.code).toBe(126);
    expect(old.logs).toContain("Permission denied");
  });

  it("`exec PGHOST=... rotate-password.sh`: sh looks for a command named PGHOST=..., exit 127", async () => {
    const old = await runRotation(rotation.inputs.tmpfs!["/run/agency-deploy"], (script) =>
      script.replace(/\n(exec )?env PGHOST=/g, "\n$1PGHOST="),
    );
    expect(old.code).toBe(127);
    expect(old.logs).toMatch(/PGHOST=audit-db: not found/);
  });

  it("gunicorn without --no-control-socket: a control-server error on the read-only root at every start", async () => {
    const web = stack.web();
    const command = web.inputs.command![0].replace(" --no-control-socket", "");
    const old = instance.start({ ...web, inputs: { ...web.inputs, command: [command] } }, stack);
    const deadline = Date.now() + 30_000;
    while (!/Control server error/.test(old.logs()) && old.running && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(old.logs()).toContain("Control server error: [Errno 30] Read-only file system: '/nonexistent'");
  });
});
