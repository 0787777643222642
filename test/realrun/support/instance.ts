/**
 * One deployed agency instance on the suite's runner: the stack's containers started in
 * dependency order as `pulumi up` creates them, each one-shot job (`attach: true`) waited for and
 * gated on its exit code (the components' exitGate fails the update, so nothing after a failed
 * job is created), each `wait: true` container waited for until its healthcheck passes.
 *
 * A later `deploy` of a new capture (a rotated password, a new mode) replaces only the
 * containers whose inputs changed, honouring `ignoreChanges`, as the engine's diff does;
 * `rerun` replaces the one-shot jobs too, as a new image digest does. A container whose create
 * failed (never healthy) is replaced by the next deploy, as the engine replaces a resource left
 * with an initialization error under `replaceOnChanges: ["*"]` (web.ts). A deploy that succeeds then
 * deletes the containers the new capture no longer registers (the previous release's web
 * container), after everything else, as the engine deletes unregistered resources last; a failed
 * one deletes nothing. `networkMode: container:<id>` runs a container in the network namespace of
 * the container with that id (the route switch in the proxy's).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AppBuild } from "./app-build";
import { Container, type ExecResult, type RunOptions } from "./container";
import { appImage, caddyImageModel, postgresBindir, postgresImageModel, type ImageModel } from "./images";
import { InstanceNetwork } from "./network";
import type { ContainerSpec, StackSpec } from "./stack";
import { WEB_LABEL } from "../../../components/docker/web";

export interface DeployOptions {
  /** Test inputs over a container's env, by logical-name suffix (e.g. "-release-job"). */
  env?: Record<string, Record<string, string | undefined>>;
  /** Replace the one-shot jobs even when their inputs did not change (a new image). */
  rerun?: boolean;
  /** Deploy only the containers whose logical names end with one of these (e.g. the databases). */
  only?: string[];
}

export interface DeployResult {
  /** Logical names of the containers this deploy started, in start order. */
  started: string[];
  /** Logical names of the containers it deleted, no longer registered (a previous release's web). */
  deleted: string[];
  /** Exit codes of the one-shot jobs that ran. */
  exitCodes: Record<string, number>;
  /** The container that failed the deployment (non-zero job, or never healthy), if any. */
  failed?: { resource: string; reason: string };
}

function sameInputs(a: ContainerSpec, b: ContainerSpec): boolean {
  const strip = (spec: ContainerSpec) =>
    JSON.stringify(
      Object.fromEntries(Object.entries(spec.inputs).filter(([key]) => !b.ignoreChanges.includes(key))),
    );
  return strip(a) === strip(b);
}

