/**
 * A compose project as `docker compose -f <file>... config` would see it, with every value still
 * located at its file:line: each file read (anchors and merge keys resolved), interpolated from
 * the project's `.env`, normalized (both spellings of `environment`, `depends_on`, `networks`,
 * `build` become mappings), its `extends` applied, then merged in order; services outside the
 * active profiles are left out, as `docker compose up` leaves them out.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseDotenv } from "dotenv";
import { UNSEEN_ENV_LABEL } from "../../protocol";
import { interpolate } from "./interpolation";
import { mergeSection, mergeService } from "./compose-merge";
import {
  ComposeFileError,
  entry,
  mapNode,
  readYamlTree,
  scalarNode,
  text,
  texts,
  type MapNode,
  type SourceLine,
  type YamlNode,
} from "./yaml-tree";

export interface ComposeProject {
  /** Absolute paths, in merge order. */
  files: string[];
  /** The top-level `name:`, when a file sets one. */
  name?: string;
  /** The first file's directory: relative paths in every file resolve from here. */
  projectDir: string;
  /** Variables from the project's `.env` (interpolation only). */
  variables: Record<string, string>;
  /** Merged services that `docker compose up` starts. */
  services: Map<string, MapNode>;
  /** Services left out because none of their profiles is active. */
  inactive: string[];
  networks: Map<string, MapNode>;
  volumes: Map<string, MapNode>;
  /** What a reader of the report must know about the files (an env_file not in the repository). */
  notes: string[];
}

export interface ComposeOptions {
  /** Active profiles; default COMPOSE_PROFILES from `.env`, else none. */
  profiles?: string[];
}

export function loadCompose(files: readonly string[], options: ComposeOptions = {}): ComposeProject {
  if (files.length === 0) throw new ComposeFileError("no compose file to load");
  const absolute = files.map((f) => path.resolve(f));
  const projectDir = path.dirname(absolute[0]);
  const variables = readDotenv(path.join(projectDir, ".env"));
  const notes: string[] = [];
  const trees = absolute.map((file) => loadFile(file, variables, projectDir, notes));
  let name: string | undefined;
  let services = new Map<string, MapNode>();
  const sections: Record<"networks" | "volumes", Map<string, MapNode>> = {
    networks: new Map(),
    volumes: new Map(),
  };
  for (const tree of trees) {
    name = text(entry(tree, "name")) ?? name;
    for (const [serviceName, service] of children(entry(tree, "services"))) {
      const previous = services.get(serviceName);
      services.set(serviceName, previous === undefined ? service : mergeService(previous, service));
    }
    for (const section of ["networks", "volumes"] as const) {
      for (const [name, value] of children(entry(tree, section))) {
        const previous = sections[section].get(name);
        sections[section].set(name, previous === undefined ? value : mergeSection(previous, value));
      }
    }
  }
  const active = new Set(
    options.profiles ??
      (variables.COMPOSE_PROFILES ?? "")
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
  );
  const inactive: string[] = [];
  services = new Map(
    [...services].filter(([serviceName, service]) => {
      const profiles = texts(entry(service, "profiles"));
      const runs = profiles.length === 0 || profiles.some((p) => active.has(p));
      if (!runs) inactive.push(serviceName);
      return runs;
    }),
  );
  return { files: absolute, name, projectDir, variables, services, inactive, ...sections, notes };
}

function children(node: YamlNode | undefined): [string, MapNode][] {
  if (node?.kind !== "map") return [];
  return [...node.entries].map(([name, value]) => [
    name,
    value.kind === "map" ? value : mapNode(new Map(), value.loc),
  ]);
}

function readDotenv(file: string): Record<string, string> {
  try {
    return parseDotenv(fs.readFileSync(file, "utf8"));
  } catch {
    return {};
  }
}

