/**
 * Compose's merge of several files (`docker compose -f a -f b`), following the compose-spec merge
 * rules (compose-spec "Merge and override", as compose-go's override.go implements them):
 * mappings merge key by key; sequences append; `command`, `entrypoint` and `healthcheck.test` are
 * replaced; `ports`, `volumes`, `secrets` and `configs` merge entries sharing their unique key
 * (port binding, target, source); `logging` with another driver replaces the whole block; the
 * `!reset` tag removes a value and `!override` replaces it.
 *
 * Written by hand: the npm compose packages either shell out to the docker CLI (docker-compose),
 * download compose-go as a binary at install (@balena/compose-parser: not possible offline, and
 * limited to balena's subset), or only convert formats (composeverter); none merges by these rules.
 * The trees are normalized first (compose.ts), so both spellings of `environment` merge by name.
 */
import type { MapNode, SeqNode, YamlNode } from "./yaml-tree";
import { entry, text } from "./yaml-tree";

/** Service attributes whose value replaces the previous file's instead of merging with it. */
const REPLACED = new Set(["command", "entrypoint", "healthcheck.test"]);

/** Merge `override` (a later file) into `base` (the earlier ones); neither is changed. */
export function mergeService(base: MapNode, override: MapNode): MapNode {
  return mergeMap(base, override, "");
}

/** Merge two top-level sections of the same kind (`networks`, `volumes`) entry by entry. */
export function mergeSection(base: MapNode, override: MapNode): MapNode {
  return mergeMap(base, override, "section");
}

function mergeMap(base: MapNode, override: MapNode, path: string): MapNode {
  const entries = new Map(base.entries);
  for (const [key, value] of override.entries) {
    const childPath = path === "" ? key : `${path}.${key}`;
    const previous = entries.get(key);
    if (value.tag === "!reset") {
      entries.delete(key);
      continue;
    }
    if (previous === undefined || value.tag === "!override" || REPLACED.has(childPath)) {
      entries.set(key, value);
      continue;
    }
    entries.set(key, mergeValue(previous, value, childPath));
  }
  return { ...base, entries };
}

function mergeValue(base: YamlNode, override: YamlNode, path: string): YamlNode {
  if (path === "logging" && base.kind === "map" && override.kind === "map") {
    const driver = text(entry(override, "driver"));
    if (driver !== undefined && driver !== text(entry(base, "driver"))) return override;
  }
  if (base.kind === "map" && override.kind === "map") return mergeMap(base, override, path);
  if (base.kind === "seq" && override.kind === "seq") return mergeSequence(base, override, path);
  return override;
}

function mergeSequence(base: SeqNode, override: SeqNode, path: string): SeqNode {
  const keyOf = UNIQUE_KEYS[path] ?? sameValue;
  const items = [...base.items];
  for (const item of override.items) {
    const key = keyOf(item);
    const index = key === undefined ? -1 : items.findIndex((i) => keyOf(i) === key);
    if (index < 0) items.push(item);
    else
      items[index] =
        item.kind === "map" && items[index].kind === "map" ? mergeValue(items[index], item, path) : item;
  }
  return { ...base, items };
}

function sameValue(node: YamlNode): string | undefined {
  return node.kind === "scalar" ? `${typeof node.value}:${String(node.value)}` : undefined;
}

const UNIQUE_KEYS: Record<string, (node: YamlNode) => string | undefined> = {
  ports: (n) => portKey(n),
  volumes: (n) => mountTarget(n),
  secrets: (n) => (n.kind === "map" ? text(entry(n, "source")) : text(n)),
  configs: (n) => (n.kind === "map" ? text(entry(n, "source")) : text(n)),
};

/** The target path of a service volume, short (`src:/dst:ro`) or long syntax. */
export function mountTarget(node: YamlNode): string | undefined {
  if (node.kind === "map") return text(entry(node, "target"));
  const spec = text(node);
  if (spec === undefined) return undefined;
  const parts = splitVolume(spec);
  return parts.length === 1 ? parts[0] : parts[1];
}

/** `src:dst[:mode]`, keeping a Windows drive letter (`C:\data`) in one piece. */
export function splitVolume(spec: string): string[] {
  return spec.split(/:(?!\\)/);
}

/** A port's unique key {ip, target, published, protocol}. */
function portKey(node: YamlNode): string | undefined {
  if (node.kind === "map") {
    return ["host_ip", "target", "published", "protocol"].map((k) => text(entry(node, k)) ?? "").join("|");
  }
  const spec = text(node);
  return spec === undefined ? undefined : `short|${spec}`;
}
