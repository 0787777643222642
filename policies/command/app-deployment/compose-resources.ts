/**
 * A compose project as the resources the bundled Docker target registers, so the same rules judge
 * an app's own `docker compose` deployment: each service a `docker:index/container:Container`
 * (its build a `docker:index/image:Image`), each network a `Network`, each named volume a `Volume`,
 * with the inputs `@pulumi/docker` would receive for the same container, and a source map from
 * (resource, property) to the compose file:line that set it.
 *
 * Compose semantics carried over (compose-spec services reference):
 * - a string `command`/`entrypoint` is split into argv the way compose splits it (shell words, no
 *   shell); `entrypoint` set without `command` drops the image's CMD, as compose does;
 * - a `depends_on` with `service_completed_successfully` makes the dependency a one-shot whose
 *   success gates the dependent (the target's ONE_SHOT_JOB shape); `service_healthy` makes the
 *   dependency waited for until healthy (`wait: true`);
 * - services join `<project>_default` unless they name networks; every service answers to its
 *   name on its networks;
 * - named volumes outlive `docker compose down` and redeploys (only `down --volumes` deletes
 *   them), so they are registered protected: the analyzer's view of "kept on delete";
 * - `stop_grace_period` (10 s by default) bounds both `docker stop` and a recreate, so it sets
 *   `stopTimeout` and `destroyGraceSeconds` alike;
 * - `deploy.replicas` (or `scale`) is carried as the label `com.docker.compose.replicas`.
 */

import * as path from "path";
import { parse as parseShell } from "shell-quote";
import {
  COMPOSE_DEFAULTED_ENV_LABEL,
  COMPOSE_REPLICAS_LABEL,
  COMPOSE_SERVICE_LABEL,
  UNKNOWN,
} from "../../protocol";
import type { ComposeProject } from "./compose";
import { mountTarget, splitVolume } from "./compose-merge";
import { entry, text, texts, type SourceLine, type YamlNode } from "./yaml-tree";
import {
  STACK_TYPE,
  stackUrn,
  type ProgramRun,
  defaultResourceOptions,
  type Registration,
  type WireObject,
} from "../offline/registration";

export const TYPES = {
  container: "docker:index/container:Container",
  image: "docker:index/image:Image",
  network: "docker:index/network:Network",
  volume: "docker:index/volume:Volume",
} as const;

export const REPLICAS_LABEL = COMPOSE_REPLICAS_LABEL;
/** Env names whose value is a compose-written default (see protocol.ts). */
export const DEFAULTED_ENV_LABEL = COMPOSE_DEFAULTED_ENV_LABEL;

/** (resource URN) -> property path -> where compose set it; `""` is the resource's own line. */
export type SourceMap = Map<string, Map<string, SourceLine>>;

export interface ComposeResources {
  run: ProgramRun;
  sourceMap: SourceMap;
  /** Service name -> container URN. */
  containers: Map<string, string>;
}

const DOCKER_VERSION = "4.8.0";
const DEFAULT_STOP_GRACE_SECONDS = 10;

