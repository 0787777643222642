/**
 * Django settings modules evaluated as Python runs them, as far as a reviewer reads them (nothing is
 * executed): statements in order, `from .base import *` running the base into the same namespace,
 * later assignments replacing earlier ones, item assignments (`DATABASES["default"]["X"] = ...`),
 * `.update`, `|`, list concatenation, `+=`, `.append`/`.insert`/`.extend`, helper functions of the
 * settings or of a local module (a helper that raises when the variable is missing makes it required),
 * and `if` blocks with both branches considered: the branch the code takes when the deployment sets no
 * optional variable is the value, and a branch chosen by a variable being absent is a fallback of that
 * variable. An `if` that raises on an empty or insecure value makes that value fail closed.
 *
 * Written by hand because no library evaluates Python statically; tree-sitter-python gives the syntax.
 * Values are copy-on-write, so the branches of an `if` never see each other's changes.
 */
import type { Node, Parser, Tree } from "web-tree-sitter";
import type { ContextFiles } from "./context-files";
import type { EnvRead, SourceLocation } from "./facts";
import { descendants, lineOf, parseWithBudget } from "./grammars";

export type Literal = string | number | boolean | null;

interface ValueBase {
  node: Node;
  file: string;
  /** Environment reads the value itself depends on (its items and entries carry their own). */
  reads: EnvRead[];
  /** `options = config.setdefault("OPTIONS", {})`: the name stands for that entry, so changes go there. */
  aliasOf?: { root: string; keys: string[] };
}

export interface LeafValue extends ValueBase {
  t: "leaf";
  /** The value when every optional variable is unset, when it is known. */
  literal?: Literal;
}

export interface ListValue extends ValueBase {
  t: "list";
  items: Value[];
  /** Items come from somewhere the reader cannot list (an env split, a comprehension). */
  open: boolean;
}

export interface DictValue extends ValueBase {
  t: "dict";
  entries: Map<string, Value>;
  open: boolean;
}

export interface FunctionValue extends ValueBase {
  t: "function";
  name: string;
  module: FileScope;
}

/** `environ.Env(NAME=(type, default), ...)`: django-environ's reader, with its scheme defaults. */
export interface EnvironValue extends ValueBase {
  t: "environ";
  schemeDefaults: Map<string, Node>;
}

export type Value = LeafValue | ListValue | DictValue | FunctionValue | EnvironValue;

type Scope = Map<string, Value>;

interface FileScope {
  file: string;
  module: string;
  /** `from x import y as z`: z -> (x, y), x resolved against the importing module. */
  imports: Map<string, { module: string; name: string }>;
  /** Module-level names of a local helper module (its functions), evaluated on first use. */
  globals: Scope;
}

const MAX_DEPTH = 12;
const EXPRESSION_LIMIT = 200;
const REQUIRE_CALLEE = /(^|\.)(require|required|get_required|must)_?(env|setting|var)\w*$|(^|\.)require\w*$/i;
const PLAIN_ENV_CALLEE = /^(os\.environ\.get|os\.getenv|environ\.get|getenv|os\.environ\.setdefault)$/;
/** python-decouple's `config`, or django-environ's module-level Env instance named `env`. */
const RAISING_ENV_CALLEE = /^(env(\.(str|bool|int|float|list|tuple|dict|json|url|path))?|config)$/;
const DATABASE_URL_CALLEE = /(^|\.)(dj_database_url\.(config|parse)|db_url|db|database_url)$/;
const DB_KWARGS: Record<string, string> = {
  conn_max_age: "CONN_MAX_AGE",
  conn_health_checks: "CONN_HEALTH_CHECKS",
  engine: "ENGINE",
};
const STRING_METHODS = new Set(["lower", "upper", "strip", "lstrip", "rstrip", "casefold"]);

export function stringValue(node: Node): string {
  if (node.type === "concatenated_string")
    return node.namedChildren.map((c) => (c ? stringValue(c) : "")).join("");
  return node.namedChildren
    .filter((c) => c?.type === "string_content")
    .map((c) => c?.text ?? "")
    .join("");
}

function literalNode(start: Node): Literal | undefined {
  let node = start;
  // Iterative: adversarial text nests parentheses thousands deep.
  while (node.type === "parenthesized_expression" && node.namedChildren[0]) node = node.namedChildren[0];
  switch (node.type) {
    case "string":
    case "concatenated_string":
      return node.namedChildren.some((c) => c?.type === "interpolation") ? undefined : stringValue(node);
    case "true":
      return true;
    case "false":
      return false;
    case "none":
      return null;
    case "integer":
    case "float": {
      const value = Number(node.text.replace(/_/g, ""));
      return Number.isFinite(value) ? value : undefined;
    }
    case "unary_operator": {
      const inner = node.namedChildren[0] ? literalNode(node.namedChildren[0]) : undefined;
      return typeof inner === "number" && node.text.trim().startsWith("-") ? -inner : undefined;
    }
    default:
      return undefined;
  }
}

/** Python truthiness of a literal (None, "", 0, False are false). */
function pyTruth(value: Literal): boolean {
  return !(value === null || value === "" || value === 0 || value === false);
}

/** Every env read a value depends on, its items and entries included, each once. */
export function readsOf(value: Value | undefined, seen = new Set<EnvRead>()): EnvRead[] {
  if (!value) return [];
  const found: EnvRead[] = [];
  const add = (read: EnvRead): void => {
    if (!seen.has(read)) {
      seen.add(read);
      found.push(read);
    }
  };
  const stack: Value[] = [value];
  while (stack.length > 0) {
    const v = stack.pop() as Value;
    v.reads.forEach(add);
    if (v.t === "list") stack.push(...v.items);
    if (v.t === "dict") stack.push(...v.entries.values());
  }
  return found;
}

/** The value's Python truth when every optional variable is unset; undefined when it depends on more. */
function defaultTruthOf(value: Value | undefined): boolean | undefined {
  if (!value) return undefined;
  if (value.t === "leaf") {
    if (value.literal !== undefined) return pyTruth(value.literal);
    return undefined;
  }
  if (value.t === "list") return value.items.length > 0 ? true : value.open ? undefined : false;
  if (value.t === "dict") return value.entries.size > 0 ? true : value.open ? undefined : false;
  return true;
}

/** A default as written, as its literal when it is one (an empty list or dict reads as falsy ""). */
function defaultLiteralOf(node: Node | null): Literal | undefined {
  if (!node) return null;
  const literal = literalNode(node);
  if (literal !== undefined) return literal;
  if (/^(\[\s*\]|\(\s*\)|\{\s*\})$/.test(node.text)) return "";
  return undefined;
}