export class Instance {
  readonly network = InstanceNetwork.create();
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "agency-realrun-"));
  readonly volumesDir = path.join(this.dir, "volumes");
  private readonly scratchDir = path.join(this.dir, "scratch");
  private readonly current = new Map<string, { spec: ContainerSpec; container: Container }>();
  private readonly everStarted: Container[] = [];
  /** Resources whose last create failed (a `wait` never healthy): the engine replaces them next. */
  private readonly initFailed = new Set<string>();
  /** The engine's images of the app: built ones by build context, tagged ones by reference. */
  private readonly builds = new Map<string, AppBuild>();
  private readonly tags = new Map<string, { build: AppBuild; dockerfile: string }>();

  constructor(private readonly app: AppBuild) {
    fs.mkdirSync(this.volumesDir);
    fs.mkdirSync(this.scratchDir);
  }

  /** An app image built from another context (a new release's source), as `docker build` leaves it. */
  addBuild(context: string, build: AppBuild): void {
    this.builds.set(context, build);
  }

  /**
   * `docker tag <image> <ref>`: `ref` names the image `build` (from `dockerfile`) is, so a stack
   * pulling `ref` (`image.ref`, keepLocally) runs it, as the provider finds a local tag.
   */
  tag(ref: string, build: AppBuild, dockerfile: string): void {
    this.tags.set(ref, { build, dockerfile });
  }

  /** The image a container runs: the pinned postgres or caddy image, else the stack's app image. */
  image(spec: ContainerSpec, stack: StackSpec): ImageModel {
    const ref = spec.inputs.image;
    if (ref.startsWith("postgres:")) {
      const bindir = postgresBindir();
      if (bindir === undefined)
        throw new Error("no PostgreSQL server installed (apt-get install postgresql)");
      return postgresImageModel(ref, bindir);
    }
    if (ref.startsWith("caddy:")) return caddyImageModel(ref);
    if (stack.appBuild !== undefined) {
      return appImage(stack.appBuild.dockerfile, this.builds.get(stack.appBuild.context) ?? this.app);
    }
    const tagged = this.tags.get(stack.appImageRef ?? "");
    if (tagged === undefined)
      throw new Error(`No such image: ${stack.appImageRef} (docker tag or pull it first)`);
    return appImage(tagged.dockerfile, tagged.build);
  }

  /** Start one container of the stack (`docker run`), registering its names on the network first. */
  start(
    spec: ContainerSpec,
    stack: StackSpec,
    extra: Partial<Pick<RunOptions, "env" | "command" | "extraContent" | "workdir">> = {},
  ): Container {
    const container = new Container({
      spec,
      image: this.image(spec, stack),
      network: this.network,
      volumesDir: this.volumesDir,
      scratchDir: this.scratchDir,
      joinNetworkOf: this.joinedContainer(spec, stack),
      ...extra,
    });
    this.everStarted.push(container);
    return container;
  }

  /** The container name whose network a `networkMode: container:<id>` spec joins. */
  private joinedContainer(spec: ContainerSpec, stack: StackSpec): string | undefined {
    if (!spec.inputs.networkMode?.startsWith("container:")) return undefined;
    const target = stack.containers.find((c) => c.resource === spec.networkOf);
    if (target === undefined)
      throw new Error(`${spec.resource}: no container for networkMode ${spec.inputs.networkMode}`);
    return target.name;
  }

  /** The current web container: the one carrying the web label (its name changes every release). */
  web(): Container {
    const found = [...this.current.values()].filter(({ spec }) =>
      (spec.inputs.labels ?? []).some((l) => l.label === WEB_LABEL),
    );
    if (found.length !== 1)
      throw new Error(
        `expected one current web container, have ${found.map((f) => f.spec.resource).join(", ")}`,
      );
    return found[0].container;
  }

  /** The current container of a resource: by logical name, else by a unique logical-name suffix. */
  container(suffix: string): Container {
    const exact = this.current.get(suffix);
    if (exact) return exact.container;
    const found = [...this.current.entries()].filter(([resource]) => resource.endsWith(suffix));
    if (found.length !== 1)
      throw new Error(`no single current container *${suffix} (have ${[...this.current.keys()].join(", ")})`);
    return found[0][1].container;
  }

  /** `pulumi up` of `stack` over what is running now. */
  async deploy(stack: StackSpec, options: DeployOptions = {}): Promise<DeployResult> {
    // Every name resolves before any container starts, as Docker's DNS knows every container.
    for (const spec of stack.containers) {
      this.network.address(
        spec.name,
        (spec.inputs.networksAdvanced ?? []).flatMap((n) => n.aliases ?? []),
      );
    }
    const result: DeployResult = { started: [], exitCodes: {}, deleted: [] };
    const done = new Map<string, Promise<void>>();
    const run = async (spec: ContainerSpec): Promise<void> => {
      await Promise.all(spec.dependsOn.map((dep) => done.get(dep)));
      if (result.failed) return;
      if (options.only && !options.only.some((suffix) => spec.resource.endsWith(suffix))) return;
      const previous = this.current.get(spec.resource);
      const oneShot = spec.inputs.attach === true;
      const retry = this.initFailed.delete(spec.resource);
      if (previous && sameInputs(previous.spec, spec) && !(oneShot && options.rerun) && !retry) return;
      if (previous) await previous.container.stop();
      const env = Object.entries(options.env ?? {}).find(([suffix]) => spec.resource.endsWith(suffix))?.[1];
      const container = this.start(spec, stack, { env });
      this.current.set(spec.resource, { spec, container });
      result.started.push(spec.resource);
      try {
        if (oneShot) {
          const code = await container.exited;
          result.exitCodes[spec.resource] = code;
          if (code !== 0) result.failed ??= { resource: spec.resource, reason: `exit code ${code}` };
        } else if (spec.inputs.wait === true) {
          await container.waitHealthy(60_000);
        }
      } catch (error) {
        this.initFailed.add(spec.resource);
        result.failed ??= { resource: spec.resource, reason: (error as Error).message };
      }
    };
    for (const spec of stack.containers) done.set(spec.resource, run(spec));
    await Promise.all(done.values());
    if (result.failed === undefined) {
      const registered = new Set(stack.containers.map((spec) => spec.resource));
      for (const [resource, { container }] of [...this.current.entries()]) {
        if (registered.has(resource)) continue;
        await container.stop();
        this.current.delete(resource);
        result.deleted.push(resource);
      }
    }
    return result;
  }

  /** `docker stop` of a resource's current container. */
  async stop(resource: string): Promise<number> {
    return this.container(resource).stop();
  }

  /**
   * `docker start` of a stopped container: its spec again, with its volumes (the rest of its
   * writable layer is not kept), waited for until healthy when it has a healthcheck.
   */
  async startAgain(resource: string, stack: StackSpec): Promise<Container> {
    const entry = [...this.current.entries()].find(([name]) => name === resource || name.endsWith(resource));
    if (!entry) throw new Error(`no container ${resource}`);
    const [name, { spec, container: old }] = entry;
    if (old.running) throw new Error(`${name} is still running`);
    const container = this.start(spec, stack);
    this.current.set(name, { spec, container });
    if (spec.inputs.healthcheck) await container.waitHealthy(60_000);
    return container;
  }

  /** Run a command of this machine inside the instance's network (psql, curl), as root. */
  run(argv: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<ExecResult> {
    return new Promise((resolve) => {
      const [file, ...args] = [...this.network.enter, ...argv];
      const child = spawn(file, args, {
        env: { PATH: process.env.PATH, ...env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
      // A command that exits before reading its input closes the pipe: its exit status says why.
      child.stdin.on("error", () => undefined);
      child.stdin.end(input ?? "");
    });
  }

  /** psql as `url`'s role (a postgres:// URL whose host is a container name or alias). */
  async psql(url: string, sql: string): Promise<ExecResult> {
    const parsed = new URL(url);
    const host = this.network.resolve(parsed.hostname);
    return this.run(
      [
        "psql",
        "--no-psqlrc",
        "-X",
        "-q",
        "-t",
        "-A",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        host,
        "-p",
        parsed.port || "5432",
        "-U",
        decodeURIComponent(parsed.username),
        "-d",
        parsed.pathname.slice(1),
      ],
      { PGPASSWORD: decodeURIComponent(parsed.password), PGCONNECT_TIMEOUT: "5" },
      sql,
    );
  }

  /** Kill every container and remove the network and all state. */
  async destroy(): Promise<void> {
    const killed = Promise.all(this.everStarted.map((container) => container.kill()));
    await Promise.race([killed, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    this.network.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
