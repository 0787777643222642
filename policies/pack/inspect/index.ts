/**
 * inspectBuildContext: one docker build context -> BuildContextFacts. Never throws: anything unreadable or
 * unparsable becomes an `unverifiable` entry so rules can report "could not verify" with the reason.
 * Results are cached per (context, dockerfile, target, settingsModule) and the mtimes of the files read.
 */
import * as fs from "fs";
import * as path from "path";
import { diskContext, walkDirectory, type ContextFiles } from "./context-files";

export { memoryContext, type ContextFiles } from "./context-files";
import { effectiveEnv, finalStage, readDockerfile } from "./dockerfile";
import { judgeContext } from "./dockerignore";
import { readEntrypointScript, resolveStartScript } from "./entrypoint";
import { missingCopySources } from "./copy-sources";
import type {
  BrokenInput,
  BuildContextFacts,
  DockerfileFacts,
  EntrypointFacts,
  InspectRequest,
  SettingsFacts,
  SettingsModuleFacts,
  SourceLocation,
  Unverifiable,
} from "./facts";
import { readDjangoProject, readRailway, readSeedCommands } from "./project";
import { readManagementCommands, readUrlConfiguration } from "./app-contract";
import { readRequirements } from "./requirements";
import { readRouters, readSettingsModule, resolveModule } from "./settings";

export type * from "./facts";

/** Files beyond this are not listed (a context this large is itself a finding for the .dockerignore rule). */
const FILE_LIMIT = 50_000;

interface CacheEntry {
  stamps: Map<string, number>;
  facts: Promise<BuildContextFacts>;
}

const cache = new Map<string, CacheEntry>();

export function inspectBuildContext(req: InspectRequest): Promise<BuildContextFacts> {
  const context = path.resolve(req.context);
  const key = JSON.stringify([context, req.dockerfile ?? "", req.target ?? "", req.settingsModule ?? ""]);
  const cached = cache.get(key);
  if (cached && stampsUnchanged(context, cached.stamps)) return cached.facts;
  const stamps = new Map<string, number>();
  const facts = orFailure(context, inspectDirectory(context, req, stamps));
  cache.set(key, { stamps, facts });
  return facts;
}

/**
 * The same reading over a context held in memory (a test's inline Dockerfile and settings, a
 * fuzzer's): `req.context` names the context in locations; nothing is read from disk or cached.
 */
export function inspectContextFiles(files: ContextFiles, req: InspectRequest): Promise<BuildContextFacts> {
  const context = path.posix.resolve("/", req.context);
  return orFailure(context, readContext(context, files, req));
}

function orFailure(context: string, facts: Promise<BuildContextFacts>): Promise<BuildContextFacts> {
  return facts.catch((error: unknown): BuildContextFacts => ({
    ...emptyFacts(context),
    unverifiable: [
      { topic: "context", reason: `inspection failed: ${(error as Error)?.message ?? String(error)}` },
    ],
  }));
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function stampsUnchanged(context: string, stamps: Map<string, number>): boolean {
  for (const [file, stamp] of stamps) {
    if (mtime(path.join(context, file)) !== stamp) return false;
  }
  return true;
}

/** Wraps ContextFiles so every file read (and the root listing) is stamped for cache invalidation. */
function stamped(context: string, files: ContextFiles, stamps: Map<string, number>): ContextFiles {
  stamps.set(".", mtime(context));
  return {
    list: () => files.list(),
    truncated: files.truncated,
    read(relative) {
      stamps.set(relative, mtime(path.join(context, relative)));
      return files.read(relative);
    },
  };
}

function emptyFacts(context: string): BuildContextFacts {
  return {
    context,
    dockerfile: null,
    dockerignore: null,
    entrypoint: null,
    settings: {
      modules: [],
      runtimeModule: null,
      runtimeModuleSource: null,
      buildOnlyModules: [],
      routers: [],
    },
    requirements: { files: [], installed: [], devPackagesInstalled: [] },
    railway: null,
    django: { managePy: [], wsgi: [], sourceRoots: [""] },
    seedCommands: [],
    managementCommands: [],
    urls: null,
    unverifiable: [],
    broken: [],
  };
}

/** A context directory on disk: its files listed once, each read stamped for the cache. */
async function inspectDirectory(
  context: string,
  req: InspectRequest,
  stamps: Map<string, number>,
): Promise<BuildContextFacts> {
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(context).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    const facts = emptyFacts(context);
    facts.unverifiable.push({
      topic: "context",
      reason: `build context ${context} is not a readable directory`,
    });
    return facts;
  }
  const walk = walkDirectory(
    context,
    FILE_LIMIT,
    (dir) => dir === ".git" || dir.endsWith("/.git") || /(^|\/)node_modules$/.test(dir),
  );
  // .git and node_modules are summarised (one placeholder file) rather than walked: they are judged as a whole.
  for (const heavy of ["node_modules", ".git"]) {
    if (fs.existsSync(path.join(context, heavy))) walk.files.push(`${heavy}/`);
  }
  return readContext(
    context,
    stamped(context, diskContext(context, walk.files.sort(), walk.truncated), stamps),
    req,
  );
}