export interface EvaluatedModule {
  /** Files read, in evaluation order. */
  files: string[];
  /** The settings namespace at the end of the module. */
  scope: Scope;
  syntaxErrors: SourceLocation[];
  /** Files whose parse ran out of time (pathological text): unreadable, not broken. */
  unparsed: SourceLocation[];
  /** Calls that load variables from a dotenv file (python-dotenv, django-environ). */
  envFileLoads: SourceLocation[];
}

const MAX_NESTING = 200;
/** python-dotenv's `load_dotenv`, django-environ's `read_env`, django-dotenv's `read_dotenv`. */
const ENV_FILE_LOADER = /(^|\.)(load_dotenv|read_env|read_dotenv)$/;

export class SettingsEvaluator {
  private readonly trees: Tree[] = [];
  private readonly files: string[] = [];
  private readonly syntaxErrors: SourceLocation[] = [];
  private readonly unparsed: SourceLocation[] = [];
  private nesting = 0;
  /** Variables some top-level check raises on when missing, empty or insecure. */
  private readonly failClosed = new Map<string, SourceLocation>();
  private readonly helperModules = new Map<string, FileScope | null>();
  /** `load_dotenv()`, `environ.Env.read_env()`: where the settings load variables from a file. */
  private readonly envFileLoads: SourceLocation[] = [];
  /** Reads made only in a branch the code does not take when no optional variable is set. */
  private readonly branchOnly = new Set<EnvRead>();

  constructor(
    private readonly parser: Parser,
    private readonly context: ContextFiles,
    private readonly resolve: (module: string) => string | null,
  ) {}

  dispose(): void {
    for (const tree of this.trees) tree.delete();
  }

  evaluate(module: string, file: string): EvaluatedModule {
    const scope: Scope = new Map();
    this.runModule(module, file, scope, 0);
    // A check that raises when the variable is missing or unsafe makes every read of it fail closed.
    for (const value of scope.values()) {
      for (const read of readsOf(value)) {
        const at = this.failClosed.get(read.name);
        if (at && !read.required) {
          read.required = true;
          read.failsClosedAt = at;
        }
        if (this.branchOnly.has(read)) read.conditional = true;
      }
    }
    return {
      files: this.files,
      scope,
      syntaxErrors: this.syntaxErrors,
      unparsed: this.unparsed,
      envFileLoads: this.envFileLoads,
    };
  }

  private parse(file: string): Node | null {
    const text = this.context.read(file);
    if (text === null) return null;
    // A file that does not parse within the budget is unreadable ("could not verify"), not a syntax error.
    const tree = parseWithBudget(this.parser, text);
    if (!tree) {
      this.unparsed.push({ file, line: 1 });
      return null;
    }
    this.trees.push(tree);
    for (const node of descendants(tree.rootNode)) {
      if (node.type === "ERROR" || node.isMissing) {
        this.syntaxErrors.push({ file, line: lineOf(node) });
        break;
      }
    }
    return tree.rootNode;
  }

  private runModule(module: string, file: string, scope: Scope, depth: number): void {
    if (depth > MAX_DEPTH || this.files.includes(file)) return;
    this.files.push(file);
    const root = this.parse(file);
    if (!root) return;
    const fileScope: FileScope = { file, module, imports: new Map(), globals: scope };
    this.exec(root.namedChildren, scope, fileScope, depth);
  }

  private exec(statements: (Node | null)[], scope: Scope, fs: FileScope, depth: number): Value | undefined {
    for (const statement of statements) {
      if (!statement) continue;
      const returned = this.statement(statement, scope, fs, depth);
      if (returned) return returned;
    }
    return undefined;
  }

  /** One statement; a `return` inside a helper's body hands back its value. */
  private statement(node: Node, scope: Scope, fs: FileScope, depth: number): Value | undefined {
    switch (node.type) {
      case "import_from_statement":
        this.importFrom(node, scope, fs, depth);
        return undefined;
      case "expression_statement": {
        const inner = node.namedChildren[0];
        if (!inner) return undefined;
        if (inner.type === "assignment") this.assign(inner, scope, fs, depth);
        else if (inner.type === "augmented_assignment") this.augment(inner, scope, fs, depth);
        else if (inner.type === "call") {
          if (ENV_FILE_LOADER.test(inner.childForFieldName("function")?.text ?? ""))
            this.envFileLoads.push({ file: fs.file, line: lineOf(inner) });
          this.mutatingCall(inner, scope, fs, depth);
        }
        return undefined;
      }
      case "function_definition": {
        const name = node.childForFieldName("name")?.text;
        if (name) scope.set(name, { t: "function", name, module: fs, node, file: fs.file, reads: [] });
        return undefined;
      }
      case "decorated_definition": {
        const definition = node.childForFieldName("definition");
        return definition ? this.statement(definition, scope, fs, depth) : undefined;
      }
      case "if_statement":
        return this.ifStatement(node, scope, fs, depth);
      case "try_statement":
      case "with_statement":
        // The body runs; handlers and finally blocks are read in order after it (later ones win).
        return this.exec(
          node.namedChildren.flatMap((c) =>
            c?.type === "block"
              ? c.namedChildren
              : c && /_clause$/.test(c.type)
                ? (c.namedChildren.find((b) => b?.type === "block")?.namedChildren ?? [])
                : [],
          ),
          scope,
          fs,
          depth,
        );
      case "return_statement": {
        const value = node.namedChildren[0];
        return value ? this.eval(value, scope, fs, depth) : this.leaf(node, fs);
      }
      default:
        return undefined;
    }
  }

  private importFrom(node: Node, scope: Scope, fs: FileScope, depth: number): void {
    const target = importTarget(node, fs.module, fs.file);
    if (!target) return;
    if (node.namedChildren.some((c) => c?.type === "wildcard_import")) {
      const file = this.resolve(target);
      if (file) this.runModule(target, file, scope, depth + 1);
      return;
    }
    const moduleName = node.childForFieldName("module_name");
    for (const child of node.namedChildren) {
      if (!child || child === moduleName) continue;
      if (child.type === "dotted_name") fs.imports.set(child.text, { module: target, name: child.text });
      if (child.type === "aliased_import") {
        const name = child.childForFieldName("name")?.text;
        const alias = child.childForFieldName("alias")?.text;
        if (name && alias) fs.imports.set(alias, { module: target, name });
      }
    }
  }

  private assign(node: Node, scope: Scope, fs: FileScope, depth: number): void {
    const left = node.childForFieldName("left");
    let right = node.childForFieldName("right");
    if (!left || !right) return;
    // `A = B = value`: the innermost right side is the value of every target.
    const targets = [left];
    while (right.type === "assignment") {
      const inner: Node | null = right.childForFieldName("left");
      if (inner) targets.push(inner);
      const next: Node | null = right.childForFieldName("right");
      if (!next) return;
      right = next;
    }
    const alias = this.setdefaultAlias(right, scope, fs, depth);
    const value = alias ?? this.eval(right, scope, fs, depth);
    for (const target of targets) this.store(target, value, scope, fs, depth);
  }

