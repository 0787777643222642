/**
 * The `local` stack's lifecycle run for real (issue 15): a release that fails against the real
 * PostgreSQL reruns on the next deploy of the same configuration, without --replace, and then
 * serves; deployed again unchanged, nothing reruns.
 *
 * The proxy and its route switch are left out, and so is a new web container failing its health
 * check beside the old one: the runner puts every container on one shared loopback network (one
 * address each) and points a healthcheck's 127.0.0.1 at the container's own address. A listener
 * bound to 127.0.0.1 itself (Caddy's admin endpoint) is not on that address, and the old web
 * container's gunicorn, bound to 0.0.0.0:8000, answers the new one's healthcheck too. Both need a
 * network namespace per container in the runner; under mocks, job-ledger.test.ts covers them.
 *
 * Each capture of the program is a fresh offline run (no earlier outputs, so no job ledger): every
 * capture mints new attempt labels, as the `up` after a failed one does (job-ledger.ts), and the
 * runner replaces a one-shot job exactly when its inputs changed, as the engine does.
 */
import { spawnSync } from "child_process";
import { buildApp, type AppBuild } from "./support/app-build";
import { runnerAvailable } from "./support/container";
import { postgresBindir } from "./support/images";
import { Instance } from "./support/instance";
import { captureStack, type StackSpec } from "./support/stack";

jest.setTimeout(180_000);

const PUBLIC_HOST = "localhost";

/** What this machine lacks to run containers for real; in CI the suite fails on it instead of skipping. */
function missing(): string | undefined {
  const runner = runnerAvailable();
  if (runner !== undefined) return runner;
  if (postgresBindir() === undefined) return "postgresql (apt)";
  for (const tool of ["caddy", "curl", "psql"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `${tool} (apt)`;
  }
  return undefined;
}

const lacking = missing();
if (lacking !== undefined && process.env.CI !== "true") {
  console.log(`real-run lifecycle suite skipped: this machine lacks ${lacking}`);
}
const describeRealRun = lacking !== undefined && process.env.CI !== "true" ? describe.skip : describe;

describeRealRun("the local stack's releases, run for real", () => {
  let app: AppBuild;
  let instance: Instance;

  beforeAll(async () => {
    if (lacking !== undefined) throw new Error(`the real-run suite needs ${lacking}`);
    const first = await captureStack();
    app = await buildApp(first.appBuild);
    instance = new Instance(app);
  }, 240_000);

  afterAll(async () => {
    await instance?.destroy();
  });

  async function curl(args: string[]): Promise<{ status: number; body: string }> {
    const out = await instance.run(["curl", "-sS", "-w", "\n%{http_code}", ...args]);
    const lines = out.stdout.split("\n");
    return { status: Number(lines.pop()), body: lines.join("\n") };
  }
  /** The web container's readiness, asked directly as the proxy would. */
  const readiness = async (web: StackSpec["containers"][number]) =>
    (
      await curl([
        "-o",
        "/dev/null",
        "-H",
        `Host: ${PUBLIC_HOST}`,
        "-H",
        "X-Forwarded-Proto: https",
        `http://${instance.network.resolve(web.name)}:8000/readyz/`,
      ])
    ).status;
  /** The stack without the proxy and its route switch (see the header). */
  const capture = async (config: string[] = []): Promise<StackSpec> => {
    const stack = await captureStack({ config });
    const proxied = (resource: string) => /-(proxy-server|route-switch-job)$/.test(resource);
    return { ...stack, containers: stack.containers.filter((c) => !proxied(c.resource)) };
  };
  const webOf = (stack: StackSpec): StackSpec["containers"][number] => {
    const found = stack.containers.filter((c) => /-web-server-[0-9a-f]{12}$/.test(c.resource));
    if (found.length !== 1) throw new Error(`expected one web container, found ${found.length}`);
    return found[0];
  };

  it("a failed release leaves no web service; the next deploy of the same configuration reruns it and serves", async () => {
    const stack = await capture();
    const release = stack.container("-release-job");
    // A database that refuses the release's login, as one still starting up would.
    const url = new URL(
      release.inputs.envs!.find((e) => e.startsWith("DATABASE_URL="))!.slice("DATABASE_URL=".length),
    );
    url.password = "not-the-password";
    const failed = await instance.deploy(stack, {
      env: { "-release-job": { DATABASE_URL: url.toString() } },
    });
    expect(failed.failed?.resource).toBe("local-release-job");
    expect(failed.exitCodes["local-release-job"]).toBe(100);
    expect(failed.started.some((name) => name.includes("-web-server-"))).toBe(false);
    expect(instance.container("local-release-job").logs()).toContain(
      "RELEASE ABORTED: step 1/5 migrate failed",
    );

    // The same configuration again, no --replace: the attempt label is new, so the release reruns.
    const released = await capture();
    expect(released.container("-release-job").inputs.labels).not.toEqual(release.inputs.labels);
    const rerun = await instance.deploy(released);
    expect(rerun.failed).toBeUndefined();
    expect(rerun.exitCodes["local-release-job"]).toBe(0);
    expect(instance.container("local-release-job").logs()).toContain("release: all steps done");
    expect(await readiness(webOf(released))).toBe(200);

    // Deployed again unchanged: nothing runs again.
    const again = await instance.deploy(released);
    expect(again.started).toEqual([]);
  });
});