/** Every fact of one build context, from its files wherever they are held. */
async function readContext(
  context: string,
  files: ContextFiles,
  req: InspectRequest,
): Promise<BuildContextFacts> {
  const facts = emptyFacts(context);
  const unverifiable = facts.unverifiable;
  const dockerfilePath = path.isAbsolute(req.dockerfile ?? "")
    ? path
        .relative(context, req.dockerfile as string)
        .split(path.sep)
        .join("/")
    : path.posix.normalize((req.dockerfile ?? "Dockerfile").replace(/\\/g, "/"));
  if (files.truncated) {
    unverifiable.push({
      topic: "dockerignore",
      reason: `the context has more than ${FILE_LIMIT} files; only the first were judged`,
    });
  }

  // Dockerfile
  const dockerfileText = files.read(dockerfilePath);
  if (dockerfileText === null) {
    unverifiable.push({
      topic: "dockerfile",
      reason: `Dockerfile ${dockerfilePath} is missing or unreadable in ${context}`,
    });
  } else {
    facts.dockerfile = readDockerfile(dockerfileText, dockerfilePath, req.target);
    for (const problem of facts.dockerfile.problems) {
      facts.broken.push({
        topic: "build",
        reason: `${dockerfilePath} does not parse as BuildKit reads it: ${problem.message}`,
        location: problem.location,
        failsBuild: true,
        unreadable: `${problem.location.file}:${problem.location.line} does not parse`,
      });
    }
  }

  // .dockerignore: BuildKit prefers <Dockerfile>.dockerignore next to the Dockerfile.
  const specific = `${dockerfilePath}.dockerignore`;
  const specificText = files.read(specific);
  const ignoreFile = specificText !== null ? specific : ".dockerignore";
  const ignoreText = specificText ?? files.read(".dockerignore");
  facts.dockerignore = judgeContext(
    ignoreText,
    ignoreFile,
    files.list(),
    [dockerfilePath, ignoreFile],
    files.truncated,
  );

  if (facts.dockerfile && !files.truncated) {
    for (const missing of missingCopySources(facts.dockerfile, facts.dockerignore.sentFiles)) {
      facts.broken.push({
        topic: "build",
        reason: `${missing.source} is not in the build context (or .dockerignore leaves it out), so the COPY fails and the image cannot be built`,
        location: missing.location,
        failsBuild: true,
      });
    }
  }

  // Django project layout
  facts.django = readDjangoProject(files);
  const stage = facts.dockerfile ? finalStage(facts.dockerfile) : null;
  facts.requirements = readRequirements(files, stage);
  for (const file of facts.requirements.files) {
    for (const problem of file.problems) {
      facts.broken.push({
        topic: "requirements",
        reason: file.installedInFinalStage
          ? `${file.file}:${problem.location.line} does not parse, so \`pip install -r\` stops on it: ${problem.reason}`
          : `${file.file}:${problem.location.line} does not parse (pip would stop on it): ${problem.reason}`,
        location: problem.location,
        failsBuild: file.installedInFinalStage,
      });
    }
  }
  facts.seedCommands = readSeedCommands(files);

  const railwayText = files.read("railway.json");
  if (railwayText !== null) {
    facts.railway = readRailway(railwayText, "railway.json");
    if (facts.railway.parseError) {
      unverifiable.push({
        topic: "railway",
        reason: `railway.json is not valid JSON: ${facts.railway.parseError}`,
        location: { file: "railway.json", line: 1 },
      });
    }
  }

  facts.entrypoint = await inspectEntrypoint(facts.dockerfile, files, unverifiable);
  facts.settings = await inspectSettings(facts, files, req.settingsModule, unverifiable, facts.broken);
  facts.managementCommands = readManagementCommands(files);
  const runtime = facts.settings.modules.find((m) => m.module === facts.settings.runtimeModule);
  if (runtime !== undefined) {
    const urlconf = runtime.settings.ROOT_URLCONF;
    const module =
      urlconf?.kind === "literal" && typeof urlconf.literal === "string" ? urlconf.literal : null;
    facts.urls = readUrlConfiguration(files, module, facts.django.sourceRoots, runtime.middleware);
    if (urlconf !== undefined && module === null) facts.urls.dynamic = true;
  }
  return facts;
}

