/**
 * Runs one captured docker.Container as a process, the way dockerd would, without a Docker engine
 * (podman cannot start containers here): as root, `unshare` gives it private mount, PID and UTS
 * namespaces inside its own network namespace on the instance's bridge (network.ts), and a root assembled from the image model:
 *
 *  - the machine's /usr and /etc read-only (Debian's packages stand in for the image layers), the
 *    image's directories with their owner and mode, its content (the app, the venv) read-only,
 *    the image's /etc/passwd and /etc/group, and an /etc/hosts naming every container;
 *  - `readOnly: true`: the whole root read-only;
 *  - each `tmpfs` entry mounted with Docker's defaults (rw,noexec,nosuid,nodev) merged with the
 *    spec's options, so `exec` must be asked for, and owned by root unless `uid=`/`gid=` say;
 *  - each volume a directory that, when new, copies the owner and mode of the image's directory
 *    at the mount point (moby's copyExistingContents);
 *  - the command: the spec's entrypoint and command, else the image's, with the image's ENV under
 *    the spec's env, HOME from the image's passwd, the spec's user (setpriv: uid, gid, no
 *    supplementary groups, the capability bounding set, no_new_privs) and working directory.
 *
 * Healthchecks and `exec` enter the same namespaces and root with nsenter, as `docker exec` does.
 * README.md beside the suite lists what this does not reproduce.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { quote } from "shell-quote";
import type { ImageModel } from "./images";
import type { InstanceNetwork } from "./network";
import type { ContainerSpec } from "./stack";

/** Docker's default capabilities (moby oci/caps/defaults.go). */
const DEFAULT_CAPABILITIES = [
  "chown",
  "dac_override",
  "fsetid",
  "fowner",
  "mknod",
  "net_raw",
  "setgid",
  "setuid",
  "setfcap",
  "setpcap",
  "net_bind_service",
  "sys_chroot",
  "kill",
  "audit_write",
];
/** dockerd's options for every tmpfs mount, before the container's own (moby daemon/oci_linux.go). */
const TMPFS_DEFAULTS = ["rw", "noexec", "nosuid", "nodev"];
/** The machine's top-level entries that stand in for the image's system files. */
const SYSTEM_ENTRIES = ["usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32"];
const READY = "agency-realrun: container started";
/** A stand-in for tini (not on this machine): forwards TERM and INT to the command, exits with its status. */
const INIT = [
  "trap 'kill -TERM \"$child\" 2>/dev/null' TERM",
  "trap 'kill -INT \"$child\" 2>/dev/null' INT",
  '"$@" &',
  "child=$!",
  'while :; do wait "$child"; status=$?; kill -0 "$child" 2>/dev/null || exit "$status"; done',
].join("\n");

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  spec: ContainerSpec;
  image: ImageModel;
  network: InstanceNetwork;
  /** Where this instance's named volumes live (one directory each). */
  volumesDir: string;
  /** Scratch space for this container's root mount point and its /etc files. */
  scratchDir: string;
  /** Test inputs over the container's env (undefined removes a variable), e.g. a weak SECRET_KEY. */
  env?: Record<string, string | undefined>;
  /** Replaces the spec's command (as `docker run IMAGE CMD...`), e.g. the app's pytest suite. */
  command?: string[];
  /** More read-only content (e.g. the app's tests, which the image leaves out). */
  extraContent?: { source: string; target: string }[];
  /** Replaces the working directory (as `docker run -w`). */
  workdir?: string;
  /** `network_mode: container:<name>`: the named container's network namespace, not one of its own. */
  joinNetworkOf?: string;
}

/** Docker's merge: the container's options win over the defaults they contradict. */
export function tmpfsOptions(spec: string): string[] {
  const own = spec.split(",").filter((o) => o !== "");
  const opposite: Record<string, string> = { exec: "noexec", suid: "nosuid", dev: "nodev", ro: "rw" };
  const overridden = new Set(own.flatMap((o) => (opposite[o] ? [opposite[o]] : [])));
  const defaults = TMPFS_DEFAULTS.filter((o) => !overridden.has(o) && !own.includes(o));
  return [...defaults, ...own];
}

/** The capability bounding set Docker gives: defaults (or none, for `drops: ALL`) minus drops plus adds. */
export function capabilities(spec: ContainerSpec["inputs"]["capabilities"]): string[] {
  const norm = (c: string) => c.toLowerCase().replace(/^cap_/, "");
  const drops = (spec?.drops ?? []).map(norm);
  const base = drops.includes("all") ? [] : DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c));
  return [...new Set([...base, ...(spec?.adds ?? []).map(norm)])];
}

interface Identity {
  uid: number;
  gid: number;
  home: string;
}

