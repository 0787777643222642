/**
 * Loops in a start script that wait for a service (the database) to come up, and what happens when
 * they stop waiting: `until pg_isready; do sleep 1; done` waits for as long as it takes; `for i in
 * $(seq 30); do nc -z db 5432 && break; sleep 1; done` gives up after 30 tries, and unless the
 * script then fails, migrate and the server start against a database that is not up. Read from
 * tree-sitter-bash's tree, for both readers of start scripts (entrypoint.ts, start-command.ts).
 */
import type { Node } from "web-tree-sitter";
import { isReadinessProbe, withoutPrefixes } from "./shell";

export interface WaitLoop {
  /** 1-based line of the loop in the text that was parsed. */
  line: number;
  /** The loop stops trying after a bound (a `for` over a count, a counter with `break`). */
  bounded: boolean;
  /** When the service is still down the script exits non-zero (in the loop, or right after it). */
  failsAfterBound: boolean;
}

const LOOPS = new Set(["for_statement", "c_style_for_statement", "while_statement"]);

/** The wait loops under `root`, outermost first. */
export function readWaitLoops(root: Node, errexit: boolean): WaitLoop[] {
  const found: WaitLoop[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (LOOPS.has(node.type) && commandsIn(node).some((argv) => isReadinessProbe(argv))) {
      found.push(judgeLoop(node, errexit));
      continue;
    }
    for (let i = node.namedChildCount - 1; i >= 0; i--) {
      const child = node.namedChild(i);
      if (child) stack.push(child);
    }
  }
  return found;
}

function judgeLoop(loop: Node, errexit: boolean): WaitLoop {
  const body = loop.childForFieldName("body") ?? loop.namedChildren.find((c) => c?.type === "do_group");
  const inBody = body ? commandsIn(body) : [];
  const condition = loop.childForFieldName("condition");
  // A `while`/`until` on the probe alone waits until it succeeds; a counter test or a `break` bounds it.
  const countedCondition = condition !== null && /(\[|\btest\b|\(\()/.test(condition.text);
  const bounded =
    loop.type !== "while_statement" || countedCondition || inBody.some((argv) => argv[0] === "break");
  const exitsInLoop = inBody.some(failsScript);
  return {
    line: loop.startPosition.row + 1,
    bounded,
    failsAfterBound: exitsInLoop || failsAfter(loop, errexit),
  };
}

/** The statement right after the loop stops the script when the service is still down. */
function failsAfter(loop: Node, errexit: boolean): boolean {
  // `for ...; done || exit 1`: the loop is the left side of a list.
  let statement: Node = loop;
  if (statement.parent?.type === "list" && statement.parent.namedChildren[0]?.id === loop.id)
    return commandsIn(statement.parent).some(failsScript);
  let next = statement.nextNamedSibling;
  while (next && next.type === "comment") next = next.nextNamedSibling;
  if (!next) return false;
  statement = next;
  const commands = commandsIn(statement);
  if (commands.some(failsScript)) return true;
  // Under errexit, probing once more outside any condition fails the script when the service is down.
  return errexit && statement.type === "command" && isReadinessProbe(commands[0] ?? []);
}

/** `exit` (not `exit 0`), `return 1`, `false`: the script stops with a failure. */
function failsScript(argv: readonly string[]): boolean {
  const program = argv[0] ?? "";
  if (program === "exit" || program === "return") return argv[1] === undefined || argv[1] !== "0";
  return program === "false";
}

/** Every simple command under `root`, as words without quotes and without `exec`/`env` prefixes. */
function commandsIn(root: Node): string[][] {
  const found: string[][] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === "command") {
      const words = node.namedChildren
        .filter(
          (c): c is Node => c !== null && c.type !== "variable_assignment" && c.type !== "file_redirect",
        )
        .map((c) => c.text.replace(/^(['"])([\s\S]*)\1$/, "$2"));
      found.push(withoutPrefixes(words).argv);
    }
    for (const child of node.namedChildren) if (child) stack.push(child);
  }
  return found;
}