async function inspectEntrypoint(
  dockerfile: DockerfileFacts | null,
  files: ContextFiles,
  unverifiable: Unverifiable[],
): Promise<EntrypointFacts | null> {
  if (!dockerfile) return null;
  const start = resolveStartScript(dockerfile, files.list());
  if (!start) {
    unverifiable.push({
      topic: "entrypoint",
      reason: `${dockerfile.file}: the final stage has no ENTRYPOINT or CMD`,
    });
    return null;
  }
  try {
    if (start.file) {
      const text = files.read(start.file);
      if (text === null) {
        unverifiable.push({
          topic: "entrypoint",
          reason: `start script ${start.file} is unreadable`,
          location: start.instruction ?? undefined,
        });
        return null;
      }
      const facts = await readEntrypointScript(text, { file: start.file }, start.startCommand);
      // `exec "$@"` runs the image's CMD: its steps (the server) follow the script's.
      if (start.cmd !== undefined && /"\$@"|\$@|\$\*/.test(text)) {
        const cmd = await readEntrypointScript(start.cmd.text, start.cmd.location, start.startCommand);
        return {
          ...facts,
          steps: [...facts.steps, ...cmd.steps],
          swallowedFailures: [...facts.swallowedFailures, ...cmd.swallowedFailures],
          servers: [...facts.servers, ...cmd.servers],
          outsideCalls: [...facts.outsideCalls, ...cmd.outsideCalls],
          logFiles: [...facts.logFiles, ...cmd.logFiles],
          resolvedFrom: start.instruction,
        };
      }
      return { ...facts, resolvedFrom: start.instruction };
    }
    const where = start.instruction ?? { file: dockerfile.file, line: 1 };
    const facts = await readEntrypointScript(start.inline ?? "", where, start.startCommand);
    return { ...facts, file: null, resolvedFrom: start.instruction };
  } catch (error) {
    unverifiable.push({
      topic: "entrypoint",
      reason: `could not read the start command: ${(error as Error).message}`,
      location: start.instruction ?? undefined,
    });
    return null;
  }
}

