/**
 * A compose file as a tree of located values: every mapping, sequence and scalar keeps the file
 * and line it was written on, through YAML anchors, aliases and `<<` merge keys, so a finding on
 * a merged service can still point at the line that set the value.
 *
 * Parsing is the `yaml` package's (YAML 1.2 core schema, the one compose-go's go-yaml v3 reads:
 * `yes` stays a string); only the walk that keeps locations is ours.
 */
import * as fs from "fs";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";

export interface SourceLine {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
}

export type Scalar = string | number | boolean | null;

interface Located {
  loc: SourceLine;
  /** A compose merge tag (`!reset`, `!override`), when written. */
  tag?: string;
}

export interface MapNode extends Located {
  kind: "map";
  entries: Map<string, YamlNode>;
}

export interface SeqNode extends Located {
  kind: "seq";
  items: YamlNode[];
}

export interface ScalarNode extends Located {
  kind: "scalar";
  value: Scalar;
  /** Variables of `${VAR:-default}` whose written default gave this value (compose interpolation). */
  defaulted?: string[];
}

export type YamlNode = MapNode | SeqNode | ScalarNode;

/** A compose file that cannot be read or parsed: the deployment cannot start from it. */
export class ComposeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ComposeFileError";
  }
}

const MERGE_KEY = "<<";

export function readYamlTree(file: string): YamlNode {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ComposeFileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseYamlTree(text, file);
}

export function parseYamlTree(text: string, file: string): YamlNode {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new ComposeFileError(`${file}:${line}: ${error.message.split("\n")[0]}`);
  }
  const at = (offset: number | undefined): SourceLine => ({
    file,
    line: offset === undefined ? 1 : lineCounter.linePos(offset).line,
  });
  const empty: MapNode = { kind: "map", entries: new Map(), loc: at(0) };
  if (doc.contents === null) return empty;
  return toNode(doc, doc.contents, at, undefined);
}

type At = (offset: number | undefined) => SourceLine;

function tagOf(node: unknown): string | undefined {
  const tag = (node as { tag?: string }).tag;
  return tag === "!reset" || tag === "!override" ? tag : undefined;
}

function toNode(doc: Document, node: unknown, at: At, keyOffset: number | undefined): YamlNode {
  const target = isAlias(node) ? node.resolve(doc) : node;
  // An aliased value is located where the anchor wrote it; a direct one at its key when it has one.
  const offset = isAlias(node) ? (target as { range?: number[] })?.range?.[0] : keyOffset;
  const range = (target as { range?: number[] } | undefined)?.range;
  const loc = at(offset ?? range?.[0]);
  const tag = tagOf(node) ?? tagOf(target);
  if (isMap(target)) {
    const entries = new Map<string, YamlNode>();
    const merged: MapNode[] = [];
    for (const pair of target.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      const keyStart = (pair.key as { range?: number[] } | null)?.range?.[0];
      if (key === MERGE_KEY || (isScalar(pair.key) && String(pair.key.source) === MERGE_KEY)) {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) {
          const value = toNode(doc, source, at, undefined);
          if (value.kind === "map") merged.push(value);
        }
        continue;
      }
      entries.set(String(key), toNode(doc, pair.value, at, keyStart));
    }
    // YAML merge keys: explicit keys win, then earlier merged maps over later ones.
    for (const source of merged) {
      for (const [key, value] of source.entries) if (!entries.has(key)) entries.set(key, value);
    }
    return { kind: "map", entries, loc, tag };
  }
  if (isSeq(target)) {
    return {
      kind: "seq",
      items: target.items.map((item) => toNode(doc, item, at, undefined)),
      loc,
      tag,
    };
  }
  const value = isScalar(target) ? target.value : null;
  const scalar: Scalar =
    value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? value
      : String(value);
  return { kind: "scalar", value: scalar, loc, tag };
}

// ---------------------------------------------------------------------------------------------------------
// Reading a tree

export function entry(node: YamlNode | undefined, key: string): YamlNode | undefined {
  return node?.kind === "map" ? node.entries.get(key) : undefined;
}

export function text(node: YamlNode | undefined): string | undefined {
  if (node?.kind !== "scalar" || node.value === null) return undefined;
  return String(node.value);
}

/** A scalar's text, or each item of a sequence of scalars. */
export function texts(node: YamlNode | undefined): string[] {
  if (node === undefined) return [];
  if (node.kind === "scalar") return node.value === null ? [] : [String(node.value)];
  if (node.kind === "seq") return node.items.flatMap((i) => (i.kind === "scalar" ? texts(i) : []));
  return [];
}

export function mapNode(entries: Map<string, YamlNode>, loc: SourceLine): MapNode {
  return { kind: "map", entries, loc };
}

export function scalarNode(value: Scalar, loc: SourceLine): ScalarNode {
  return { kind: "scalar", value, loc };
}
