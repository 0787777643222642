/**
 * What a start command does, in order: the notable steps of an inline script (`sh -c "..."`) or an
 * exec-form command on a resource, and what happens when each one fails. Rules about the release
 * (SR-1..SR-8, DB-5, DB-7) judge these steps the same way whether the resource is ours or not.
 *
 * The script is parsed with tree-sitter's bash grammar (the same grammar the build-context readers
 * use); failure handling follows POSIX sh: `set -e` / `sh -e`, the exemption of `&&` left sides and
 * `if` conditions from errexit, `|| handler`, and `if cmd; then ...; else ...; exit N; fi`.
 */
import type { Node, Parser } from "web-tree-sitter";
import { parseWithBudget } from "./grammars";
import {
  classifyCommand,
  wordsOf,
  conditionsOf,
  runsUnderTest,
  isShell,
  withoutPrefixes,
  type StepCondition,
  type StepKind,
} from "./shell";
import { readWaitLoops, type WaitLoop } from "./wait-loops";
import { NO_ENVIRONMENT, scriptEnvironment, type ScriptEnvironment } from "./script-environment";

export type { StepKind } from "./shell";

/**
 * What a failure of the step does: `aborts` stops the script with a non-zero status; `warns` prints
 * a message and goes on; `silent` is swallowed without a word (`|| true`); `continues` is not
 * handled at all and the script goes on (no errexit).
 */
export type OnFailure = "aborts" | "warns" | "silent" | "continues";

export interface ScriptStep {
  kind: StepKind;
  /** A short description safe to show (program and subcommand, never argument values). */
  label: string;
  /** manage.py / django-admin subcommand, when it is one. */
  manageCommand: string | null;
  /** `--database=<alias>` of the command, when given. */
  database: string | null;
  /** `check --deploy` or a `startup_check`-style security check. */
  deployCheck: boolean;
  onFailure: OnFailure;
  /** Runs only under a condition (inside an `if`/`case` body or a loop). */
  conditional: boolean;
  /** The tests on variables it runs under (`[ "$RUN_MIGRATIONS" = 1 ] &&`, `if [ -n "$X" ]`). */
  conditions: StepCondition[];
  /** 1-based line within the script. */
  line: number;
}

export interface StartScript {
  steps: ScriptStep[];
  /** The script turns on errexit (`set -e`, `sh -e -c`) before its first step. */
  errexit: boolean;
  /** Why the order of steps cannot be read (steps inside shell functions), or null. */
  opaque: string | null;
  /** Loops waiting for a service (lines within the script). */
  waitLoops: WaitLoop[];
  /** Variables the command sets for what it runs. */
  environment: ScriptEnvironment;
}

const PRINTERS = new Set(["echo", "printf", "logger", "cat"]);

/** The shell script an argv runs: the `-c` argument of a shell, or the argv itself as one command. */
export function scriptOf(argv: readonly string[]): { script: string; errexit: boolean } {
  if (isShell(argv[0] ?? "")) {
    let errexit = false;
    for (let i = 1; i < argv.length; i++) {
      const arg = argv[i];
      if (!arg.startsWith("-")) break;
      if (/^-[a-z]*e[a-z]*$/.test(arg)) errexit = true;
      if (/^-[a-z]*c[a-z]*$/.test(arg)) return { script: argv[i + 1] ?? "", errexit };
    }
  }
  return { script: argv.map(quote).join(" "), errexit: false };
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_\-.,:/=@%+$]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The steps an argv runs at start, in order; `parser` is tree-sitter's bash grammar (grammars.ts). */
export function readStartCommand(argv: readonly string[], parser: Parser): StartScript {
  const { script, errexit } = scriptOf(argv);
  // As the entrypoint reader does: a NUL byte cannot be in a command (execve takes C strings), and
  // tree-sitter-bash is quadratic on runs of them; pathological text is cut off by the parse budget.
  const tree = script.includes("\0") ? null : parseWithBudget(parser, script);
  if (!tree)
    return {
      steps: [],
      errexit,
      opaque: "the start command could not be parsed",
      waitLoops: [],
      environment: NO_ENVIRONMENT,
    };
  const reader = new ScriptReader(errexit);
  reader.statements(tree.rootNode.namedChildren.filter(isNode), { conditional: false, top: true });
  const waitLoops = readWaitLoops(tree.rootNode, reader.errexitAtFirstStep ?? reader.errexit);
  const environment = scriptEnvironment(tree.rootNode);
  tree.delete();
  return {
    steps: reader.steps,
    errexit: reader.errexitAtFirstStep ?? reader.errexit,
    opaque: reader.opaque,
    waitLoops,
    environment,
  };
}

function isNode(node: Node | null): node is Node {
  return node !== null && node.type !== "comment";
}

interface Scope {
  conditional: boolean;
  /** Statements at the top level of the script (their position decides the script's exit status). */
  top: boolean;
}

class ScriptReader {
  readonly steps: ScriptStep[] = [];
  opaque: string | null = null;
  errexitAtFirstStep: boolean | undefined;

  constructor(public errexit: boolean) {}

  statements(nodes: Node[], scope: Scope): void {
    nodes.forEach((node, i) => {
      const last = scope.top && i === nodes.length - 1;
      // Without errexit an unhandled failure only matters when it is the script's last status.
      const positional: OnFailure = last ? "aborts" : "continues";
      this.statement(node, this.errexit ? "aborts" : positional, positional, scope);
    });
  }