async function inspectSettings(
  facts: BuildContextFacts,
  files: ContextFiles,
  requested: string | undefined,
  unverifiable: Unverifiable[],
  broken: BrokenInput[],
): Promise<SettingsFacts> {
  const settings: SettingsFacts = {
    modules: [],
    runtimeModule: null,
    runtimeModuleSource: null,
    buildOnlyModules: [],
    routers: [],
  };
  const roots = facts.django.sourceRoots;
  const runtimeRefs = new Map<string, SourceLocation[]>();
  const buildRefs = new Map<string, SourceLocation[]>();
  const note = (map: Map<string, SourceLocation[]>, module: string, at: SourceLocation | null): void => {
    map.set(module, [...(map.get(module) ?? []), ...(at ? [at] : [])]);
  };

  const stage = facts.dockerfile ? finalStage(facts.dockerfile) : null;
  const envModule =
    facts.dockerfile && stage
      ? effectiveEnv(facts.dockerfile, stage)
          .filter((env) => env.name === "DJANGO_SETTINGS_MODULE")
          .pop()
      : undefined;
  const manageDefault = facts.django.managePy.find((entry) => entry.defaultSettings !== null);
  const wsgiDefault = facts.django.wsgi.find((entry) => entry.defaultSettings !== null);
  if (requested) {
    settings.runtimeModule = requested;
    settings.runtimeModuleSource = "request";
  } else if (envModule) {
    settings.runtimeModule = envModule.resolved;
    settings.runtimeModuleSource = "dockerfile-env";
  } else if (manageDefault?.defaultSettings) {
    settings.runtimeModule = manageDefault.defaultSettings;
    settings.runtimeModuleSource = "manage.py";
  } else if (wsgiDefault?.defaultSettings) {
    settings.runtimeModule = wsgiDefault.defaultSettings;
    settings.runtimeModuleSource = "wsgi";
  }
  if (settings.runtimeModule)
    note(runtimeRefs, settings.runtimeModule, envModule?.location ?? manageDefault?.location ?? null);
  if (envModule) note(runtimeRefs, envModule.resolved, envModule.location);
  for (const step of facts.entrypoint?.steps ?? []) {
    if (step.settings) note(runtimeRefs, step.settings, step.location);
  }
  for (const reference of facts.dockerfile?.buildSettingsReferences ?? [])
    note(buildRefs, reference.module, reference.location);

  // Nothing names the module, but manage.py / wsgi.py compute it: read what the function can return.
  const computed =
    runtimeRefs.size === 0
      ? [...facts.django.managePy, ...facts.django.wsgi].find((e) => e.settingsCandidates)?.settingsCandidates
      : undefined;
  const candidates = new Set(computed?.modules ?? []);
  const modules = new Set([...runtimeRefs.keys(), ...buildRefs.keys(), ...candidates]);
  if (modules.size === 0 && facts.django.managePy.length > 0) {
    unverifiable.push({
      topic: "settings",
      reason: "no settings module is named by the deployment, the Dockerfile, manage.py or wsgi.py",
    });
  }
  for (const module of modules) {
    let moduleFacts: SettingsModuleFacts;
    try {
      moduleFacts = await readSettingsModule(files, module, roots);
    } catch (error) {
      unverifiable.push({
        topic: "settings",
        reason: `could not read settings module ${module}: ${(error as Error).message}`,
      });
      continue;
    }
    moduleFacts.runtime = runtimeRefs.has(module);
    moduleFacts.buildOnly = !moduleFacts.runtime && buildRefs.has(module);
    const onlyCandidate = !moduleFacts.runtime && !moduleFacts.buildOnly;
    // A candidate is a string the function names; one that is no module is not a finding.
    if (onlyCandidate && !moduleFacts.exists) continue;
    moduleFacts.references =
      onlyCandidate && computed
        ? [computed.location]
        : [...(runtimeRefs.get(module) ?? []), ...(buildRefs.get(module) ?? [])];
    if (!moduleFacts.exists) {
      unverifiable.push({
        topic: "settings",
        reason: `settings module ${module} is not in the build context (looked for ${roots.map((r) => (r ? `${r}/` : "") + module.split(".").join("/") + ".py").join(", ")})`,
        location: moduleFacts.references[0],
      });
    }
    for (const at of moduleFacts.unparsed?.slice(0, 1) ?? []) {
      unverifiable.push({
        topic: "settings",
        reason: `${at.file} could not be parsed in time`,
        location: at,
      });
    }
    for (const at of moduleFacts.syntaxErrors.slice(0, 1)) {
      broken.push({
        topic: "settings-import",
        reason: `${at.file} has a Python syntax error, so importing ${module} fails and ${moduleFacts.buildOnly ? "the image cannot be built" : "the app cannot start"}`,
        location: at,
        failsBuild: moduleFacts.buildOnly,
        unreadable: `${at.file}:${at.line} does not parse`,
      });
    }
    settings.modules.push(moduleFacts);
  }
  settings.buildOnlyModules = settings.modules.filter((m) => m.buildOnly).map((m) => m.module);
  const read = settings.modules.filter((m) => candidates.has(m.module) && m.exists).map((m) => m.module);
  if (computed && read.length > 0) settings.candidates = { modules: read, location: computed.location };
  else if (computed && modules.size === candidates.size) {
    unverifiable.push({
      topic: "settings",
      reason: `${computed.location.file} computes the settings module, and none of the modules it names (${computed.modules.join(", ")}) is in the build context`,
      location: computed.location,
    });
  }
  const routerPaths = [
    ...new Set(
      settings.modules.filter((m) => m.runtime || candidates.has(m.module)).flatMap((m) => m.databaseRouters),
    ),
  ];
  try {
    settings.routers = await readRouters(files, routerPaths, roots);
  } catch (error) {
    unverifiable.push({
      topic: "settings",
      reason: `could not read database routers: ${(error as Error).message}`,
    });
  }
  for (const router of settings.routers) {
    if (!router.file || !resolveModule(files, router.module.split(".").slice(0, -1).join("."), roots)) {
      unverifiable.push({
        topic: "settings",
        reason: `database router ${router.module} is not in the build context`,
      });
    }
  }
  return settings;
}
