/**
 * The app image's content, built as its Dockerfile builds it: a venv at /opt/venv with
 * requirements.txt installed by pip from this machine's configured package index (passed
 * explicitly, so pip never tries an index it cannot reach), what that index lacks linked from
 * Debian's python3-* packages, the build context (less .dockerignore) at /app, collectstatic with
 * the build settings module, compileall. The pip and collectstatic steps run in a container of the
 * suite's runner with /opt/venv and /app mounted, so the venv's paths are the image's.
 * Cached, keyed on the requirements, the index and the context's files.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ignore from "@balena/dockerignore";
import { Container } from "./container";
import type { ImageModel } from "./images";
import { InstanceNetwork } from "./network";

const DEBIAN_SITE = "/usr/lib/python3/dist-packages";
const PYTHON = "/usr/bin/python3";

export interface AppBuild {
  /** The built /app. */
  app: string;
  /** The venv at /opt/venv. */
  venv: string;
  /** pytest and pytest-django (requirements-dev.txt), for the app's own suite; not in the image. */
  testSite: string;
}

export interface PackageIndex {
  /** pip arguments naming the index explicitly. */
  args: string[];
  /** Local directories the index and find-links live in. */
  directories: string[];
  /** Project directories of the index (`simple/<name>/`). */
  simpleRoots: string[];
}