export function composeResources(project: ComposeProject, stack = "compose"): ComposeResources {
  const name = composeProjectName(project);
  const run: ProgramRun = { project: name, stack, organization: "organization", registrations: [] };
  const sourceMap: SourceMap = new Map();
  const root = stackUrn(name, stack);
  run.registrations.push(
    registration({ urn: root, type: STACK_TYPE, name: `${name}-${stack}`, custom: false, parent: "" }),
  );
  const urnOf = (type: string, resource: string) => `urn:pulumi:${stack}::${name}::${type}::${resource}`;
  const locate = (urn: string, property: string, loc: SourceLine | undefined) => {
    if (loc === undefined) return;
    const map = sourceMap.get(urn) ?? new Map<string, SourceLine>();
    if (!map.has(property)) map.set(property, loc);
    sourceMap.set(urn, map);
  };

  // Networks and volumes first: containers depend on them.
  const networkUrns = new Map<string, string>();
  const usedNetworks = new Set<string>();
  for (const service of project.services.values()) {
    const networks = entry(service, "networks");
    if (networks?.kind === "map" && networks.entries.size > 0)
      for (const n of networks.entries.keys()) usedNetworks.add(n);
    else if (text(entry(service, "network_mode")) === undefined) usedNetworks.add("default");
  }
  for (const network of usedNetworks) {
    const spec = project.networks.get(network);
    const urn = urnOf(TYPES.network, network);
    networkUrns.set(network, urn);
    const inputs: WireObject = {
      name: text(entry(spec, "name")) ?? `${name}_${network}`,
      internal: bool(entry(spec, "internal")) ?? false,
      driver: text(entry(spec, "driver")) ?? "bridge",
    };
    // The implicit `default` network has no line of its own: point at the first service on it.
    const firstUser = [...project.services.values()].find((s) => {
      const joined = entry(s, "networks");
      return joined?.kind === "map" && joined.entries.size > 0
        ? joined.entries.has(network)
        : network === "default";
    });
    locate(urn, "", spec?.loc ?? firstUser?.loc);
    locate(urn, "internal", entry(spec, "internal")?.loc ?? spec?.loc ?? firstUser?.loc);
    run.registrations.push(registration({ urn, type: TYPES.network, name: network, parent: root, inputs }));
  }
  const volumeUrns = new Map<string, string>();
  for (const [volume, spec] of project.volumes) {
    const urn = urnOf(TYPES.volume, volume);
    volumeUrns.set(volume, urn);
    locate(urn, "", spec.loc);
    run.registrations.push(
      registration({
        urn,
        type: TYPES.volume,
        name: volume,
        parent: root,
        inputs: { name: text(entry(spec, "name")) ?? `${name}_${volume}` },
        protect: true,
      }),
    );
  }

  const containerUrns = new Map<string, string>();
  for (const service of project.services.keys()) containerUrns.set(service, urnOf(TYPES.container, service));
  const oneShots = new Set<string>();
  const awaitedHealthy = new Set<string>();
  for (const service of project.services.values()) {
    const deps = entry(service, "depends_on");
    if (deps?.kind !== "map") continue;
    for (const [dep, options] of deps.entries) {
      const condition = text(entry(options, "condition"));
      if (condition === "service_completed_successfully") oneShots.add(dep);
      if (condition === "service_healthy") awaitedHealthy.add(dep);
    }
  }

  for (const [serviceName, service] of project.services) {
    const urn = containerUrns.get(serviceName) as string;
    const here = (property: string, node: YamlNode | undefined) => locate(urn, property, node?.loc);
    here("", service);
    const inputs: WireObject = { name: text(entry(service, "container_name")) ?? `${name}-${serviceName}-1` };
    const dependencies: string[] = [];
    const propertyDependencies: Record<string, string[]> = {};

    const build = entry(service, "build");
    const imageName = text(entry(service, "image")) ?? `${name}-${serviceName}`;
    inputs.image = imageName;
    here("image", entry(service, "image") ?? build);
    if (build?.kind === "map") {
      const imageUrn = urnOf(TYPES.image, serviceName);
      const context = path.resolve(project.projectDir, text(entry(build, "context")) ?? ".");
      const buildInputs: WireObject = { context };
      const dockerfile = text(entry(build, "dockerfile"));
      if (dockerfile !== undefined) buildInputs.dockerfile = dockerfile;
      const target = text(entry(build, "target"));
      if (target !== undefined) buildInputs.target = target;
      const args = entry(build, "args");
      if (args?.kind === "map" && args.entries.size > 0) {
        const values: WireObject = {};
        for (const [arg, value] of args.entries) {
          values[arg] = text(value) ?? UNKNOWN;
          locate(imageUrn, `build.args.${arg}`, value.loc);
        }
        buildInputs.args = values;
      }
      locate(imageUrn, "", build.loc);
      for (const key of ["context", "dockerfile", "target"])
        locate(imageUrn, `build.${key}`, entry(build, key)?.loc ?? build.loc);
      run.registrations.push(
        registration({
          urn: imageUrn,
          type: TYPES.image,
          name: serviceName,
          parent: root,
          inputs: { imageName, build: buildInputs, skipPush: true },
        }),
      );
      dependencies.push(imageUrn);
      propertyDependencies.image = [imageUrn];
    }

    const entrypoint = entry(service, "entrypoint");
    const command = entry(service, "command");
    if (entrypoint !== undefined) {
      inputs.entrypoints = argv(entrypoint);
      here("entrypoints", entrypoint);
    }
    if (command !== undefined) {
      inputs.command = argv(command);
      here("command", command);
    }

    const environment = entry(service, "environment");
    if (environment?.kind === "map" && environment.entries.size > 0) {
      inputs.envs = [...environment.entries].map(([key, value]) => `${key}=${text(value) ?? UNKNOWN}`);
      here("envs", environment);
      for (const [key, value] of environment.entries) here(`envs.${key}`, value);
    }

    const ports = [...portsOf(entry(service, "ports"))];
    if (ports.length > 0) {
      inputs.ports = ports.map((p) => p.port);
      ports.forEach((p, i) => here(`ports[${i}]`, p.node));
      here("ports", entry(service, "ports"));
    }

    const volumes: WireObject[] = [];
    const tmpfs: WireObject = {};
    const volumeNodes = entry(service, "volumes");
    if (volumeNodes?.kind === "seq") {
      for (const node of volumeNodes.items) {
        const mount = mountOf(node, project.projectDir, (v) =>
          project.volumes.has(v) ? (text(entry(project.volumes.get(v), "name")) ?? `${name}_${v}`) : v,
        );
        if (mount === undefined) continue;
        if (mount.kind === "tmpfs") tmpfs[mount.target] = mount.options;
        else {
          here(`volumes[${volumes.length}]`, node);
          volumes.push(mount.volume);
          if (mount.named !== undefined && volumeUrns.has(mount.named))
            dependencies.push(volumeUrns.get(mount.named) as string);
        }
      }
      here("volumes", volumeNodes);
    }
    if (volumes.length > 0) inputs.volumes = volumes;
    for (const spec of texts(entry(service, "tmpfs"))) {
      const [target, ...options] = spec.split(":");
      tmpfs[target] = options.join(":");
    }
    if (Object.keys(tmpfs).length > 0) {
      inputs.tmpfs = tmpfs;
      here("tmpfs", entry(service, "tmpfs") ?? volumeNodes);
    }

    const networkMode = text(entry(service, "network_mode"));
    if (networkMode !== undefined) {
      inputs.networkMode = networkMode;
      here("networkMode", entry(service, "network_mode"));
    } else {
      const networks = entry(service, "networks");
      const joined =
        networks?.kind === "map" && networks.entries.size > 0
          ? [...networks.entries]
          : ([["default", undefined]] as const);
      inputs.networksAdvanced = joined.map(([network, options]) => {
        const networkUrn = networkUrns.get(network);
        if (networkUrn !== undefined) dependencies.push(networkUrn);
        const networkName = text(entry(project.networks.get(network), "name")) ?? `${name}_${network}`;
        return { name: networkName, aliases: [serviceName, ...texts(entry(options, "aliases"))] };
      });
      here("networksAdvanced", networks);
    }

    const healthcheck = healthcheckOf(entry(service, "healthcheck"));
    if (healthcheck !== undefined) {
      inputs.healthcheck = healthcheck;
      here("healthcheck", entry(service, "healthcheck"));
      here(
        "healthcheck.tests",
        entry(entry(service, "healthcheck"), "test") ?? entry(service, "healthcheck"),
      );
      here(
        "healthcheck.startPeriod",
        entry(entry(service, "healthcheck"), "start_period") ?? entry(service, "healthcheck"),
      );
    }

    const restart = text(entry(service, "restart"));
    inputs.restart = restart ?? "no";
    here("restart", entry(service, "restart"));
    // Set only when the file sets them: the provider's defaults are the engine's unset values.
    const optional: [string, string, (node: YamlNode | undefined) => string | boolean | undefined][] = [
      ["user", "user", text],
      ["readOnly", "read_only", bool],
      ["privileged", "privileged", bool],
    ];
    for (const [property, key, read] of optional) {
      const value = read(entry(service, key));
      if (value === undefined) continue;
      inputs[property] = value;
      here(property, entry(service, key));
    }
    const drops = texts(entry(service, "cap_drop"));
    const adds = texts(entry(service, "cap_add"));
    if (drops.length > 0 || adds.length > 0) {
      inputs.capabilities = { ...(drops.length > 0 ? { drops } : {}), ...(adds.length > 0 ? { adds } : {}) };
      here("capabilities", entry(service, "cap_drop") ?? entry(service, "cap_add"));
      here("capabilities.drops", entry(service, "cap_drop"));
      here("capabilities.adds", entry(service, "cap_add"));
    }
    const securityOpts = texts(entry(service, "security_opt"));
    if (securityOpts.length > 0) {
      inputs.securityOpts = securityOpts;
      here("securityOpts", entry(service, "security_opt"));
    }
    const hostname = text(entry(service, "hostname"));
    if (hostname !== undefined) inputs.hostname = hostname;

    const limits = entry(entry(entry(service, "deploy"), "resources"), "limits");
    const memory = bytes(text(entry(limits, "memory")) ?? text(entry(service, "mem_limit")));
    if (memory !== undefined) {
      inputs.memory = Math.floor(memory / (1024 * 1024));
      here("memory", entry(limits, "memory") ?? entry(service, "mem_limit"));
    }
    const cpus = text(entry(limits, "cpus")) ?? text(entry(service, "cpus"));
    if (cpus !== undefined) {
      inputs.cpus = cpus;
      here("cpus", entry(limits, "cpus") ?? entry(service, "cpus"));
    }

    const grace = seconds(text(entry(service, "stop_grace_period"))) ?? DEFAULT_STOP_GRACE_SECONDS;
    inputs.stopTimeout = grace;
    inputs.destroyGraceSeconds = grace;
    here("stopTimeout", entry(service, "stop_grace_period"));
    here("destroyGraceSeconds", entry(service, "stop_grace_period"));

    const logging = entry(service, "logging");
    const driver = text(entry(logging, "driver"));
    if (driver !== undefined) inputs.logDriver = driver;
    const logOptions = entry(logging, "options");
    if (logOptions?.kind === "map") {
      const opts: WireObject = {};
      for (const [k, v] of logOptions.entries) opts[k] = text(v) ?? "";
      inputs.logOpts = opts;
    }
    here("logDriver", entry(logging, "driver") ?? logging);
    here("logOpts", logOptions ?? logging);

    const labels: WireObject[] = [{ label: COMPOSE_SERVICE_LABEL, value: serviceName }];
    const ownLabels = entry(service, "labels");
    if (ownLabels?.kind === "map")
      for (const [label, value] of ownLabels.entries) labels.push({ label, value: text(value) ?? "" });
    const defaulted =
      environment?.kind === "map"
        ? [...environment.entries]
            .filter(([, v]) => v.kind === "scalar" && v.defaulted !== undefined)
            .map(([k]) => k)
        : [];
    if (defaulted.length > 0) labels.push({ label: DEFAULTED_ENV_LABEL, value: defaulted.join(",") });
    const replicas = text(entry(entry(service, "deploy"), "replicas")) ?? text(entry(service, "scale"));
    if (replicas !== undefined) {
      labels.push({ label: REPLICAS_LABEL, value: replicas });
      here("labels", entry(entry(service, "deploy"), "replicas") ?? entry(service, "scale"));
    }
    inputs.labels = labels;

    if (oneShots.has(serviceName)) {
      // What compose does for a dependency that must complete: wait for its exit, gate on 0.
      Object.assign(inputs, { attach: true, mustRun: false, rm: false, logs: true });
      if (restart === undefined) inputs.restart = "no";
    }
    if (awaitedHealthy.has(serviceName)) inputs.wait = true;

    const deps = entry(service, "depends_on");
    if (deps?.kind === "map") {
      for (const dep of deps.entries.keys()) {
        const depUrn = containerUrns.get(dep);
        if (depUrn !== undefined) dependencies.push(depUrn);
      }
    }
    run.registrations.push(
      registration({
        urn,
        type: TYPES.container,
        name: serviceName,
        parent: root,
        inputs,
        dependencies: [...new Set(dependencies)],
        propertyDependencies,
      }),
    );
  }
  // The engine steps through resources in dependency order; keep each after what it depends on.
  run.registrations = dependencyOrder(run.registrations);
  return { run, sourceMap, containers: containerUrns };
}