  /** `x = D.setdefault("K", default)`: fills D["K"] when missing and makes x stand for it. */
  private setdefaultAlias(right: Node, scope: Scope, fs: FileScope, depth: number): Value | undefined {
    if (right.type !== "call") return undefined;
    const callee = right.childForFieldName("function");
    if (callee?.type !== "attribute" || callee.childForFieldName("attribute")?.text !== "setdefault")
      return undefined;
    const object = callee.childForFieldName("object");
    const path = object ? this.resolvePath(object, scope) : null;
    const args = argumentsOf(right);
    const key = args.positional[0];
    if (!path || key?.type !== "string") return undefined;
    const root = scope.get(path.root);
    const container = root ? getPath(root, path.keys) : undefined;
    if (!root || container?.t !== "dict") return undefined;
    const name = stringValue(key);
    const keys = [...path.keys, name];
    let entry = container.entries.get(name);
    if (!entry) {
      entry = args.positional[1]
        ? this.eval(args.positional[1], scope, fs, depth)
        : this.leaf(right, fs, [], null);
      scope.set(path.root, setPath(root, keys, entry));
    }
    return { ...entry, aliasOf: { root: path.root, keys } };
  }

  /** The settings path a target names, following `aliasOf` names. */
  private resolvePath(node: Node, scope: Scope): { root: string; keys: string[] } | null {
    const path = node.type === "identifier" ? { root: node.text, keys: [] } : subscriptPath(node);
    if (!path) return null;
    const alias = scope.get(path.root)?.aliasOf;
    return alias ? { root: alias.root, keys: [...alias.keys, ...path.keys] } : path;
  }

  /** Replaces the value at `path` and keeps a name that stands for part of it in step. */
  private replaceAt(path: { root: string; keys: string[] }, value: Value, scope: Scope): void {
    const root = scope.get(path.root);
    if (!root) return;
    const updated = setPath(root, path.keys, value);
    scope.set(path.root, updated);
    for (const [name, bound] of scope) {
      if (bound.aliasOf?.root !== path.root) continue;
      const current = getPath(updated, bound.aliasOf.keys);
      if (current) scope.set(name, { ...current, aliasOf: bound.aliasOf });
    }
  }

  private store(target: Node, value: Value, scope: Scope, fs: FileScope, depth: number): void {
    if (target.type === "identifier") {
      scope.set(target.text, value.aliasOf ? value : { ...value, aliasOf: undefined });
      return;
    }
    const path = this.resolvePath(target, scope) ?? this.throughSetdefault(target, scope, fs, depth);
    if (!path || !scope.has(path.root)) return;
    this.replaceAt(path, value, scope);
  }

  /**
   * `D["default"].setdefault("OPTIONS", {})["connect_timeout"] = 10`: the entry setdefault fills
   * (or finds) when the statement runs, then the keys written below it.
   */
  private throughSetdefault(
    target: Node,
    scope: Scope,
    fs: FileScope,
    depth: number,
  ): { root: string; keys: string[] } | null {
    const written = subscriptKeys(target);
    if (!written || written.keys.length === 0) return null;
    const alias = this.setdefaultAlias(written.base, scope, fs, depth)?.aliasOf;
    return alias ? { root: alias.root, keys: [...alias.keys, ...written.keys] } : null;
  }

  private augment(node: Node, scope: Scope, fs: FileScope, depth: number): void {
    const left = node.childForFieldName("left");
    const right = node.childForFieldName("right");
    const operator = node.childForFieldName("operator")?.text ?? node.children[1]?.text;
    if (!left || !right) return;
    const current = this.eval(left, scope, fs, depth);
    const added = this.eval(right, scope, fs, depth);
    const combined =
      operator === "|=" ? mergeDicts(current, added, node, fs) : concat(current, added, node, fs);
    this.store(left, combined, scope, fs, depth);
  }

  /** `X.append(v)`, `X.insert(i, v)`, `X.extend(l)`, `X.update({...})`, `X["k"].update(...)`. */
  private mutatingCall(node: Node, scope: Scope, fs: FileScope, depth: number): void {
    const callee = node.childForFieldName("function");
    if (callee?.type !== "attribute") {
      this.eval(node, scope, fs, depth);
      return;
    }
    const object = callee.childForFieldName("object");
    const method = callee.childForFieldName("attribute")?.text ?? "";
    if (!object) return;
    const path = this.resolvePath(object, scope);
    const rootValue = path ? scope.get(path.root) : undefined;
    const current = path && rootValue ? getPath(rootValue, path.keys) : undefined;
    if (!path || !current) return;
    const args = argumentsOf(node);
    const values = args.positional.map((a) => this.eval(a, scope, fs, depth));
    let next: Value | undefined;
    if (current.t === "list") {
      if (method === "append" && values[0]) next = { ...current, items: [...current.items, values[0]] };
      if (method === "extend" && values[0]) next = concat(current, values[0], node, fs);
      if (method === "insert" && values[1]) {
        const at = literalNode(args.positional[0] as Node);
        const items = [...current.items];
        const index = typeof at === "number" ? (at < 0 ? Math.max(0, items.length + at) : at) : items.length;
        items.splice(index, 0, values[1]);
        next = { ...current, items };
      }
      if (method === "remove" && values[0]?.t === "leaf") {
        const gone = values[0].literal;
        next = { ...current, items: current.items.filter((i) => !(i.t === "leaf" && i.literal === gone)) };
      }
    } else if (current.t === "dict" && method === "update") {
      const kwargs = new Map(
        args.keywords.map(({ name, value }) => [name, this.eval(value, scope, fs, depth)] as const),
      );
      const update: DictValue = { t: "dict", entries: kwargs, open: false, node, file: fs.file, reads: [] };
      next = mergeDicts(values[0] ? mergeDicts(current, values[0], node, fs) : current, update, node, fs);
    } else if (current.t === "dict" && method === "setdefault" && args.positional[0]?.type === "string") {
      const key = stringValue(args.positional[0]);
      if (!current.entries.has(key) && values[1]) next = setPath(current, [key], values[1]);
    }
    if (next) this.replaceAt(path, { ...next, aliasOf: undefined }, scope);
  }