/** One file: read, interpolated, its services normalized and their `extends` applied. */
function loadFile(
  file: string,
  variables: Record<string, string>,
  projectDir: string,
  notes: string[],
  seen: readonly string[] = [],
): MapNode {
  const raw = readYamlTree(file);
  if (raw.kind !== "map") throw new ComposeFileError(`${file}:${raw.loc.line}: a compose file is a mapping`);
  const tree = interpolateTree(raw, variables) as MapNode;
  const services = entry(tree, "services");
  if (services !== undefined && services.kind !== "map") {
    throw new ComposeFileError(`${file}:${services.loc.line}: services must be a mapping`);
  }
  if (services === undefined) return tree;
  const normalized = new Map<string, YamlNode>();
  for (const [name, service] of children(services)) {
    normalized.set(name, normalizeService(service, projectDir, notes));
  }
  const resolved = new Map<string, YamlNode>();
  const resolve = (name: string, chain: readonly string[]): MapNode => {
    const done = resolved.get(name);
    if (done !== undefined) return done as MapNode;
    const service = normalized.get(name) as MapNode;
    const extended = applyExtends(name, service, chain, (base) => {
      if (!normalized.has(base)) return undefined;
      return resolve(base, [...chain, name]);
    });
    resolved.set(name, extended);
    return extended;
  };
  for (const name of normalized.keys()) resolve(name, seen);
  return { ...tree, entries: new Map(tree.entries).set("services", { ...services, entries: resolved }) };

  function applyExtends(
    name: string,
    service: MapNode,
    chain: readonly string[],
    local: (base: string) => MapNode | undefined,
  ): MapNode {
    const spec = entry(service, "extends");
    if (spec === undefined) return service;
    const baseName = text(entry(spec, "service"));
    const where = `${spec.loc.file}:${spec.loc.line}`;
    if (baseName === undefined) throw new ComposeFileError(`${where}: extends needs a service`);
    if (chain.includes(name)) throw new ComposeFileError(`${where}: extends loops back to "${name}"`);
    const baseFile = text(entry(spec, "file"));
    let base: MapNode | undefined;
    if (baseFile === undefined) base = local(baseName);
    else {
      const other = path.resolve(path.dirname(file), baseFile);
      const otherTree = loadFile(other, variables, projectDir, notes, [...chain, name]);
      const found = entry(entry(otherTree, "services"), baseName);
      base = found?.kind === "map" ? found : undefined;
    }
    if (base === undefined) {
      throw new ComposeFileError(`${where}: extends names service "${baseName}", which does not exist`);
    }
    const own = new Map(service.entries);
    own.delete("extends");
    return mergeService(base, { ...service, entries: own });
  }
}

function interpolateTree(node: YamlNode, variables: Record<string, string>): YamlNode {
  if (node.kind === "scalar") {
    if (typeof node.value !== "string") return node;
    const result = interpolate(node.value, variables);
    return {
      ...node,
      value: result.value,
      ...(result.defaulted.length > 0 ? { defaulted: result.defaulted } : {}),
    };
  }
  if (node.kind === "seq") return { ...node, items: node.items.map((i) => interpolateTree(i, variables)) };
  const entries = new Map<string, YamlNode>();
  for (const [key, value] of node.entries) entries.set(key, interpolateTree(value, variables));
  return { ...node, entries };
}

/** `KEY=VALUE` lists and mappings alike become a mapping of scalars (null: taken from the shell). */
function keyValues(node: YamlNode): MapNode {
  if (node.kind === "map") {
    const entries = new Map<string, YamlNode>();
    for (const [key, value] of node.entries) {
      const v = value.kind === "scalar" && value.value !== null ? String(value.value) : null;
      const defaulted = value.kind === "scalar" ? value.defaulted : undefined;
      entries.set(key, { ...scalarNode(v, value.loc), tag: value.tag, ...(defaulted ? { defaulted } : {}) });
    }
    return { ...node, entries };
  }
  const entries = new Map<string, YamlNode>();
  if (node.kind === "seq") {
    for (const item of node.items) {
      const spec = text(item);
      if (spec === undefined) continue;
      const eq = spec.indexOf("=");
      const defaulted = item.kind === "scalar" ? item.defaulted : undefined;
      entries.set(eq < 0 ? spec : spec.slice(0, eq), {
        ...scalarNode(eq < 0 ? null : spec.slice(eq + 1), item.loc),
        ...(defaulted ? { defaulted } : {}),
      });
    }
  }
  return { kind: "map", entries, loc: node.loc, tag: node.tag };
}