/** The compose project name: `name:` in the files, else the project directory's name (lower-cased). */
export function composeProjectName(project: ComposeProject): string {
  if (project.name !== undefined) return project.name;
  const base = path
    .basename(project.projectDir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "");
  return base === "" ? "app" : base;
}

export interface RegistrationSpec {
  urn: string;
  type: string;
  name: string;
  custom?: boolean;
  parent: string;
  inputs?: WireObject;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
}

/** A resource the command translated from the app's own deployment files, registered as the SDK would. */
export function registration(spec: RegistrationSpec): Registration {
  const custom = spec.custom ?? true;
  return {
    urn: spec.urn,
    type: spec.type,
    name: spec.name,
    custom,
    parent: spec.parent,
    dependencies: spec.dependencies ?? [],
    propertyDependencies: spec.propertyDependencies ?? {},
    provider: "",
    version: custom ? DOCKER_VERSION : "",
    inputs: spec.inputs ?? {},
    options: { ...defaultResourceOptions(), protect: spec.protect ?? false },
    id: custom ? UNKNOWN : "",
  };
}

function dependencyOrder(registrations: Registration[]): Registration[] {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const ordered: Registration[] = [];
  const placed = new Set<string>();
  const visit = (r: Registration, chain: Set<string>) => {
    if (placed.has(r.urn) || chain.has(r.urn)) return;
    chain.add(r.urn);
    for (const dep of r.dependencies) {
      const d = byUrn.get(dep);
      if (d !== undefined) visit(d, chain);
    }
    placed.add(r.urn);
    ordered.push(r);
  };
  for (const r of registrations) visit(r, new Set());
  return ordered;
}