  private ifStatement(node: Node, scope: Scope, fs: FileScope, depth: number): Value | undefined {
    const clauses: { test: Node | null; body: Node | null }[] = [
      { test: node.childForFieldName("condition"), body: node.childForFieldName("consequence") },
    ];
    for (const child of node.namedChildren) {
      if (child?.type === "elif_clause")
        clauses.push({
          test: child.childForFieldName("condition"),
          body: child.childForFieldName("consequence"),
        });
      if (child?.type === "else_clause") clauses.push({ test: null, body: child.childForFieldName("body") });
    }
    if (!clauses.some((c) => c.test === null)) clauses.push({ test: null, body: null });

    // Which clause runs when no optional variable is set; an undecidable test is taken as not run.
    let earlierTrue = false;
    let defaultClause = -1;
    const truths = clauses.map((clause) => {
      if (earlierTrue) return false;
      const truth = clause.test ? this.truth(clause.test, scope, fs, depth) : true;
      if (truth === true) earlierTrue = true;
      return truth;
    });
    defaultClause = truths.findIndex((t) => t === true);
    if (defaultClause < 0) defaultClause = clauses.length - 1;

    const worlds: Scope[] = [];
    let returned: Value | undefined;
    clauses.forEach((clause, index) => {
      const branch = new Map(scope);
      if (clause.body && raises(clause.body)) {
        // A check that stops the app: what it tests fails closed when the check trips by default.
        if (clause.test && truths[index] !== false) this.markFailClosed(clause.test, scope, fs, depth);
        if (!clause.test) this.markPresenceChecks(clauses, scope, fs, depth);
        return;
      }
      const result = clause.body ? this.exec(clause.body.namedChildren, branch, fs, depth) : undefined;
      if (index === defaultClause) returned = result;
      worlds[index] = branch;
    });
    const baseline = worlds[defaultClause] ?? scope;
    const conditionReads = clauses.flatMap((c) => (c.test ? this.testReads(c.test, scope, fs, depth) : []));
    const names = new Set(worlds.flatMap((w) => (w ? [...w.keys()] : [])));
    for (const name of names) {
      const chosen = baseline.get(name);
      const others = worlds
        .filter((w, i) => w && i !== defaultClause)
        .map((w) => w.get(name))
        .filter((v): v is Value => v !== undefined && v !== chosen);
      if (others.length === 0) {
        if (chosen) scope.set(name, chosen);
        continue;
      }
      this.noteBranchOnly(chosen, others);
      scope.set(name, considerBoth(chosen, others, conditionReads, node, fs));
    }
    return returned;
  }

  /** The reads of branches not taken by default that the taken branch does not make too. */
  private noteBranchOnly(chosen: Value | undefined, others: Value[]): void {
    const taken = new Set(readsOf(chosen));
    for (const read of others.flatMap((other) => readsOf(other)))
      if (!taken.has(read)) this.branchOnly.add(read);
  }

  /** Env reads a test depends on: direct reads and those of the names it uses. */
  private testReads(test: Node, scope: Scope, fs: FileScope, depth: number): EnvRead[] {
    const found: EnvRead[] = [];
    for (const inner of descendants(test)) {
      if (inner.type === "identifier" && scope.has(inner.text)) found.push(...readsOf(scope.get(inner.text)));
      else if (inner.type === "call" || inner.type === "subscript") {
        const read = this.envRead(inner, scope, fs, depth);
        if (read) found.push(read);
      } else if (inner.type === "comparison_operator") {
        const presence = presenceTest(inner);
        if (presence) found.push(this.syntheticRead(presence, inner, fs));
      }
    }
    return found;
  }

  private markFailClosed(test: Node, scope: Scope, fs: FileScope, depth: number): void {
    const at = { file: fs.file, line: lineOf(test) };
    for (const read of this.testReads(test, scope, fs, depth)) {
      // `and not DEBUG` says when the check applies; the switch itself is not what it validates.
      if (typeof read.defaultLiteral === "boolean" || /\.bool$/.test(read.via)) continue;
      if (!this.failClosed.has(read.name)) this.failClosed.set(read.name, at);
    }
  }

  /** `if os.environ.get("X"): ... else: raise`: X is required. */
  private markPresenceChecks(
    clauses: { test: Node | null }[],
    scope: Scope,
    fs: FileScope,
    depth: number,
  ): void {
    for (const clause of clauses) if (clause.test) this.markFailClosed(clause.test, scope, fs, depth);
  }

  private syntheticRead(name: string, node: Node, fs: FileScope): EnvRead {
    return {
      name,
      required: false,
      defaultExpression: null,
      via: "in os.environ",
      location: { file: fs.file, line: lineOf(node) },
    };
  }

  /** A test's truth when every optional variable is unset; undefined when it depends on more. */
  truth(test: Node, scope: Scope, fs: FileScope, depth: number): boolean | undefined {
    if (this.nesting >= MAX_NESTING) return undefined;
    this.nesting += 1;
    try {
      return this.truthOf(test, scope, fs, depth);
    } finally {
      this.nesting -= 1;
    }
  }

  private truthOf(test: Node, scope: Scope, fs: FileScope, depth: number): boolean | undefined {
    switch (test.type) {
      case "not_operator": {
        const inner = test.childForFieldName("argument");
        const value = inner ? this.truth(inner, scope, fs, depth) : undefined;
        return value === undefined ? undefined : !value;
      }
      case "parenthesized_expression":
        return test.namedChildren[0] ? this.truth(test.namedChildren[0], scope, fs, depth) : undefined;
      case "boolean_operator": {
        const left = test.childForFieldName("left");
        const right = test.childForFieldName("right");
        const a = left ? this.truth(left, scope, fs, depth) : undefined;
        const b = right ? this.truth(right, scope, fs, depth) : undefined;
        if (
          test.childForFieldName("operator")?.text === "or" ||
          / or /.test(test.text.slice(left?.text.length ?? 0, (left?.text.length ?? 0) + 4))
        ) {
          if (a === true || b === true) return true;
          return a === false && b === false ? false : undefined;
        }
        if (a === false || b === false) return false;
        return a === true && b === true ? true : undefined;
      }
      case "comparison_operator": {
        if (presenceTest(test)) return /\bnot\s+in\b/.test(test.text);
        const operands = test.namedChildren.filter((c): c is Node => c !== null);
        const operators = test.children.filter((c) => c && !c.isNamed).map((c) => c?.text ?? "");
        if (operands.length !== 2) return undefined;
        const a = this.defaultOf(operands[0], scope, fs, depth);
        const b = this.defaultOf(operands[1], scope, fs, depth);
        return compare(a, operators.join(" "), b);
      }
      default: {
        const value = this.defaultOf(test, scope, fs, depth);
        return value === undefined ? undefined : pyTruth(value);
      }
    }
  }

