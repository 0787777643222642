/**
 * The `local` stack's lifecycle run for real (issue 15): a release that fails against the real
 * PostgreSQL reruns on the next deploy of the same configuration, without --replace, and then
 * serves; deployed again unchanged, nothing reruns.
 *
 * Then a release whose new web container never becomes healthy: it starts beside the serving one
 * (each container has its own network namespace, so both hold port 8000), the update fails with
 * its logs, the route switch never runs, and the old container keeps serving through the proxy;
 * the next deploy replaces the failed container, switches the proxy to it and deletes the old one.
 *
 * Then the runbook's rollback, followed as written: a release of a new image (the app with a
 * changed stylesheet, so each image's page links its own hashed CSS), then the previous image
 * tagged, `image.context` removed and `image.ref` set to the tag, `pulumi up`: the previous image
 * serves through the proxy, the new one's container is gone, and the proxy answered throughout.
 *
 * The runner runs containers only: the web container's HealthGate (a dynamic resource that asks
 * the Docker engine, components/docker/health-gate.ts) is not run here, there being no engine;
 * the runner waits for health as the provider's own `wait` does, and reports the container's logs
 * as the gate does. The gate itself is tested against a stand-in engine
 * (test/components/docker/health-gate.test.ts).
 *
 * Each capture of the program is a fresh offline run (no earlier outputs, so no job ledger): every
 * capture mints new attempt labels, as the `up` after a failed one does (job-ledger.ts), and the
 * runner replaces a one-shot job exactly when its inputs changed, as the engine does.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildApp, type AppBuild } from "./support/app-build";
import { runnerAvailable } from "./support/container";
import { postgresBindir } from "./support/images";
import { Instance } from "./support/instance";
import { captureStack, type CaptureOptions, type StackSpec } from "./support/stack";
import { REPO_ROOT } from "../support/paths";

jest.setTimeout(180_000);

const PUBLIC_HOST = "localhost";
const GRACEFUL = "gunicorn.gracefulTimeout=5";

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
    app = await buildApp(first.appBuild!);
    instance = new Instance(app);
  }, 240_000);

  afterAll(async () => {
    await instance?.destroy();
  });

  async function curl(args: string[]): Promise<{ status: number; body: string; error: string }> {
    const out = await instance.run(["curl", "-sS", "-w", "\n%{http_code}", ...args]);
    const lines = out.stdout.split("\n");
    return { status: Number(lines.pop()), body: lines.join("\n"), error: out.stderr.trim() };
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
  /**
   * A short graceful timeout: gunicorn 26's gthread worker keeps an idle keep-alive connection
   * (Caddy's) open until the graceful timeout ends, so deleting an old web container takes that long.
   */
  const capture = (config = [GRACEFUL], unset?: CaptureOptions["unset"]): Promise<StackSpec> =>
    captureStack({ config, unset });
  const webOf = (stack: StackSpec): StackSpec["containers"][number] => stack.web();
  /** The upstream the running Caddy routes to, from its admin API on its own loopback. */
  const upstream = async (): Promise<string> => {
    const config = await instance
      .container("local-proxy-server")
      .exec(["curl", "-sS", "http://127.0.0.1:2019/config/"]);
    expect(config).toMatchObject({ code: 0 });
    return [...config.stdout.matchAll(/"dial":"([^"]+)"/g)].map((m) => m[1]).join(",");
  };
  /** A page through the proxy, as a visitor gets it. */
  const page = async (): Promise<number> => {
    const proxy = instance.network.resolve("local-proxy-server");
    let status = 0;
    for (let tries = 0; status !== 200 && tries < 20; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      const args = ["-k", "-o", "/dev/null", "--resolve", `${PUBLIC_HOST}:443:${proxy}`];
      status = (await curl([...args, `https://${PUBLIC_HOST}/`])).status;
    }
    return status;
  };

  /** The page through the proxy, as a visitor gets it: its status and the stylesheet it links. */
  const stylesheet = async (): Promise<{ status: number; css?: string; error?: string }> => {
    const proxy = instance.network.resolve("local-proxy-server");
    const args = ["-k", "--max-time", "5", "--resolve", `${PUBLIC_HOST}:443:${proxy}`];
    const { status, body, error } = await curl([...args, `https://${PUBLIC_HOST}/`]);
    const css = /\/static\/(css\/site\.[0-9a-f]{12}\.css)/.exec(body)?.[1];
    return status === 200 ? { status, css } : { status, css, error: error || undefined };
  };
  /** The hashed stylesheet an image's collectstatic wrote (its manifest). */
  const hashedCss = (build: AppBuild): string =>
    (
      JSON.parse(fs.readFileSync(path.join(build.app, "staticfiles", "staticfiles.json"), "utf8")) as {
        paths: Record<string, string>;
      }
    ).paths["css/site.css"];

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

  it("a new web container that fails health leaves the old one serving through the proxy; the next deploy switches", async () => {
    const serving = instance.web();
    const old = await capture();
    expect(await upstream()).toBe(`${old.web().name}:8000`);
    // A new release (a changed setting: a new key, so a new container beside the serving one)
    // whose web container cannot boot: its settings refuse to load without SECRET_KEY.
    const next = await capture(["gunicorn.gracefulTimeout=4"]);
    const web = next.web();
    expect(web.name).not.toBe(old.web().name);
    const failed = await instance.deploy(next, { env: { [web.resource]: { SECRET_KEY: undefined } } });
    expect(failed.failed?.resource).toBe(web.resource);
    expect(failed.failed?.reason).toContain("SECRET_KEY");
    expect(failed.started).not.toContain("local-route-switch-job");
    expect(failed.deleted).toEqual([]);
    expect(serving.running).toBe(true);
    expect(await upstream()).toBe(`${old.web().name}:8000`);
    expect(await page()).toBe(200);

    // The next deploy of the same configuration replaces the failed container, then switches.
    const healed = await instance.deploy(next);
    expect(healed.failed).toBeUndefined();
    expect(healed.started).toEqual(expect.arrayContaining([web.resource, "local-route-switch-job"]));
    expect(healed.deleted).toEqual([old.web().resource]);
    expect(serving.running).toBe(false);
    expect(instance.web().name).toBe(web.name);
    expect(await upstream()).toBe(`${web.name}:8000`);
    expect(await page()).toBe(200);
  });

  it("rolls back as the runbook says: the previous image serves through the proxy, the new one is gone, no downtime", async () => {
    const previous = instance.web();
    expect(await stylesheet()).toEqual({ status: 200, css: hashedCss(app) });

    // A release of a new image: the sample app with a changed stylesheet, built from its own context.
    const context = fs.mkdtempSync(path.join(os.tmpdir(), "agency-realrun-release-"));
    try {
      fs.cpSync(path.join(REPO_ROOT, "stacks", "sample-app"), context, { recursive: true });
      fs.appendFileSync(path.join(context, "static", "css", "site.css"), "\n/* release b */\n");
      const settings = ["gunicorn.gracefulTimeout=4"];
      const released = await capture([...settings, `image.context=${context}`]);
      const newImage = await buildApp(released.appBuild!);
      instance.addBuild(released.appBuild!.context, newImage);
      expect(hashedCss(newImage)).not.toBe(hashedCss(app));
      const up = await instance.deploy(released);
      expect(up.failed).toBeUndefined();
      expect(previous.running).toBe(false);
      expect(await stylesheet()).toEqual({ status: 200, css: hashedCss(newImage) });

      // The runbook (Docker, built from a context): tag the previous image, point image.ref at it.
      //   docker tag "$(pulumi stack output previousImageDigest)" local-app:rollback
      //   pulumi config rm --path 'agency-deploy:image.context'
      //   pulumi config set --path 'agency-deploy:image.ref' local-app:rollback
      //   pulumi up
      // The captures keep no stack outputs, so previousImageDigest is the image the release
      // before this one ran: the sample app's own (`app`).
      instance.tag("local-app:rollback", app, path.join(REPO_ROOT, "stacks", "sample-app", "Dockerfile"));
      const rollback = await capture([...settings, "image.ref=local-app:rollback"], ["image.context"]);
      expect(rollback.appBuild).toBeUndefined();
      expect(rollback.appImageRef).toBe("local-app:rollback");
      const rolledBackWeb = rollback.web();
      expect(rolledBackWeb.name).not.toBe(released.web().name);

      // The proxy answers throughout the rollback.
      // Each failed answer keeps curl's own message (a timeout, a reset), to say what broke.
      const answers: { status: number; error?: string }[] = [];
      let deploying = true;
      const watching = (async () => {
        while (deploying) {
          const { status, error } = await stylesheet();
          answers.push(status === 200 ? { status } : { status, error });
        }
      })();
      const rolledBack = await instance.deploy(rollback);
      deploying = false;
      await watching;
      expect(rolledBack.failed).toBeUndefined();
      expect(rolledBack.deleted).toEqual([released.web().resource]);
      expect(answers.length).toBeGreaterThan(3);
      expect(answers.filter(({ status }) => status !== 200)).toEqual([]);
      expect(instance.web().name).toBe(rolledBackWeb.name);
      expect(await upstream()).toBe(`${rolledBackWeb.name}:8000`);
      expect(await stylesheet()).toEqual({ status: 200, css: hashedCss(app) });
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  });
});