function identity(user: string, image: ImageModel): Identity {
  const [who, group] = user === "" ? ["0", undefined] : user.split(":");
  const entry = image.users.find((u) => u.name === who || String(u.uid) === who);
  if (entry === undefined && !/^\d+$/.test(who)) throw new Error(`user ${who} is not in image ${image.ref}`);
  const uid = entry?.uid ?? Number(who);
  const gid = group === undefined ? (entry?.gid ?? uid) : Number(group);
  return { uid, gid, home: entry?.home ?? "/" };
}

function parseEnv(entries: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf("=");
      return at < 0 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

/** The argv dockerd runs: an entrypoint set on the container also drops the image's CMD. */
export function containerArgv(inputs: ContainerSpec["inputs"], image: ImageModel): string[] {
  const entrypoint = inputs.entrypoints ?? image.entrypoint;
  const command = inputs.command ?? (inputs.entrypoints !== undefined ? [] : image.cmd);
  return [...entrypoint, ...command];
}

export class Container {
  readonly id = crypto.randomBytes(32).toString("hex");
  readonly address: string;
  /** The container whose network namespace this one runs in: itself, or its `container:` target. */
  private readonly networkOf: string;
  readonly env: Record<string, string>;
  readonly argv: string[];
  readonly workdir: string;
  private readonly user: Identity;
  private readonly process: ChildProcess;
  private output = "";
  private initPid: number | undefined;
  private exitCode: number | undefined;
  /** Resolves with the exit code (128 + signal number for a signal), as `docker wait`. */
  readonly exited: Promise<number>;
  private readonly started: Promise<void>;

  constructor(readonly options: RunOptions) {
    const { spec, image, network } = options;
    const inputs = spec.inputs;
    this.networkOf = options.joinNetworkOf ?? spec.name;
    this.address =
      options.joinNetworkOf !== undefined
        ? network.resolve(options.joinNetworkOf)
        : network.address(
            spec.name,
            (inputs.networksAdvanced ?? []).flatMap((n) => n.aliases ?? []),
          );
    this.user = identity(inputs.user ?? image.user, image);
    const env: Record<string, string> = { ...image.env, ...parseEnv(inputs.envs ?? []) };
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    env.HOSTNAME = this.id.slice(0, 12);
    env.HOME ??= this.user.home;
    this.env = env;
    this.argv = options.command ?? containerArgv(inputs, image);
    if (this.argv.length === 0) throw new Error(`${spec.name}: no command to run`);
    this.workdir = options.workdir ?? inputs.workingDir ?? image.workdir;

    const script = this.setupScript();
    const enter = network.enterContainer(this.networkOf);
    this.process = spawn(
      enter[0],
      [
        ...enter.slice(1),
        "unshare",
        "--mount",
        "--pid",
        "--uts",
        "--fork",
        "--kill-child",
        "--propagation",
        "private",
        "/bin/sh",
        "-c",
        script,
      ],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let markReady: () => void = () => undefined;
    let failStart: (e: Error) => void = () => undefined;
    this.started = new Promise((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    this.started.catch(() => undefined);
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      if (this.initPid === undefined && text.includes(READY)) {
        this.initPid = this.findInitPid();
        markReady();
      }
      this.output = (this.output + text.replace(`${READY}\n`, "")).slice(-200_000);
    };
    this.process.stdout?.on("data", collect);
    this.process.stderr?.on("data", collect);
    this.exited = new Promise((resolve) => {
      this.process.on("exit", (code, signal) => {
        this.exitCode = code ?? 128 + (signal ? os.constants.signals[signal] : 0);
        failStart(new Error(`${spec.name} exited (${this.exitCode}) before it started:\n${this.output}`));
        resolve(this.exitCode);
      });
    });
  }

  get name(): string {
    return this.options.spec.name;
  }

  /** stdout and stderr, interleaved, as `docker logs`. */
  logs(): string {
    return this.output;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The container's PID 1 as the host sees it (gunicorn's master for the web service). */
  async pid(): Promise<number> {
    await this.started;
    return this.initPid!;
  }

  /**
   * SIGKILL to the container's PID 1, which ends every process of its PID namespace, then to
   * unshare. Killing unshare alone would leave the container running: its --kill-child is a
   * parent-death signal, which the kernel clears when setpriv drops the command's credentials.
   */
  private killAll(): void {
    let init = this.initPid;
    try {
      init ??= this.findInitPid();
    } catch {
      // unshare has no child (yet, or any more).
    }
    for (const pid of [init, this.process.pid]) {
      try {
        if (pid !== undefined && pid > 0) process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  private findInitPid(): number {
    const parent = this.process.pid!;
    const children = fs.readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8").trim();
    return Number(children.split(/\s+/)[0]);
  }

  /** `docker exec` as the container's user, in its namespaces, root, working directory and env. */
  async exec(argv: string[], timeoutMs = 30_000): Promise<ExecResult> {
    const pid = await this.pid();
    return new Promise((resolve) => {
      const child = spawn(
        "nsenter",
        [
          `--target=${pid}`,
          "--mount",
          "--uts",
          "--pid",
          "--net",
          // The target's root and working directory: the container's own (nsenter opens a
          // --wd=path before entering the root).
          "--root",
          "--wd",
          `--setuid=${this.user.uid}`,
          `--setgid=${this.user.gid}`,
          "--",
          ...argv,
        ],
        { env: this.env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (code) => resolve({ code: code ?? 124, stdout, stderr }));
    });
  }

  /** One run of the spec's healthcheck (CMD or CMD-SHELL), as dockerd runs it. */
  async checkHealth(): Promise<ExecResult> {
    const tests = this.options.spec.inputs.healthcheck?.tests;
    if (tests === undefined || tests[0] === "NONE") throw new Error(`${this.name} has no healthcheck`);
    // Run as written: 127.0.0.1 is the container's own loopback (network.ts).
    const argv = tests[0] === "CMD-SHELL" ? ["/bin/sh", "-c", tests[1]] : tests.slice(1);
    return this.exec(argv, 10_000);
  }

  /**
   * Wait until the healthcheck passes, as the provider's `wait: true` does. Checks every half
   * second instead of every `interval`: the suite compresses time, not behaviour.
   */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: ExecResult | undefined;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.name} exited (${this.exitCode}):\n${this.output.slice(-4000)}`);
      last = await this.checkHealth().catch((e: Error) => ({ code: 1, stdout: "", stderr: e.message }));
      if (last.code === 0) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(
      `${this.name} was not healthy within ${timeoutMs} ms: ${last?.stderr.slice(-2000)}\n${this.output.slice(-4000)}`,
    );
  }

  /** `docker stop`: the stop signal to PID 1, SIGKILL after the stop timeout. */
  async stop(): Promise<number> {
    if (!this.running) return this.exitCode!;
    const signal = (this.options.spec.inputs.stopSignal ?? this.options.image.stopSignal) as NodeJS.Signals;
    const timeout = (this.options.spec.inputs.stopTimeout ?? 10) * 1000;
    try {
      process.kill(await this.pid(), signal);
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => this.killAll(), timeout);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** `docker kill`: SIGKILL, for tearing an instance down. */
  async kill(): Promise<number> {
    if (this.running) this.killAll();
    // Nothing of a killed container may keep the test process alive.
    this.process.stdout?.destroy();
    this.process.stderr?.destroy();
    this.process.unref();
    return this.exited;
  }

  /** The shell script that assembles the root and execs the container's command (run as root). */
  private setupScript(): string {
    const { spec, image, network, volumesDir, scratchDir } = this.options;
    const inputs = spec.inputs;
    const root = fs.mkdtempSync(path.join(scratchDir, `${spec.name}-root-`));
    const etc = fs.mkdtempSync(path.join(scratchDir, `${spec.name}-etc-`));
    const files: Record<string, string> = {
      passwd: image.users.map((u) => `${u.name}:x:${u.uid}:${u.gid}::${u.home}:${u.shell}`).join("\n") + "\n",
      group: image.users.map((u) => `${u.name}:x:${u.gid}:`).join("\n") + "\n",
      hostname: `${this.id.slice(0, 12)}\n`,
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(etc, name), text);
    network.writeHostsFile(path.join(etc, "hosts"), this.id.slice(0, 12), this.address);

    const q = (...words: string[]) => quote(words);
    const at = (p: string) => q(path.join(root, p));
    const lines = ["set -eu", q("mount", "-t", "tmpfs", "-o", "mode=0755", "rootfs", root)];
    const readOnlyBind = (source: string, target: string) => {
      lines.push(q("mount", "--bind", source, path.join(root, target)));
      lines.push(q("mount", "-o", "remount,bind,ro", path.join(root, target)));
    };
    for (const entry of SYSTEM_ENTRIES) {
      const host = `/${entry}`;
      if (!fs.existsSync(host)) continue;
      const stat = fs.lstatSync(host);
      if (stat.isSymbolicLink()) lines.push(q("ln", "-s", fs.readlinkSync(host), path.join(root, entry)));
      else {
        lines.push(`mkdir ${at(entry)}`);
        readOnlyBind(host, entry);
      }
    }
    for (const name of [...Object.keys(files), "hosts"]) {
      lines.push(`[ -e ${at(`etc/${name}`)} ] || exit 90`);
      lines.push(q("mount", "--bind", path.join(etc, name), path.join(root, "etc", name)));
    }
    // Every Debian and Alpine image has these; /var/run is Debian's relative link to /run.
    lines.push(
      `mkdir -m 1777 ${at("tmp")}`,
      `mkdir -m 0755 ${at("run")} ${at("var")} ${at("proc")} ${at("dev")}`,
    );
    lines.push(`ln -s ../run ${at("var/run")}`);
    for (const p of image.paths) {
      lines.push(`mkdir -p ${at(p.path)}`, `chown ${p.uid}:${p.gid} ${at(p.path)}`);
      lines.push(`chmod ${p.mode.toString(8)} ${at(p.path)}`);
    }
    const content = [...image.content, ...(this.options.extraContent ?? [])];
    for (const c of content) {
      const isFile = fs.statSync(c.source).isFile();
      lines.push(`mkdir -p ${at(path.dirname(c.target))}`);
      lines.push(isFile ? `touch ${at(c.target)}` : `mkdir -p ${at(c.target)}`);
      readOnlyBind(c.source, c.target);
    }
    const tmpfs = Object.entries(inputs.tmpfs ?? {});
    const volumes = inputs.volumes ?? [];
    for (const p of [...tmpfs.map(([p]) => p), ...volumes.map((v) => v.containerPath), this.workdir]) {
      lines.push(`mkdir -p ${at(p)}`);
    }
    for (const volume of volumes) {
      const source = volume.hostPath ?? this.volume(volume.volumeName!, volume.containerPath, volumesDir);
      lines.push(q("mount", "--bind", source, path.join(root, volume.containerPath)));
      if (volume.readOnly)
        lines.push(q("mount", "-o", "remount,bind,ro", path.join(root, volume.containerPath)));
    }
    // A minimal /dev as dockerd gives: the usual character devices and a 64 MB /dev/shm.
    lines.push(
      q("mount", "-t", "tmpfs", "-o", "nosuid,mode=0755,size=65536k", "dev", path.join(root, "dev")),
    );
    for (const device of ["null", "zero", "full", "random", "urandom", "tty"]) {
      lines.push(
        `touch ${at(`dev/${device}`)}`,
        q("mount", "--bind", `/dev/${device}`, path.join(root, "dev", device)),
      );
    }
    lines.push(`mkdir ${at("dev/shm")}`);
    lines.push(
      q(
        "mount",
        "-t",
        "tmpfs",
        "-o",
        "nosuid,noexec,nodev,mode=1777,size=65536k",
        "shm",
        path.join(root, "dev/shm"),
      ),
    );
    for (const [fd, name] of [
      ["0", "stdin"],
      ["1", "stdout"],
      ["2", "stderr"],
    ]) {
      lines.push(q("ln", "-s", `/proc/self/fd/${fd}`, path.join(root, "dev", name)));
    }
    lines.push(q("ln", "-s", "/proc/self/fd", path.join(root, "dev/fd")));
    lines.push(q("mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", path.join(root, "proc")));
    if (inputs.readOnly) lines.push(q("mount", "-o", "remount,ro", root));
    for (const [target, options] of tmpfs) {
      lines.push(
        q("mount", "-t", "tmpfs", "-o", tmpfsOptions(options).join(","), "tmpfs", path.join(root, target)),
      );
    }
    lines.push(q("hostname", this.id.slice(0, 12)));
    lines.push(`echo ${q(READY)} >&2`);
    const caps = capabilities(inputs.capabilities);
    const setpriv = [
      "/usr/bin/setpriv",
      `--reuid=${this.user.uid}`,
      `--regid=${this.user.gid}`,
      "--clear-groups",
      `--bounding-set=-all${caps.map((c) => `,+${c}`).join("")}`,
      ...((inputs.securityOpts ?? []).some((o) => /^no-new-privileges(:true)?$/.test(o))
        ? ["--no-new-privs"]
        : []),
    ];
    // `init: true`: dockerd's init (tini) is PID 1 and forwards the stop signal to the command.
    const init = inputs.init === true ? ["/bin/sh", "-c", INIT, "docker-init"] : [];
    lines.push(
      `exec ${q("/usr/sbin/chroot", root, ...setpriv, "--", "/usr/bin/env", `--chdir=${this.workdir}`, "--", ...init, ...this.argv)}`,
    );
    return lines.join("\n");
  }

  /** A named volume's directory; a new one copies the image directory's owner and mode. */
  private volume(name: string, containerPath: string, volumesDir: string): string {
    const dir = path.join(volumesDir, name);
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      const source = this.options.image.paths.find((p) => p.path === containerPath);
      fs.chownSync(dir, source?.uid ?? 0, source?.gid ?? 0);
      fs.chmodSync(dir, source?.mode ?? 0o755);
    }
    return dir;
  }
}

/** Whether this machine can run containers the way this module does (root, unshare, nsenter). */
export function runnerAvailable(): string | undefined {
  if (process.getuid?.() !== 0) return "root (unshare and mount need it)";
  for (const tool of ["unshare", "nsenter", "setpriv", "ip", "chroot"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return tool;
  }
  return undefined;
}