  /** An expression's literal value when every optional variable is unset. */
  private defaultOf(node: Node, scope: Scope, fs: FileScope, depth: number): Literal | undefined {
    const literal = literalNode(node);
    if (literal !== undefined) return literal;
    if (node.type === "call") {
      const callee = node.childForFieldName("function");
      const args = argumentsOf(node);
      if (callee?.text === "len" && args.positional[0]) {
        const inner = this.defaultOf(args.positional[0], scope, fs, depth);
        return typeof inner === "string" ? inner.length : undefined;
      }
      if (callee?.type === "attribute") {
        const method = callee.childForFieldName("attribute")?.text ?? "";
        const object = callee.childForFieldName("object");
        const base = object ? this.defaultOf(object, scope, fs, depth) : undefined;
        if (STRING_METHODS.has(method)) {
          if (typeof base !== "string") return base === null ? undefined : base;
          return method === "lower" || method === "casefold"
            ? base.toLowerCase()
            : method === "upper"
              ? base.toUpperCase()
              : base.trim();
        }
        if ((method === "startswith" || method === "endswith") && args.positional[0]) {
          const prefix = literalNode(args.positional[0]);
          if (typeof base === "string" && typeof prefix === "string")
            return method === "startswith" ? base.startsWith(prefix) : base.endsWith(prefix);
          return base === null ? undefined : undefined;
        }
      }
    }
    const value = this.eval(node, scope, fs, depth);
    if (value.t === "leaf") return value.literal;
    const truth = defaultTruthOf(value);
    return truth === undefined ? undefined : truth;
  }

  private leaf(node: Node, fs: FileScope, reads: EnvRead[] = [], literal?: Literal): LeafValue {
    return { t: "leaf", node, file: fs.file, reads, ...(literal !== undefined ? { literal } : {}) };
  }

  /** Evaluates an expression to a value (unknown parts keep their env reads). */
  eval(node: Node, scope: Scope, fs: FileScope, depth: number): Value {
    // Real settings nest a few levels; adversarial text nests thousands, beyond any reviewer's reading.
    if (this.nesting >= MAX_NESTING) return this.leaf(node, fs);
    this.nesting += 1;
    try {
      return this.evalNode(node, scope, fs, depth);
    } finally {
      this.nesting -= 1;
    }
  }

  private evalNode(node: Node, scope: Scope, fs: FileScope, depth: number): Value {
    const literal = literalNode(node);
    if (literal !== undefined) return this.leaf(node, fs, [], literal);
    switch (node.type) {
      case "identifier": {
        const bound = scope.get(node.text) ?? fs.globals.get(node.text);
        return bound ?? this.leaf(node, fs);
      }
      case "parenthesized_expression":
        return node.namedChildren[0]
          ? this.eval(node.namedChildren[0], scope, fs, depth)
          : this.leaf(node, fs);
      case "list":
      case "tuple":
      case "set": {
        const items: Value[] = [];
        let open = false;
        for (const child of node.namedChildren) {
          if (!child || child.type === "comment") continue;
          if (child.type === "list_splat") {
            const inner = child.namedChildren[0]
              ? this.eval(child.namedChildren[0], scope, fs, depth)
              : undefined;
            if (inner?.t === "list") {
              items.push(...inner.items);
              open ||= inner.open;
            } else open = true;
          } else items.push(this.eval(child, scope, fs, depth));
        }
        return { t: "list", items, open, node, file: fs.file, reads: [] };
      }
      case "dictionary": {
        const entries = new Map<string, Value>();
        let open = false;
        const reads: EnvRead[] = [];
        for (const child of node.namedChildren) {
          if (child?.type === "pair") {
            const key = child.childForFieldName("key");
            const value = child.childForFieldName("value");
            if (key?.type === "string" && value)
              entries.set(stringValue(key), this.eval(value, scope, fs, depth));
            else {
              open = true;
              if (value) reads.push(...readsOf(this.eval(value, scope, fs, depth)));
            }
          } else if (child?.type === "dictionary_splat") {
            const inner = child.namedChildren[0]
              ? this.eval(child.namedChildren[0], scope, fs, depth)
              : undefined;
            if (inner?.t === "dict") for (const [k, v] of inner.entries) entries.set(k, v);
            else open = true;
          }
        }
        return { t: "dict", entries, open, node, file: fs.file, reads };
      }
      case "binary_operator": {
        const left = node.childForFieldName("left");
        const right = node.childForFieldName("right");
        const operator = node.childForFieldName("operator")?.text;
        if (!left || !right) return this.generic(node, scope, fs, depth);
        const a = this.eval(left, scope, fs, depth);
        const b = this.eval(right, scope, fs, depth);
        if (operator === "+" && (a.t === "list" || b.t === "list")) return concat(a, b, node, fs);
        if (operator === "|" && a.t === "dict" && b.t === "dict") return mergeDicts(a, b, node, fs);
        return this.leaf(node, fs, [...readsOf(a), ...readsOf(b)]);
      }
      case "boolean_operator":
        return this.booleanOperator(node, scope, fs, depth);
      case "comparison_operator": {
        const reads = this.generic(node, scope, fs, depth).reads;
        const truth = this.truth(node, scope, fs, depth);
        // `os.environ.get("DEBUG", "False") == "True"`: the read's default is the comparison's result.
        const derived =
          reads.length === 1 && truth !== undefined ? [{ ...reads[0], defaultLiteral: truth }] : reads;
        return this.leaf(node, fs, derived, truth);
      }
      case "conditional_expression": {
        const [whenTrue, test, whenFalse] = node.namedChildren;
        if (!whenTrue || !test || !whenFalse) return this.generic(node, scope, fs, depth);
        const truth = this.truth(test, scope, fs, depth);
        const taken = this.eval(truth === true ? whenTrue : whenFalse, scope, fs, depth);
        const other = this.eval(truth === true ? whenFalse : whenTrue, scope, fs, depth);
        this.noteBranchOnly(taken, [other]);
        return considerBoth(taken, [other], this.testReads(test, scope, fs, depth), node, fs);
      }
      case "subscript": {
        const read = this.envRead(node, scope, fs, depth);
        if (read) return this.leaf(node, fs, [read]);
        const path = subscriptPath(node);
        const root = path ? (scope.get(path.root) ?? fs.globals.get(path.root)) : undefined;
        const found = root && path ? getPath(root, path.keys) : undefined;
        return found ?? this.generic(node, scope, fs, depth);
      }
      case "call":
        return this.call(node, scope, fs, depth);
      default:
        return this.generic(node, scope, fs, depth);
    }
  }

  /** An expression the reader does not model: its env reads are kept. */
  private generic(node: Node, scope: Scope, fs: FileScope, depth: number): LeafValue {
    const reads: EnvRead[] = [];
    for (const child of node.namedChildren) {
      if (child && child.type !== "comment") reads.push(...readsOf(this.eval(child, scope, fs, depth)));
    }
    return this.leaf(node, fs, [...new Set(reads)]);
  }