/** A list of names, or a mapping of name -> options, as a mapping (`depends_on`, `networks`). */
function namedMap(node: YamlNode, defaults: (loc: SourceLine) => MapNode): MapNode {
  if (node.kind === "map") {
    const entries = new Map<string, YamlNode>();
    for (const [key, value] of node.entries)
      entries.set(key, value.kind === "map" ? value : defaults(value.loc));
    return { ...node, entries };
  }
  const entries = new Map<string, YamlNode>();
  if (node.kind === "seq")
    for (const item of node.items) {
      const name = text(item);
      if (name !== undefined) entries.set(name, defaults(item.loc));
    }
  return { kind: "map", entries, loc: node.loc, tag: node.tag };
}

/** Where variables outside the repository come from, as the translated service's label says. */
const UNSEEN_ENV_FILE = "an env_file that is not in the repository";

function normalizeService(service: MapNode, projectDir: string, notes: string[]): MapNode {
  const entries = new Map(service.entries);
  const set = (key: string, fn: (node: YamlNode) => YamlNode) => {
    const node = entries.get(key);
    if (node !== undefined && node.tag !== "!reset") entries.set(key, { ...fn(node), tag: node.tag });
  };
  set("environment", keyValues);
  set("labels", keyValues);
  set("depends_on", (n) =>
    namedMap(n, (loc) => mapNode(new Map([["condition", scalarNode("service_started", loc)]]), loc)),
  );
  set("networks", (n) => namedMap(n, (loc) => mapNode(new Map(), loc)));
  set("extends", (n) => (n.kind === "scalar" ? mapNode(new Map([["service", n]]), n.loc) : n));
  set("build", (n) => {
    const build = n.kind === "scalar" ? mapNode(new Map([["context", n]]), n.loc) : n;
    const args = entry(build, "args");
    if (build.kind !== "map" || args === undefined) return build;
    return { ...build, entries: new Map(build.entries).set("args", keyValues(args)) };
  });
  const envFile = entries.get("env_file");
  if (envFile !== undefined && envFile.tag !== "!reset") {
    // env_file values come first; `environment` wins over them (compose-spec env_file).
    const { values: fromFiles, unseen } = envFileValues(envFile, projectDir, notes);
    const own = entries.get("environment");
    const merged = new Map(fromFiles);
    if (own?.kind === "map") for (const [k, v] of own.entries) merged.set(k, v);
    entries.set("environment", { kind: "map", entries: merged, loc: own?.loc ?? envFile.loc });
    // A file outside the repository may set any variable: the service's environment is not all seen.
    if (unseen) {
      const labels = entries.get("labels");
      const ownLabels = labels?.kind === "map" ? labels.entries : new Map<string, YamlNode>();
      entries.set("labels", {
        kind: "map",
        entries: new Map(ownLabels).set(UNSEEN_ENV_LABEL, scalarNode(UNSEEN_ENV_FILE, envFile.loc)),
        loc: labels?.loc ?? envFile.loc,
      });
    }
  }
  return { ...service, entries };
}

/** The values of the service's env files, and whether one of them is not in the repository (noted). */
function envFileValues(
  node: YamlNode,
  projectDir: string,
  notes: string[],
): { values: Map<string, YamlNode>; unseen: boolean } {
  const values = new Map<string, YamlNode>();
  let unseen = false;
  const specs = node.kind === "seq" ? node.items : [node];
  for (const spec of specs) {
    const file = spec.kind === "map" ? text(entry(spec, "path")) : text(spec);
    if (file === undefined) continue;
    const absolute = path.resolve(projectDir, file);
    let content: string;
    try {
      content = fs.readFileSync(absolute, "utf8");
    } catch {
      notes.push(
        `env_file ${file} (${path.relative(projectDir, spec.loc.file) || spec.loc.file}:${spec.loc.line}) ` +
          "is not in the repository: its values are supplied when the deployment runs",
      );
      unseen = true;
      continue;
    }
    const lines = content.split("\n");
    for (const [key, value] of Object.entries(parseDotenv(content))) {
      const index = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${key}\\s*=`).test(l));
      values.set(key, scalarNode(value, { file: absolute, line: index + 1 || 1 }));
    }
  }
  return { values, unseen };
}