function bool(node: YamlNode | undefined): boolean | undefined {
  if (node?.kind !== "scalar") return undefined;
  if (typeof node.value === "boolean") return node.value;
  if (node.value === "true") return true;
  if (node.value === "false") return false;
  return undefined;
}

/** Compose splits a string command into words as a shell would, without running a shell. */
function argv(node: YamlNode): string[] {
  if (node.kind === "seq") return texts(node);
  const spec = text(node);
  if (spec === undefined) return [];
  return parseShell(spec, (name) => "$" + name).map((token) =>
    typeof token === "string" ? token : "op" in token ? (token.op === "glob" ? token.pattern : token.op) : "",
  );
}

function* portsOf(node: YamlNode | undefined): Generator<{ port: WireObject; node: YamlNode }> {
  if (node?.kind !== "seq") return;
  for (const item of node.items) {
    if (item.kind === "map") {
      const internal = Number(text(entry(item, "target")));
      if (!Number.isFinite(internal)) continue;
      const published = text(entry(item, "published"));
      const port: WireObject = { internal, protocol: text(entry(item, "protocol")) ?? "tcp" };
      if (published !== undefined) port.external = Number(published.split("-")[0]);
      const ip = text(entry(item, "host_ip"));
      port.ip = ip ?? "0.0.0.0";
      yield { port, node: item };
      continue;
    }
    const spec = text(item);
    if (spec === undefined) continue;
    const [binding, protocol = "tcp"] = spec.split("/");
    const parts = binding.split(":");
    const internal = Number(parts[parts.length - 1].split("-")[0]);
    if (!Number.isFinite(internal)) continue;
    const port: WireObject = {
      internal,
      protocol,
      ip: parts.length === 3 ? parts[0] || "0.0.0.0" : "0.0.0.0",
    };
    if (parts.length >= 2 && parts[parts.length - 2] !== "")
      port.external = Number(parts[parts.length - 2].split("-")[0]);
    yield { port, node: item };
  }
}