  /** `os.environ.get("X") or "fallback"`: the right side is X's default. */
  private booleanOperator(node: Node, scope: Scope, fs: FileScope, depth: number): Value {
    const left = node.childForFieldName("left");
    const right = node.childForFieldName("right");
    if (!left || !right) return this.generic(node, scope, fs, depth);
    const a = this.eval(left, scope, fs, depth);
    const b = this.eval(right, scope, fs, depth);
    const isOr = node.children.some((c) => c?.text === "or");
    if (isOr && a.t === "leaf" && a.reads.length === 1 && !a.reads[0].required) {
      const read = a.reads[0];
      const bRequired = readsOf(b).some((r) => r.required);
      const fallback: EnvRead =
        read.defaultLiteral === undefined || !pyTruth(read.defaultLiteral ?? null)
          ? bRequired
            ? { ...read, required: true }
            : {
                ...read,
                defaultExpression: right.text.slice(0, EXPRESSION_LIMIT),
                ...(b.t === "leaf" && b.literal !== undefined ? { defaultLiteral: b.literal } : {}),
              }
          : read;
      const literal = b.t === "leaf" ? b.literal : undefined;
      return this.leaf(
        node,
        fs,
        [fallback, ...readsOf(b).filter((r) => r !== read)],
        bRequired ? undefined : literal,
      );
    }
    return this.leaf(node, fs, [...readsOf(a), ...readsOf(b)]);
  }

  private call(node: Node, scope: Scope, fs: FileScope, depth: number): Value {
    const callee = node.childForFieldName("function");
    const calleeText = callee?.text ?? "";
    const args = argumentsOf(node);
    const bound =
      callee?.type === "identifier" ? (scope.get(calleeText) ?? fs.globals.get(calleeText)) : undefined;
    const helper =
      bound?.t === "function"
        ? bound
        : callee?.type === "identifier"
          ? this.importedFunction(calleeText, fs)
          : undefined;

    if (callee?.type === "identifier" && /^environ\.Env$|^Env$/.test(calleeText))
      return this.environ(node, fs);
    if (callee?.type === "attribute" && /(^|\.)Env$/.test(calleeText)) return this.environ(node, fs);

    if (helper) return this.callHelper(helper, node, args, scope, fs, depth);

    const read = this.envRead(node, scope, fs, depth);
    if (
      DATABASE_URL_CALLEE.test(calleeText) &&
      (/dj_database_url/.test(calleeText) || this.isEnviron(callee, scope, fs))
    ) {
      return this.databaseUrl(node, args, read, scope, fs, depth);
    }
    if (read) {
      if (/\.list$|\.tuple$/.test(read.via))
        return { t: "list", items: [], open: true, node, file: fs.file, reads: [read] };
      return this.leaf(
        node,
        fs,
        [read],
        read.required
          ? undefined
          : (read.defaultLiteral ?? (read.defaultExpression === null ? null : undefined)),
      );
    }
    if (callee?.type === "attribute") {
      const method = callee.childForFieldName("attribute")?.text ?? "";
      const object = callee.childForFieldName("object");
      const base = object ? this.eval(object, scope, fs, depth) : undefined;
      if (base && method === "split")
        return { t: "list", items: [], open: true, node, file: fs.file, reads: readsOf(base) };
      if (base?.t === "leaf" && STRING_METHODS.has(method)) {
        const literal =
          typeof base.literal === "string" ? this.defaultOf(node, scope, fs, depth) : base.literal;
        return this.leaf(node, fs, base.reads, literal);
      }
      if (base && method === "copy") return base;
    }
    if (/^(bool|str|int|float)$/.test(calleeText) && args.positional[0]) {
      const inner = this.eval(args.positional[0], scope, fs, depth);
      return this.leaf(node, fs, readsOf(inner));
    }
    if (/^(list|tuple)$/.test(calleeText) && args.positional[0]) {
      const inner = this.eval(args.positional[0], scope, fs, depth);
      if (inner.t === "list") return inner;
    }
    return this.generic(node, scope, fs, depth);
  }

  private isEnviron(callee: Node | null, scope: Scope, fs: FileScope): boolean {
    const object = callee?.type === "attribute" ? callee.childForFieldName("object") : null;
    if (!object) return false;
    const bound = scope.get(object.text) ?? fs.globals.get(object.text);
    return bound?.t === "environ" || object.text === "env";
  }

  private environ(node: Node, fs: FileScope): EnvironValue {
    const schemeDefaults = new Map<string, Node>();
    for (const { name, value } of argumentsOf(node).keywords) {
      // `DEBUG=(bool, False)`: the second element is the default.
      if (value.type === "tuple" && value.namedChildren[1]) schemeDefaults.set(name, value.namedChildren[1]);
    }
    return { t: "environ", schemeDefaults, node, file: fs.file, reads: [] };
  }

  /** `dj_database_url.config(...)`, `.parse(...)`, `env.db(...)`: a database dict read from a URL. */
  private databaseUrl(
    node: Node,
    args: Arguments,
    read: EnvRead | null,
    scope: Scope,
    fs: FileScope,
    depth: number,
  ): DictValue {
    const entries = new Map<string, Value>();
    for (const { name, value } of args.keywords) {
      const setting = DB_KWARGS[name];
      if (setting) entries.set(setting, this.eval(value, scope, fs, depth));
    }
    const reads = [
      ...(read ? [read] : []),
      ...args.positional.flatMap((a) => readsOf(this.eval(a, scope, fs, depth))),
      ...args.keywords
        .filter((k) => !DB_KWARGS[k.name])
        .flatMap((k) => readsOf(this.eval(k.value, scope, fs, depth))),
    ];
    return { t: "dict", entries, open: true, node, file: fs.file, reads: [...new Set(reads)] };
  }

  private importedFunction(name: string, fs: FileScope): FunctionValue | undefined {
    const imported = fs.imports.get(name);
    if (!imported) return undefined;
    let scope = this.helperModules.get(imported.module);
    if (scope === undefined) {
      const file = this.resolve(imported.module);
      scope = null;
      if (file && !this.files.includes(file)) {
        const text = this.context.read(file);
        const tree = text !== null ? parseWithBudget(this.parser, text) : null;
        if (tree) {
          this.trees.push(tree);
          const globals: Scope = new Map();
          scope = { file, module: imported.module, imports: new Map(), globals };
          // Only definitions: a helper module's other statements are not settings.
          for (const statement of tree.rootNode.namedChildren) {
            if (statement?.type === "function_definition" || statement?.type === "import_from_statement")
              this.statement(statement, globals, scope, MAX_DEPTH);
          }
        }
      }
      this.helperModules.set(imported.module, scope);
    }
    const found = scope?.globals.get(imported.name);
    return found?.t === "function" ? found : undefined;
  }