  /** `failure`: what a failing statement does here; `exempt`: the same with errexit suspended. */
  private statement(node: Node, failure: OnFailure, exempt: OnFailure, scope: Scope): void {
    switch (node.type) {
      case "command":
        this.command(node, failure, scope);
        return;
      case "redirected_statement":
      case "negated_command": {
        const body = node.childForFieldName("body") ?? node.namedChildren.find(isNode);
        if (body)
          this.statement(body, node.type === "negated_command" ? "continues" : failure, exempt, scope);
        return;
      }
      case "list":
        this.list(node, failure, exempt, scope);
        return;
      case "if_statement":
        this.ifStatement(node, failure, scope);
        return;
      case "compound_statement":
      case "subshell":
        for (const child of node.namedChildren.filter(isNode)) this.statement(child, failure, exempt, scope);
        return;
      case "while_statement":
      case "until_statement":
      case "for_statement":
      case "c_style_for_statement":
      case "case_statement":
        for (const child of node.namedChildren.filter(isNode)) {
          if (child.type === "do_group" || child.type === "case_item") {
            const inner = child.namedChildren.filter(isNode);
            const body = child.type === "case_item" ? inner.slice(1) : inner;
            for (const s of body) this.statement(s, failure, exempt, { conditional: true, top: false });
          }
        }
        return;
      case "function_definition":
        if (this.mentionsStep(node)) {
          this.opaque =
            "the start command runs its steps through shell functions, so their order cannot be read";
        }
        return;
      default:
        return;
    }
  }

  private list(node: Node, failure: OnFailure, exempt: OnFailure, scope: Scope): void {
    const [left, right] = node.namedChildren.filter(isNode);
    const operator = node.children.find((c) => c !== null && (c.type === "&&" || c.type === "||"))?.type;
    if (!left || !right) return;
    if (operator === "||") {
      this.statement(left, handlerOutcome(right), handlerOutcome(right), scope);
      this.statement(right, failure, exempt, { ...scope, conditional: true });
    } else {
      // errexit ignores a failing left side of `&&`: the chain just stops.
      this.statement(left, exempt, exempt, scope);
      this.statement(right, failure, exempt, scope);
    }
  }

  private ifStatement(node: Node, failure: OnFailure, scope: Scope): void {
    const conditions = node.childrenForFieldName("condition").filter(isNode);
    const elseBranch = node.namedChildren
      .filter(isNode)
      .find((c) => c.type === "else_clause" || c.type === "elif_clause");
    const thenBody = node.namedChildren
      .filter(isNode)
      .filter(
        (c) => !conditions.some((k) => k.id === c.id) && c.type !== "else_clause" && c.type !== "elif_clause",
      );
    for (const condition of conditions) {
      if (condition.type === "negated_command") {
        const inner = condition.namedChildren.find(isNode);
        const outcome = thenBody.length > 0 ? handlerOutcome(...thenBody) : "silent";
        if (inner) this.statement(inner, outcome, outcome, scope);
      } else {
        const outcome = elseBranch ? handlerOutcome(elseBranch) : "silent";
        this.statement(condition, outcome, outcome, scope);
      }
    }
    const inner: Scope = { conditional: true, top: false };
    for (const child of thenBody) this.statement(child, failure, failure, inner);
    for (const clause of node.namedChildren.filter(isNode)) {
      if (clause.type === "else_clause" || clause.type === "elif_clause") {
        for (const child of clause.namedChildren.filter(isNode))
          this.statement(child, failure, failure, inner);
      }
    }
  }

  private command(node: Node, failure: OnFailure, scope: Scope): void {
    const argv = wordsOf(node);
    if (argv[0] === "set") {
      for (let i = 1; i < argv.length; i++) {
        const arg = argv[i];
        if (/^-[a-z]*e/.test(arg) || (arg === "-o" && argv[i + 1] === "errexit")) this.errexit = true;
        if (/^\+[a-z]*e/.test(arg) || (arg === "+o" && argv[i + 1] === "errexit")) this.errexit = false;
      }
      return;
    }
    const classified = classifyCommand(withoutPrefixes(argv).argv);
    if (!classified) return;
    const { kind, label, manageCommand, database, deployCheck } = classified;
    const step = { kind, label, manageCommand, database, deployCheck };
    if (this.errexitAtFirstStep === undefined) this.errexitAtFirstStep = this.errexit;
    this.steps.push({
      ...step,
      onFailure: failure,
      conditional: scope.conditional || runsUnderTest(node),
      conditions: conditionsOf(node),
      line: node.startPosition.row + 1,
    });
  }

  private mentionsStep(node: Node): boolean {
    return /manage\.py|django-admin|gunicorn|uvicorn|pg_dump/.test(node.text);
  }
}

/** What running `handler` after a failure amounts to. */
function handlerOutcome(...handlers: Node[]): OnFailure {
  let prints = false;
  for (const handler of handlers) {
    for (const command of commandsIn(handler)) {
      const argv = wordsOf(command);
      const program = argv[0] ?? "";
      if (program === "exit" || program === "return") {
        if (argv[1] === undefined || argv[1] !== "0") return "aborts";
      } else if (program === "false" || program === "kill") {
        return "aborts";
      } else if (PRINTERS.has(program)) {
        prints = true;
      }
    }
  }
  return prints ? "warns" : "silent";
}

function commandsIn(root: Node): Node[] {
  const found: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === "command") found.push(node);
    else for (const child of node.namedChildren) if (child) stack.push(child);
  }
  return found;
}