type Mount =
  { kind: "volume"; volume: WireObject; named?: string } | { kind: "tmpfs"; target: string; options: string };

function mountOf(
  node: YamlNode,
  projectDir: string,
  volumeName: (name: string) => string,
): Mount | undefined {
  const target = mountTarget(node);
  if (target === undefined) return undefined;
  let type: string | undefined;
  let source: string | undefined;
  let readOnly = false;
  if (node.kind === "map") {
    type = text(entry(node, "type"));
    source = text(entry(node, "source"));
    readOnly = bool(entry(node, "read_only")) ?? false;
    if (type === "tmpfs") {
      const size = text(entry(entry(node, "tmpfs"), "size"));
      return { kind: "tmpfs", target, options: size === undefined ? "" : `size=${size}` };
    }
  } else {
    const parts = splitVolume(text(node) ?? "");
    if (parts.length >= 2) source = parts[0];
    readOnly = (parts[2] ?? "").split(",").includes("ro");
  }
  if (source === undefined || source === "")
    return { kind: "volume", volume: { containerPath: target, readOnly } };
  const bind = type === "bind" || /^[./~]/.test(source) || path.isAbsolute(source);
  if (bind) {
    const hostPath = source.startsWith("~") ? source : path.resolve(projectDir, source);
    return { kind: "volume", volume: { hostPath, containerPath: target, readOnly } };
  }
  return {
    kind: "volume",
    volume: { volumeName: volumeName(source), containerPath: target, readOnly },
    named: source,
  };
}

const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/** Compose byte values: `512m`, `1G`, `1073741824`. */
function bytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = UNITS[match[2].toLowerCase() || "b"];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

/** Compose durations: `1m30s`, `10s`, `500ms`, `1h`. */
export function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  if (parts.length === 0) return Number.isFinite(Number(value)) ? Number(value) : undefined;
  const scale: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 };
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * scale[unit], 0);
}

function healthcheckOf(node: YamlNode | undefined): WireObject | undefined {
  if (node?.kind !== "map") return undefined;
  if (bool(entry(node, "disable")) === true) return { tests: ["NONE"] };
  const test = entry(node, "test");
  if (test === undefined) return undefined;
  const tests = test.kind === "seq" ? texts(test) : ["CMD-SHELL", text(test) ?? ""];
  const check: WireObject = { tests };
  for (const [key, property] of [
    ["interval", "interval"],
    ["timeout", "timeout"],
    ["start_period", "startPeriod"],
    ["start_interval", "startInterval"],
  ] as const) {
    const value = text(entry(node, key));
    if (value !== undefined) check[property] = value;
  }
  const retries = text(entry(node, "retries"));
  if (retries !== undefined) check.retries = Number(retries);
  return check;
}
