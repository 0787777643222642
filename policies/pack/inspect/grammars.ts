/**
 * Lazily loaded tree-sitter grammars (bash, python). web-tree-sitter and the .wasm grammars load on first use
 * and once per process: the pack's start-up time is benchmarked, so nothing here runs at import.
 */
import * as fs from "fs";
import * as path from "path";
import type { Language, Node, Parser, Tree } from "web-tree-sitter";

export type GrammarName = "bash" | "python";

const parsers = new Map<GrammarName, Promise<Parser>>();

async function createParser(name: GrammarName): Promise<Parser> {
  const treeSitter = await import("web-tree-sitter");
  await treeSitter.Parser.init();
  const wasm = path.join(
    path.dirname(require.resolve(`tree-sitter-${name}/package.json`)),
    `tree-sitter-${name}.wasm`,
  );
  // Bytes, not a path: loading by path makes web-tree-sitter import fs dynamically, which jest's VM rejects.
  const language: Language = await treeSitter.Language.load(fs.readFileSync(wasm));
  const parser = new treeSitter.Parser();
  parser.setLanguage(language);
  return parser;
}

/** The shared parser for a grammar; rejects only when the grammar itself cannot load. */
export function loadParser(name: GrammarName): Promise<Parser> {
  let parser = parsers.get(name);
  if (!parser) {
    parser = createParser(name);
    parser.catch(() => parsers.delete(name));
    parsers.set(name, parser);
  }
  return parser;
}

/** Nodes of a tree in document order, without recursion (adversarial input nests deeply). */
export function* descendants(root: Node): Generator<Node> {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    yield node;
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
}

/** 1-based line of a node. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

/** Nodes in document order, each with whether an ancestor (or itself) has a type in `types`. */
export function* descendantsWithin(root: Node, types: ReadonlySet<string>): Generator<[Node, boolean]> {
  const stack: [Node, boolean][] = [[root, types.has(root.type)]];
  while (stack.length > 0) {
    const [node, inside] = stack.pop() as [Node, boolean];
    yield [node, inside];
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push([child, inside || types.has(child.type)]);
    }
  }
}

/**
 * Real files parse in milliseconds (a 120 KB settings module in about 120 ms); error recovery on
 * pathological text can take minutes, so it is cut off. The budget is wall-clock (tree-sitter's
 * progress callback counts no work that would be repeatable), so it sits far above any real file's
 * parse time even on a loaded machine: a verdict must not depend on how busy the machine was.
 */
export const PARSE_BUDGET_MS = 2000;

/** Parses within PARSE_BUDGET_MS; null when the parse was cancelled (the caller reports "could not verify"). */
export function parseWithBudget(parser: Parser, text: string): Tree | null {
  const deadline = performance.now() + PARSE_BUDGET_MS;
  const tree = parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  parser.reset();
  return tree;
}
