/**
 * Required settings the deployment never supplies: a variable the runtime settings read with
 * `os.environ[...]` or a require helper, outside any branch taken only when something optional is
 * set, that a web or release workload running those settings does not get from its env, its
 * image's ENV or its start command. Django imports the settings before anything else, so that
 * workload stops at start (KeyError or ImproperlyConfigured naming the variable). This is the
 * reviewer's link across files: "the settings read a variable that no service sets".
 *
 * What cannot be seen is said: a workload with an env entry unknown during preview, or an env_file
 * outside the repository, may get the variable there (could not verify, naming it). A start script
 * that sources a file, an unreadable env list, or settings that load a dotenv file may supply
 * anything, and leave nothing to say about a particular variable: those are not judged.
 */
import { inContext, unverifiable, violation, type Finding, type Location } from "../rules/rule";
import type { Deployment } from "./index";
import { stageChain } from "./image-facts";
import { runtimeModules } from "./setting-values";
import { envProperty, misshapenAt, propertyOf, unknownEnv, type Workload } from "./workloads";

export interface UnsuppliedSetting {
  name: string;
  /** The first place the settings require it. */
  read: Location;
  /** The workloads that start without it. */
  workloads: Workload[];
  /** Why it cannot be told of others (an env entry unknown in preview, an env_file not here). */
  unknown: Finding[];
}

/** Variables the container runtime sets in every container, whatever the deployment says. */
const RUNTIME_VARIABLES: Record<Workload["platform"], ReadonlySet<string>> = {
  docker: new Set(["HOME", "HOSTNAME", "PATH"]),
  // Container Apps adds its own (learn.microsoft.com: "Built-in environment variables").
  azure: new Set([
    "HOME",
    "HOSTNAME",
    "PATH",
    "CONTAINER_APP_NAME",
    "CONTAINER_APP_REVISION",
    "CONTAINER_APP_HOSTNAME",
    "CONTAINER_APP_ENV_DNS_SUFFIX",
    "CONTAINER_APP_PORT",
    "CONTAINER_APP_REPLICA_NAME",
    "CONTAINER_APP_JOB_NAME",
    "CONTAINER_APP_JOB_EXECUTION_NAME",
  ]),
};

const APP_ROLES = new Set(["web", "release"]);

export function unsuppliedSettings(deployment: Deployment): UnsuppliedSetting[] {
  const byName = new Map<string, UnsuppliedSetting>();
  for (const workload of deployment.workloads) {
    if (!APP_ROLES.has(workload.role) || misshapenAt(workload, envProperty(workload)).length > 0) continue;
    const found = deployment.factsOf(workload);
    if ("reason" in found) continue;
    const facts = found.facts;
    const modules = runtimeModules(facts);
    const unread = (m: (typeof modules)[number]) =>
      m.syntaxErrors.length > 0 || (m.unparsed?.length ?? 0) > 0;
    if (modules.length === 0 || modules.some((m) => m.envFileLoads.length > 0 || unread(m))) continue;
    const script = deployment.startCommandOf(workload).environment;
    const entrypoint = facts.entrypoint?.environment;
    if (script.open || entrypoint?.open === true) continue;
    const supplied = new Set([
      ...Object.keys(workload.env),
      ...stageChain(facts).flatMap((stage) => stage.env.map((e) => e.name)),
      ...script.assigned,
      ...(entrypoint?.assigned ?? []),
      ...RUNTIME_VARIABLES[workload.platform],
    ]);
    for (const module of modules) {
      for (const read of module.envReads) {
        if (!read.required || read.conditional === true || supplied.has(read.name)) continue;
        const setting = byName.get(read.name) ?? {
          name: read.name,
          read: inContext(facts, read.location),
          workloads: [],
          unknown: [],
        };
        byName.set(read.name, setting);
        const hidden = unknownEnv(workload, read.name) ?? fromOutside(workload, read.name);
        if (hidden !== undefined) {
          if (!setting.unknown.some((f) => f.location?.urn === workload.resource.urn))
            setting.unknown.push(hidden);
        } else if (!setting.workloads.includes(workload)) setting.workloads.push(workload);
      }
    }
  }
  return [...byName.values()];
}

function fromOutside(workload: Workload, name: string): Finding | undefined {
  if (workload.envFromOutside === undefined) return undefined;
  return unverifiable(`"${workload.resource.name}" may get ${name} from ${workload.envFromOutside}.`, {
    urn: workload.resource.urn,
    property: propertyOf(workload, envProperty(workload)),
  });
}

/** The finding for the settings in `names` that a workload starts without. */
export function unsuppliedFindings(deployment: Deployment, names: (name: string) => boolean): Finding[] {
  return deployment.unsuppliedSettings
    .filter((setting) => names(setting.name))
    .flatMap(({ name, read, workloads, unknown }) => {
      if (workloads.length === 0) return unknown;
      const who = workloads.map((w) => `"${w.resource.name}"`).join(", ");
      return [
        violation(
          `The settings require ${name}, but ${who} never ${workloads.length === 1 ? "gets" : "get"} it: it is not in ` +
            "the env, the image's ENV or the start command, so Django stops at start with an error naming " +
            `${name}. Set it where the deployment sets the other variables (as a secret if it is one).`,
          read,
        ),
        ...unknown,
      ];
    });
}