  /**
   * A helper of the settings or a local module. One that reads the variable named by its parameter
   * and raises when it is missing is a required read; one that only reads it is a read with the
   * default it is given; any other is run with its arguments bound (`database_config(url)`).
   */
  private callHelper(
    helper: FunctionValue,
    node: Node,
    args: Arguments,
    scope: Scope,
    fs: FileScope,
    depth: number,
  ): Value {
    const def = helper.node;
    const body = def.childForFieldName("body");
    const parameters = parametersOf(def);
    const first = args.positional[0];
    const readsParameter =
      body !== null &&
      parameters.length > 0 &&
      descendantsOf(body).some(
        (n) =>
          (n.type === "call" || n.type === "subscript") &&
          /(environ|getenv|env)\b/.test(n.text) &&
          new RegExp(`\\b${parameters[0].name}\\b`).test(n.text.replace(/^[^([]*/, "")),
      );
    if (readsParameter && first?.type === "string") {
      const passedDefault =
        args.keywords.find((k) => parameters.slice(1).some((p) => p.name === k.name))?.value ??
        args.positional[1] ??
        null;
      const raisesWhenMissing = raises(body);
      const required = raisesWhenMissing && (passedDefault === null || literalNode(passedDefault) === null);
      const read: EnvRead = {
        name: stringValue(first),
        required,
        defaultExpression:
          required || passedDefault === null ? null : passedDefault.text.slice(0, EXPRESSION_LIMIT),
        via: helper.name,
        location: { file: fs.file, line: lineOf(node) },
      };
      const literal = passedDefault ? literalNode(passedDefault) : undefined;
      if (!required && literal !== undefined) read.defaultLiteral = literal;
      return this.leaf(
        node,
        fs,
        [read],
        required ? undefined : (literal ?? (passedDefault ? undefined : null)),
      );
    }
    if (!body || depth >= MAX_DEPTH) return this.generic(node, scope, fs, depth);
    const local: Scope = new Map();
    parameters.forEach((parameter, index) => {
      const given =
        args.keywords.find((k) => k.name === parameter.name)?.value ??
        args.positional[index] ??
        parameter.default;
      if (given) local.set(parameter.name, this.eval(given, scope, fs, depth));
    });
    const helperScope: FileScope = { ...helper.module, globals: helper.module.globals };
    const returned = this.exec(body.namedChildren, local, helperScope, depth + 1);
    return returned ?? this.generic(node, scope, fs, depth);
  }

  /** An environment read at `node` (a call or `os.environ[...]`), or null. */
  envRead(node: Node, scope: Scope, fs: FileScope, depth: number): EnvRead | null {
    const at = { file: fs.file, line: lineOf(node) };
    if (node.type === "subscript") {
      const value = node.childForFieldName("value");
      const key = node.childForFieldName("subscript");
      if (!value || !key || !/^(os\.)?environ$/.test(value.text) || key.type !== "string") return null;
      return {
        name: stringValue(key),
        required: true,
        defaultExpression: null,
        via: "os.environ[]",
        location: at,
      };
    }
    if (node.type !== "call") return null;
    const callee = node.childForFieldName("function");
    const calleeText = callee?.text ?? "";
    const args = argumentsOf(node);
    const first = args.positional[0];
    const environObject = this.isEnviron(callee, scope, fs) || /^env$/.test(calleeText);
    const isDatabaseUrl = /(^|\.)(db|db_url|database_url)$/.test(calleeText) && environObject;
    const isDjDatabaseUrlConfig = /dj_database_url\.config$/.test(calleeText);
    const requireStyle = REQUIRE_CALLEE.test(calleeText);
    const raising = RAISING_ENV_CALLEE.test(calleeText) || (environObject && callee?.type === "attribute");
    if (!isDatabaseUrl && !isDjDatabaseUrlConfig && (!first || first.type !== "string")) return null;
    if (
      !isDatabaseUrl &&
      !isDjDatabaseUrlConfig &&
      !requireStyle &&
      !raising &&
      !PLAIN_ENV_CALLEE.test(calleeText)
    )
      return null;
    const name = isDjDatabaseUrlConfig
      ? (args.keywords.find((k) => k.name === "env")?.value ?? null)
      : isDatabaseUrl
        ? (first ?? args.keywords.find((k) => k.name === "var")?.value ?? null)
        : first;
    const variable = name?.type === "string" ? stringValue(name) : "DATABASE_URL";
    const keyword = args.keywords.find((k) => k.name === "default")?.value ?? null;
    const positionalDefault = isDjDatabaseUrlConfig || isDatabaseUrl ? null : (args.positional[1] ?? null);
    let defaultNode = keyword ?? positionalDefault;
    // django-environ: `environ.Env(DEBUG=(bool, False))` gives env("DEBUG") its default.
    if (!defaultNode && environObject) {
      const object = callee?.type === "attribute" ? callee.childForFieldName("object")?.text : calleeText;
      const bound = object ? (scope.get(object) ?? fs.globals.get(object)) : undefined;
      if (bound?.t === "environ") defaultNode = bound.schemeDefaults.get(variable) ?? null;
    }
    // `default=require_env("X")` is evaluated first and raises: the read is required, not a fallback.
    const defaultValue = defaultNode ? this.eval(defaultNode, scope, fs, depth) : undefined;
    const defaultRequired = defaultValue !== undefined && readsOf(defaultValue).some((r) => r.required);
    const raisesWhenMissing = raising || isDatabaseUrl || isDjDatabaseUrlConfig;
    const required = requireStyle || defaultRequired || (raisesWhenMissing && defaultNode === null);
    const read: EnvRead = {
      name: variable,
      required,
      defaultExpression: defaultNode && !defaultRequired ? defaultNode.text.slice(0, EXPRESSION_LIMIT) : null,
      via: calleeText,
      location: at,
    };
    if (defaultNode && !defaultRequired) {
      const literal = defaultLiteralOf(defaultNode);
      if (literal !== undefined) read.defaultLiteral = literal;
    }
    return read;
  }
}

interface Arguments {
  positional: Node[];
  keywords: { name: string; value: Node }[];
}

function argumentsOf(call: Node): Arguments {
  const args = call.childForFieldName("arguments");
  const positional: Node[] = [];
  const keywords: { name: string; value: Node }[] = [];
  for (const child of args?.namedChildren ?? []) {
    if (!child || child.type === "comment") continue;
    if (child.type === "keyword_argument") {
      const name = child.childForFieldName("name")?.text;
      const value = child.childForFieldName("value");
      if (name && value) keywords.push({ name, value });
    } else positional.push(child);
  }
  return { positional, keywords };
}

function parametersOf(def: Node): { name: string; default: Node | null }[] {
  const parameters = def.childForFieldName("parameters");
  return (parameters?.namedChildren ?? []).flatMap((p) => {
    if (!p) return [];
    if (p.type === "identifier") return [{ name: p.text, default: null }];
    if (p.type === "default_parameter" || p.type === "typed_default_parameter") {
      const name = p.childForFieldName("name")?.text;
      return name ? [{ name, default: p.childForFieldName("value") }] : [];
    }
    if (p.type === "typed_parameter") {
      const name = p.namedChildren.find((c) => c?.type === "identifier")?.text;
      return name ? [{ name, default: null }] : [];
    }
    return [];
  });
}

function descendantsOf(node: Node): Node[] {
  return [...descendants(node)];
}

/** The block stops the app: a `raise`, or `sys.exit(...)`, among its own statements. */
function raises(block: Node): boolean {
  return descendantsOf(block).some(
    (n) =>
      n.type === "raise_statement" ||
      (n.type === "call" && /^(sys\.exit|exit|quit)$/.test(n.childForFieldName("function")?.text ?? "")),
  );
}

/** `"X" in os.environ` / `"X" not in os.environ`: the variable X. */
function presenceTest(node: Node): string | null {
  const [left, right] = node.namedChildren;
  if (left?.type === "string" && right && /^(os\.)?environ$/.test(right.text) && /\bin\b/.test(node.text))
    return stringValue(left);
  return null;
}

function compare(a: Literal | undefined, operator: string, b: Literal | undefined): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  switch (operator) {
    case "==":
    case "is":
      return a === b;
    case "!=":
    case "is not":
      return a !== b;
    case "<":
      return a !== null && b !== null && a < b;
    case ">":
      return a !== null && b !== null && a > b;
    case "<=":
      return a !== null && b !== null && a <= b;
    case ">=":
      return a !== null && b !== null && a >= b;
    default:
      return undefined;
  }
}

function importTarget(statement: Node, module: string, file: string): string | null {
  const name = statement.childForFieldName("module_name");
  if (!name) return null;
  if (name.type === "relative_import") {
    const prefix = name.namedChildren.find((c) => c?.type === "import_prefix")?.text ?? ".";
    const dotted = name.namedChildren.find((c) => c?.type === "dotted_name")?.text ?? "";
    let pkg = (file.endsWith("__init__.py") ? module : module.split(".").slice(0, -1).join(".")).split(".");
    for (let i = 1; i < prefix.length; i++) pkg = pkg.slice(0, -1);
    return [...pkg, ...(dotted ? [dotted] : [])].filter((p) => p !== "").join(".");
  }
  return name.text;
}

/** `X["a"]["b"]` -> root X, keys [a, b]; null for anything else. */
function subscriptPath(node: Node): { root: string; keys: string[] } | null {
  const path = subscriptKeys(node);
  return path?.base.type === "identifier" ? { root: path.base.text, keys: path.keys } : null;
}

/** `X["a"]["b"]` -> the expression subscripted (`X`) and the string keys; null for a key that is not a string. */
function subscriptKeys(node: Node): { base: Node; keys: string[] } | null {
  const keys: string[] = [];
  let current: Node = node;
  while (current.type === "subscript") {
    const key = current.childForFieldName("subscript");
    const value = current.childForFieldName("value");
    if (key?.type !== "string" || !value) return null;
    keys.unshift(stringValue(key));
    current = value;
  }
  return { base: current, keys };
}

function getPath(value: Value, keys: string[]): Value | undefined {
  let current: Value | undefined = value;
  for (const key of keys) current = current?.t === "dict" ? current.entries.get(key) : undefined;
  return current;
}

/** A copy of `value` with the entry at `keys` replaced (missing dicts on the way are created). */
function setPath(value: Value, keys: string[], replacement: Value): Value {
  if (keys.length === 0) return replacement;
  const [key, ...rest] = keys as [string, ...string[]];
  const dict: DictValue =
    value.t === "dict"
      ? value
      : { t: "dict", entries: new Map(), open: true, node: value.node, file: value.file, reads: value.reads };
  const entries = new Map(dict.entries);
  const child = entries.get(key) ?? {
    t: "dict" as const,
    entries: new Map<string, Value>(),
    open: false,
    node: replacement.node,
    file: replacement.file,
    reads: [],
  };
  entries.set(key, setPath(child, rest, replacement));
  return { ...dict, entries };
}

function concat(a: Value, b: Value, node: Node, fs: FileScope): Value {
  const items = [...(a.t === "list" ? a.items : []), ...(b.t === "list" ? b.items : [])];
  const open = (a.t === "list" ? a.open : true) || (b.t === "list" ? b.open : true);
  const reads = [...(a.t === "list" ? a.reads : readsOf(a)), ...(b.t === "list" ? b.reads : readsOf(b))];
  return {
    t: "list",
    items,
    open,
    node: a.t === "list" ? a.node : node,
    file: a.t === "list" ? a.file : fs.file,
    reads,
  };
}

function mergeDicts(a: Value, b: Value, node: Node, fs: FileScope): Value {
  if (a.t !== "dict" || b.t !== "dict") {
    return { t: "leaf", node, file: fs.file, reads: [...readsOf(a), ...readsOf(b)] };
  }
  return {
    ...a,
    entries: new Map([...a.entries, ...b.entries]),
    open: a.open || b.open,
    reads: [...a.reads, ...b.reads],
  };
}

/**
 * The value of a name an `if` sets differently in its branches: the branch taken when no optional
 * variable is set, still carrying the other branches' reads. When the test reads variables, taking
 * the default branch is a fallback of those variables, recorded as a read with that default.
 * Dicts of settings are merged per key, so `DATABASES["default"]` and `["audit"]` are judged apart.
 */
function considerBoth(
  chosen: Value | undefined,
  others: Value[],
  conditionReads: EnvRead[],
  node: Node,
  fs: FileScope,
  level = 0,
): Value {
  const base = chosen ?? others[0];
  if (level === 0 && base.t === "dict" && others.every((o) => o.t === "dict")) {
    const entries = new Map(base.entries);
    const keys = new Set([
      ...entries.keys(),
      ...others.flatMap((o) => (o.t === "dict" ? [...o.entries.keys()] : [])),
    ]);
    for (const key of keys) {
      const mine = chosen?.t === "dict" ? chosen.entries.get(key) : undefined;
      const theirs = others
        .map((o) => (o.t === "dict" ? o.entries.get(key) : undefined))
        .filter((v): v is Value => v !== undefined && v !== mine);
      if (theirs.length > 0)
        entries.set(key, considerBoth(mine, theirs, conditionReads, node, fs, level + 1));
    }
    return { ...base, entries };
  }
  const fallbacks: EnvRead[] = chosen
    ? [...new Map(conditionReads.map((r) => [r.name, r])).values()].map((read) => ({
        name: read.name,
        required: false,
        defaultExpression: chosen.node.text.slice(0, EXPRESSION_LIMIT),
        ...(chosen.t === "leaf" && chosen.literal !== undefined ? { defaultLiteral: chosen.literal } : {}),
        via: `if ${read.via}`,
        location: read.location,
      }))
    : [];
  const otherReads = others.flatMap((o) => readsOf(o));
  // A configured database in one branch is what the app is meant to use; the other branch is its fallback.
  if (base.t === "dict" && chosen && others.some((o) => o.t === "dict")) {
    const configured = others.find((o) => o.t === "dict") as DictValue;
    return { ...configured, reads: [...fallbacks, ...configured.reads, ...readsOf(chosen)] };
  }
  return { ...base, reads: [...fallbacks, ...base.reads, ...otherReads] } as Value;
}