/** The local package index pip is configured with (`pip config list`), as explicit arguments. */
export function packageIndex(): PackageIndex {
  const listing = execFileSync(PYTHON, ["-m", "pip", "config", "list"], { encoding: "utf8" });
  const values = (key: string) =>
    listing
      .split("\n")
      .filter((line) => line.split("=")[0].endsWith(`.${key}`))
      .flatMap((line) =>
        line
          .slice(line.indexOf("=") + 1)
          .replace(/^'|'$/g, "")
          .split(/\s+/),
      )
      .filter((v) => v !== "");
  const urls = [...values("index-url"), ...values("extra-index-url")].filter((u) => u.startsWith("file://"));
  const simpleRoots = urls.map((u) => new URL(u).pathname).filter((dir) => fs.existsSync(dir));
  const links = values("find-links").filter((dir) => fs.existsSync(dir.replace(/^file:\/\//, "")));
  if (simpleRoots.length === 0)
    throw new Error("pip is configured with no local package index (pip config list)");
  return {
    args: [
      "--index-url",
      `file://${simpleRoots[0]}`,
      ...simpleRoots.slice(1).flatMap((r) => ["--extra-index-url", `file://${r}`]),
      ...links.flatMap((l) => ["--find-links", l]),
    ],
    directories: [...new Set([...simpleRoots.map((r) => path.dirname(r)), ...links])],
    simpleRoots,
  };
}

interface Requirement {
  line: string;
  name: string;
}

function requirements(file: string): Requirement[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("-"))
    .map((line) => ({
      line,
      name: line
        .split(/[[=<>!~; ]/)[0]
        .toLowerCase()
        .replace(/[_.]+/g, "-"),
    }));
}

/** Debian's module directories and metadata for a distribution (python3-<name>), or undefined. */
function debianDistribution(name: string): string[] | undefined {
  if (!fs.existsSync(DEBIAN_SITE)) return undefined;
  const meta = fs
    .readdirSync(DEBIAN_SITE)
    .find(
      (entry) =>
        /\.(egg|dist)-info$/.test(entry) && entry.split("-")[0].toLowerCase().replace(/_/g, "-") === name,
    );
  if (meta === undefined) return undefined;
  const topLevel = path.join(DEBIAN_SITE, meta, "top_level.txt");
  const modules = fs.existsSync(topLevel)
    ? fs
        .readFileSync(topLevel, "utf8")
        .split("\n")
        .filter((m) => m !== "")
    : [name.replace(/-/g, "_")];
  return [meta, ...modules].map((entry) => path.join(DEBIAN_SITE, entry));
}

/** Requirements the index has (for pip) and the Debian paths of those it lacks; names what is missing. */
export function resolveRequirements(
  file: string,
  index: PackageIndex,
): { pip: string[]; debian: string[]; missing: string[] } {
  const pip: string[] = [];
  const debian: string[] = [];
  const missing: string[] = [];
  for (const req of requirements(file)) {
    if (index.simpleRoots.some((root) => fs.existsSync(path.join(root, req.name)))) pip.push(req.line);
    else {
      const paths = debianDistribution(req.name);
      if (paths) debian.push(...paths);
      else missing.push(`python3-${req.name} (apt)`);
    }
  }
  return { pip, debian, missing };
}

function cacheRoot(): string {
  return (
    process.env.AGENCY_DEPLOY_REALRUN_CACHE ?? path.join(os.homedir(), ".cache", "agency-deploy-realrun")
  );
}

function contextFiles(context: string): string[] {
  const dockerignore = path.join(context, ".dockerignore");
  const ig = ignore().add(fs.existsSync(dockerignore) ? fs.readFileSync(dockerignore, "utf8") : "");
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const rel = path.relative(context, path.join(dir, e.name));
      if (ig.ignores(rel)) return [];
      return e.isDirectory() ? walk(path.join(dir, e.name)) : [rel];
    });
  return walk(context).sort();
}

function digest(parts: string[]): string {
  return crypto.createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}

/** A throwaway container on its own network, as `docker build` runs a RUN step. */
async function runStep(
  image: ImageModel,
  script: string,
  mounts: Record<string, string>,
  scratch: string,
): Promise<void> {
  const network = InstanceNetwork.create();
  try {
    const container = new Container({
      spec: {
        resource: "build",
        name: "build",
        urn: "build",
        dependsOn: [],
        ignoreChanges: [],
        deleteBeforeReplace: false,
        inputs: {
          image: image.ref,
          entrypoints: ["/bin/sh", "-c"],
          command: [script],
          user: "0:0",
          volumes: Object.entries(mounts).map(([containerPath, hostPath]) => ({ hostPath, containerPath })),
        },
      },
      image,
      network,
      volumesDir: scratch,
      scratchDir: scratch,
    });
    const code = await container.exited;
    if (code !== 0) throw new Error(`build step failed (${code}):\n${script}\n${container.logs()}`);
  } finally {
    network.destroy();
  }
}

/** Move a finished build into place, unless another worker's got there first. */
function settle(built: string, final: string): void {
  // mkdtemp makes 0700 directories; the image's are 0755.
  fs.chmodSync(built, 0o755);
  try {
    fs.renameSync(built, final);
  } catch (error) {
    if (!fs.existsSync(final)) throw error;
    fs.rmSync(built, { recursive: true, force: true });
  }
}

/** Build (or reuse) the app's venv, /app and test site for the context of `build`. */
export async function buildApp(build: { context: string; dockerfile: string }): Promise<AppBuild> {
  const index = packageIndex();
  const reqFile = path.join(build.context, "requirements.txt");
  const devFile = path.join(build.context, "requirements-dev.txt");
  const runtime = resolveRequirements(reqFile, index);
  const dev = resolveRequirements(devFile, index);
  const missing = [...runtime.missing, ...dev.missing];
  if (missing.length > 0) throw new Error(`the package index and Debian lack: ${missing.join(", ")}`);
  const devOnly = dev.pip.filter((line) => !runtime.pip.includes(line));

  const root = cacheRoot();
  const scratch = path.join(root, "scratch");
  fs.mkdirSync(scratch, { recursive: true });
  // This module's own text is part of the key: a changed build step rebuilds.
  const envKey = digest([
    fs.readFileSync(reqFile, "utf8"),
    fs.readFileSync(devFile, "utf8"),
    ...index.args,
    PYTHON,
    fs.readFileSync(__filename, "utf8"),
  ]);
  const files = contextFiles(build.context);
  const appKey = digest([
    envKey,
    ...files.flatMap((f) => [f, fs.readFileSync(path.join(build.context, f), "utf8")]),
  ]);
  const venv = path.join(root, `venv-${envKey}`);
  const testSite = path.join(root, `test-site-${envKey}`);
  const app = path.join(root, `app-${appKey}`);
  const image: ImageModel = {
    ref: "builder",
    env: {
      PATH: "/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      PIP_NO_CACHE_DIR: "1",
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PYTHONDONTWRITEBYTECODE: "1",
      PIP_CONFIG_FILE: "/dev/null",
      LANG: "C.UTF-8",
    },
    user: "",
    workdir: "/",
    entrypoint: [],
    cmd: [],
    stopSignal: "SIGTERM",
    users: [{ name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/sh" }],
    paths: [],
    content: index.directories.map((dir) => ({ source: dir, target: dir })),
  };
  const quoteAll = (words: string[]) => words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
  const link = (paths: string[], site: string) =>
    paths.map((p) => `ln -sfn ${quoteAll([p])} "${site}/$(basename ${quoteAll([p])})"`).join("\n");

  // Each is built in a directory of its own and renamed into place, so two test workers never
  // share a half-built one (the paths inside are the image's, wherever the directory is).
  if (!fs.existsSync(venv)) {
    const [tmpVenv, tmpSite] = [fs.mkdtempSync(`${venv}.`), fs.mkdtempSync(`${testSite}.`)];
    const script = [
      "set -eu",
      `${PYTHON} -m venv /opt/venv`,
      `/opt/venv/bin/pip install -q ${quoteAll([...index.args, ...runtime.pip])}`,
      'site="$(/opt/venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()[\'purelib\'])")"',
      link(runtime.debian, "$site"),
      `/opt/venv/bin/pip install -q --target /opt/test-site ${quoteAll([...index.args, ...devOnly])}`,
      link(
        dev.debian.filter((p) => !runtime.debian.includes(p)),
        "/opt/test-site",
      ),
    ].join("\n");
    await runStep(image, script, { "/opt/venv": tmpVenv, "/opt/test-site": tmpSite }, scratch);
    settle(tmpSite, testSite);
    settle(tmpVenv, venv);
  }
  if (!fs.existsSync(app)) {
    const tmpApp = fs.mkdtempSync(`${app}.`);
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(tmpApp, file)), { recursive: true });
      fs.copyFileSync(path.join(build.context, file), path.join(tmpApp, file));
    }
    const script = [
      "set -eu",
      "cd /app",
      "python manage.py collectstatic --noinput --settings=config.settings.build >/dev/null",
      "python -m compileall -q /app",
    ].join("\n");
    await runStep(image, script, { "/opt/venv": venv, "/app": tmpApp }, scratch);
    settle(tmpApp, app);
  }
  return { app, venv, testSite };
}
