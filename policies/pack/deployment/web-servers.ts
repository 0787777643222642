/**
 * The application server each web workload starts, wherever it is written: the workload's own
 * command (a docker Container's entrypoints/command, a Container App's command/args), or, when
 * the workload runs its image's default command, the server the image's entrypoint starts.
 */
import type { BuildContextFacts, ServerStart } from "../inspect/facts";
import { serverInCommand, serverTarget, type ServerCommand } from "../inspect/server-command";
import { moduleCandidates } from "../inspect/settings";
import { inContext, unverifiable, type Finding, type Location } from "../rules/rule";
import { type AppBuilds, runsBuild } from "./app-builds";
import type { Deployment } from "./index";
import { propertyOf, type Workload } from "./workloads";

export interface WebServer {
  workload: Workload;
  server: ServerCommand;
  /** Where the server options are written: the resource property, or file:line in the context. */
  location: Location;
  /** The build context, when the server comes from the image. */
  facts?: BuildContextFacts;
  /** The environment the server starts with: the image's ENV overlaid by the workload's env. */
  env: Record<string, string>;
}

export interface WebServers {
  servers: WebServer[];
  /** Web workloads whose server could not be found or inspected. */
  unknown: Finding[];
  /** The application builds, for rules that also judge files. */
  builds: AppBuilds;
  /** The stack runs at least one web workload. */
  hasWeb: boolean;
}

export function webServers(deployment: Deployment): WebServers {
  const builds = deployment.builds;
  const servers: WebServer[] = [];
  const unknown: Finding[] = [];
  const web = deployment.withRole("web");
  for (const workload of web) {
    const own = serverInCommand(workload.argv, workload.knownEnv.GUNICORN_CMD_ARGS);
    if (own !== undefined) {
      const property = propertyOf(workload, "command");
      const build = builds.inspected.find((b) => runsBuild(b, workload));
      const env = { ...(build ? imageEnv(build.facts) : {}), ...workload.knownEnv };
      servers.push({ workload, server: own, location: { urn: workload.resource.urn, property }, env });
      continue;
    }
    const build = builds.inspected.find((b) => runsBuild(b, workload));
    const start = build?.facts.entrypoint?.servers[0];
    if (build !== undefined && start !== undefined) {
      servers.push({
        workload,
        server: fromFacts(start, workload.knownEnv.GUNICORN_CMD_ARGS),
        location: inContext(build.facts, start.location),
        facts: build.facts,
        env: { ...imageEnv(build.facts), ...workload.knownEnv },
      });
      continue;
    }
    const reason =
      build === undefined
        ? `"${workload.resource.name}" runs its image's own start command and the image cannot be inspected`
        : `no application server (gunicorn, uvicorn, ...) was found in the start command of "${workload.resource.name}"`;
    unknown.push(
      unverifiable(reason, { urn: workload.resource.urn, property: propertyOf(workload, "command") }),
    );
  }
  return { servers, unknown, builds, hasWeb: web.length > 0 };
}

/**
 * The module a web server imports (`config.wsgi` of `gunicorn config.wsgi:application`) and whether
 * its build context sends it (a WSGI/ASGI module the project reader found, or a file the dotted
 * name can live in under a source root); null when the server names none or the files are unknown.
 */
export function serverModule(
  deployment: Deployment,
  web: WebServer,
): { target: string; module: string; exists: boolean } | null {
  const found = deployment.factsOf(web.workload);
  if ("reason" in found) return null;
  const { facts } = found;
  const target = web.server.target;
  const sent = facts.dockerignore?.sentFiles;
  if (target === undefined || sent === undefined) return null;
  const module = target.split(":")[0];
  const files = new Set(sent);
  const exists =
    facts.django.wsgi.some((w) => w.module === module) ||
    moduleCandidates(module, [...facts.django.sourceRoots, ""]).some((f) => files.has(f));
  return { target, module, exists };
}

/** An entrypoint's server as a ServerCommand; GUNICORN_CMD_ARGS fills options the script leaves out. */
function fromFacts(start: ServerStart, cmdArgs: string | undefined): ServerCommand {
  const extra =
    start.server === "gunicorn" && cmdArgs !== undefined
      ? serverInCommand(["gunicorn", ...cmdArgs.split(/\s+/)])
      : undefined;
  return {
    server: start.server,
    bind: start.bind ?? extra?.bind ?? null,
    usesPortVariable: start.usesPortVariable || (start.bind === null && extra?.usesPortVariable === true),
    literalPort: start.literalPort ?? (start.bind === null ? (extra?.literalPort ?? null) : null),
    workers: start.workers ?? extra?.workers ?? null,
    threads: start.threads ?? extra?.threads ?? null,
    timeout: start.timeout ?? extra?.timeout ?? null,
    gracefulTimeout: start.gracefulTimeout ?? extra?.gracefulTimeout ?? null,
    accessLogfile: start.accessLogfile ?? extra?.accessLogfile ?? null,
    errorLogfile: start.errorLogfile ?? extra?.errorLogfile ?? null,
    configFile: extra?.configFile ?? null,
    target: serverTarget(start.command),
    viaShell: true,
  };
}

/** ENV in force in the image's final stage, following `FROM <stage>` inheritance. */
export function imageEnv(facts: BuildContextFacts): Record<string, string> {
  const dockerfile = facts.dockerfile;
  if (dockerfile === null) return {};
  const chain = [];
  let index: number | null = dockerfile.finalStageIndex;
  while (index !== null && index >= 0 && chain.length < dockerfile.stages.length) {
    const stage: (typeof dockerfile.stages)[number] | undefined = dockerfile.stages[index];
    if (stage === undefined) break;
    chain.unshift(stage);
    index = stage.parentStage;
  }
  const env: Record<string, string> = {};
  for (const stage of chain) for (const e of stage.env) env[e.name] = e.resolved;
  return env;
}

/**
 * A numeric option after `$VAR` / `${VAR:-default}` substitution from the container's env;
 * undefined when it stays unresolved or is not a number.
 */
export function resolveNumber(
  value: string | null,
  env: Readonly<Record<string, string>>,
): number | undefined {
  if (value === null) return undefined;
  const resolved = value.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (_m, braced, fallback, bare) => {
    const name = (braced ?? bare) as string;
    return env[name] ?? (fallback as string | undefined) ?? "\u0000";
  });
  if (resolved.includes("\u0000") || resolved.trim() === "") return undefined;
  const n = Number(resolved);
  return Number.isFinite(n) ? n : undefined;
}
