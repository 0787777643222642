/**
 * Django settings modules -> facts, read with tree-sitter-python (no code is executed). Top-level assignments
 * are followed through `from .base import *` chains in evaluation order, so the last assignment wins like it
 * does at import time. Assignments inside top-level `if`/`try` blocks count too (the reader cannot know the
 * branch; later ones win).
 */
import * as path from "path";
import type { Node, Parser } from "web-tree-sitter";
import type { ContextFiles } from "./context-files";
import type {
  DatabaseAlias,
  EnvRead,
  ListSetting,
  LoggingFacts,
  RouterFacts,
  SettingValue,
  SettingsModuleFacts,
  SourceLocation,
} from "./facts";
import { descendants, lineOf, loadParser, parseWithBudget } from "./grammars";

const MAX_CHAIN_DEPTH = 12;
const EXPRESSION_LIMIT = 200;

/** Context files a dotted module can live in, for each source root (`` = context root). */
export function moduleCandidates(module: string, sourceRoots: string[]): string[] {
  const relative = module.split(".").join("/");
  const roots = sourceRoots.length > 0 ? sourceRoots : [""];
  return roots.flatMap((root) => {
    const base = root === "" ? relative : `${root}/${relative}`;
    return [`${base}.py`, `${base}/__init__.py`];
  });
}

export function resolveModule(files: ContextFiles, module: string, sourceRoots: string[]): string | null {
  if (!/^[A-Za-z_][\w.]*$/.test(module)) return null;
  return moduleCandidates(module, sourceRoots).find((candidate) => files.read(candidate) !== null) ?? null;
}

export async function readSettingsModule(
  files: ContextFiles,
  module: string,
  sourceRoots: string[],
): Promise<SettingsModuleFacts> {
  const parser = await loadParser("python");
  return readSettings(parser, files, module, sourceRoots);
}

interface Evaluation {
  files: string[];
  values: Map<string, { node: Node; value: SettingValue; file: string }>;
  appended: Map<string, string[]>;
  envReads: EnvRead[];
  syntaxErrors: SourceLocation[];
  trees: { delete(): void }[];
}

export function readSettings(
  parser: Parser,
  files: ContextFiles,
  module: string,
  sourceRoots: string[],
): SettingsModuleFacts {
  const file = resolveModule(files, module, sourceRoots);
  const evaluation: Evaluation = {
    files: [],
    values: new Map(),
    appended: new Map(),
    envReads: [],
    syntaxErrors: [],
    trees: [],
  };
  try {
    if (file) evaluateFile(parser, files, file, module, sourceRoots, evaluation, 0);
    return settingsFacts(module, file, evaluation);
  } finally {
    for (const tree of evaluation.trees) tree.delete();
  }
}

function packageOf(module: string, file: string): string {
  const parts = module.split(".");
  return file.endsWith("__init__.py") ? module : parts.slice(0, -1).join(".");
}

function evaluateFile(
  parser: Parser,
  files: ContextFiles,
  file: string,
  module: string,
  sourceRoots: string[],
  evaluation: Evaluation,
  depth: number,
): void {
  if (depth > MAX_CHAIN_DEPTH || evaluation.files.includes(file)) return;
  const text = files.read(file);
  if (text === null) return;
  const tree = parseWithBudget(parser, text);
  if (!tree) {
    evaluation.files.push(file);
    evaluation.syntaxErrors.push({ file, line: 1 });
    return;
  }
  evaluation.trees.push(tree);
  evaluation.files.push(file);
  const at = (node: Node): SourceLocation => ({ file, line: lineOf(node) });
  for (const node of descendants(tree.rootNode)) {
    if (node.type === "ERROR") evaluation.syntaxErrors.push(at(node));
    if (node.type === "call" || node.type === "subscript") {
      const read = envRead(node, at);
      if (read) evaluation.envReads.push(read);
    }
  }
  for (const statement of topLevelStatements(tree.rootNode)) {
    if (
      statement.type === "import_from_statement" &&
      statement.namedChildren.some((c) => c?.type === "wildcard_import")
    ) {
      const target = importTarget(statement, module, file);
      const targetFile = target ? resolveModule(files, target, sourceRoots) : null;
      if (target && targetFile)
        evaluateFile(parser, files, targetFile, target, sourceRoots, evaluation, depth + 1);
      continue;
    }
    const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : null;
    if (!assignment) continue;
    if (assignment.type === "assignment") recordAssignment(assignment, file, at, evaluation);
    if (assignment.type === "augmented_assignment") recordAugmented(assignment, evaluation);
  }
}

/** Module statements plus those nested in top-level if/else/try blocks. */
function topLevelStatements(root: Node): Node[] {
  const statements: Node[] = [];
  const queue: Node[] = [root];
  while (queue.length > 0) {
    const node = queue.pop() as Node;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (
        [
          "if_statement",
          "try_statement",
          "else_clause",
          "elif_clause",
          "except_clause",
          "finally_clause",
          "block",
          "with_statement",
        ].includes(child.type)
      ) {
        queue.push(child);
      } else statements.push(child);
    }
  }
  return statements.sort((a, b) => a.startIndex - b.startIndex);
}

function importTarget(statement: Node, module: string, file: string): string | null {
  const name = statement.childForFieldName("module_name");
  if (!name) return null;
  if (name.type === "relative_import") {
    const prefix = name.namedChildren.find((c) => c?.type === "import_prefix")?.text ?? ".";
    const dotted = name.namedChildren.find((c) => c?.type === "dotted_name")?.text ?? "";
    let pkg = packageOf(module, file).split(".");
    for (let i = 1; i < prefix.length; i++) pkg = pkg.slice(0, -1);
    return [...pkg, ...(dotted ? [dotted] : [])].filter((p) => p !== "").join(".");
  }
  return name.text;
}

function recordAssignment(
  assignment: Node,
  file: string,
  at: (node: Node) => SourceLocation,
  evaluation: Evaluation,
): void {
  const left = assignment.childForFieldName("left");
  const right = assignment.childForFieldName("right");
  if (!left || !right) return;
  if (left.type === "identifier" && /^[A-Z][A-Z0-9_]*$/.test(left.text)) {
    evaluation.values.set(left.text, { node: right, value: settingValue(right, at), file });
    evaluation.appended.delete(left.text);
  } else if (left.type === "subscript") {
    const target = left.childForFieldName("value");
    const key = left.childForFieldName("subscript");
    if (target?.text === "DATABASES" && key?.type === "string") {
      const alias = stringValue(key);
      evaluation.values.set(`DATABASES[${alias}]`, { node: right, value: settingValue(right, at), file });
    }
  }
}

function recordAugmented(assignment: Node, evaluation: Evaluation): void {
  const left = assignment.childForFieldName("left");
  const right = assignment.childForFieldName("right");
  if (!left || !right || left.type !== "identifier") return;
  const items = stringItems(right);
  evaluation.appended.set(left.text, [...(evaluation.appended.get(left.text) ?? []), ...items]);
}

function stringValue(node: Node): string {
  if (node.type === "concatenated_string")
    return node.namedChildren.map((c) => (c ? stringValue(c) : "")).join("");
  const content = node.namedChildren.filter((c) => c?.type === "string_content").map((c) => c?.text ?? "");
  return content.join("");
}

function literalOf(node: Node): string | number | boolean | null | undefined {
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
    case "parenthesized_expression":
      return node.namedChildren[0] ? literalOf(node.namedChildren[0]) : undefined;
    default:
      return undefined;
  }
}

const ENV_CALLEE =
  /^(os\.environ\.get|os\.getenv|environ\.get|getenv|env(\.\w+)?|config|os\.environ\.setdefault|(\w+\.)?(get_)?env_\w+)$/;
const REQUIRE_CALLEE = /(^|\.)(require|required|get_required|must)_?(env|setting|var)\w*$|(^|\.)require\w*$/i;

/** An environment read at `node` (a call or `os.environ[...]`), or null. */
export function envRead(node: Node, at: (node: Node) => SourceLocation): EnvRead | null {
  if (node.type === "subscript") {
    const value = node.childForFieldName("value");
    const key = node.childForFieldName("subscript");
    if (!value || !key || !/^(os\.)?environ$/.test(value.text) || key.type !== "string") return null;
    return {
      name: stringValue(key),
      required: true,
      defaultExpression: null,
      via: "os.environ[]",
      location: at(node),
    };
  }
  const callee = node.childForFieldName("function")?.text ?? "";
  const args = node.childForFieldName("arguments");
  if (!args) return null;
  const positional = args.namedChildren.filter(
    (c): c is Node => c !== null && c.type !== "keyword_argument" && c.type !== "comment",
  );
  const first = positional[0];
  if (!first || first.type !== "string") return null;
  const requireStyle = REQUIRE_CALLEE.test(callee);
  if (!requireStyle && !ENV_CALLEE.test(callee)) return null;
  const keyword = args.namedChildren.find(
    (c) => c?.type === "keyword_argument" && c.childForFieldName("name")?.text === "default",
  );
  const defaultNode = keyword?.childForFieldName("value") ?? positional[1] ?? null;
  const raisesWhenMissing = /^(env(\.\w+)?|config)$/.test(callee);
  const read: EnvRead = {
    name: stringValue(first),
    required: requireStyle || (raisesWhenMissing && defaultNode === null),
    defaultExpression: defaultNode ? defaultNode.text.slice(0, EXPRESSION_LIMIT) : null,
    via: callee,
    location: at(node),
  };
  if (defaultNode) {
    const literal = literalOf(defaultNode);
    if (literal !== undefined) read.defaultLiteral = literal;
  }
  return read;
}

function firstEnvRead(node: Node, at: (node: Node) => SourceLocation): EnvRead | null {
  for (const inner of descendants(node)) {
    if (inner.type === "call" || inner.type === "subscript") {
      const read = envRead(inner, at);
      if (read) return read;
    }
  }
  return null;
}

function settingValue(node: Node, at: (node: Node) => SourceLocation): SettingValue {
  const expression = node.text.slice(0, EXPRESSION_LIMIT);
  const literal = literalOf(node);
  if (literal !== undefined) return { kind: "literal", expression, literal, location: at(node) };
  const env = firstEnvRead(node, at);
  if (env) return { kind: "env", expression, env, location: at(node) };
  return { kind: "expression", expression, location: at(node) };
}

/** String literals in a list/tuple/set (or a single string). */
function stringItems(node: Node): string[] {
  if (node.type === "string" || node.type === "concatenated_string") return [stringValue(node)];
  if (!["list", "tuple", "set", "parenthesized_expression"].includes(node.type)) return [];
  return node.namedChildren.flatMap((c) =>
    c && (c.type === "string" || c.type === "concatenated_string") ? [stringValue(c)] : [],
  );
}

/** `"key": value` pairs anywhere under `node`. */
function pairs(node: Node): { key: string; value: Node; pair: Node }[] {
  const found: { key: string; value: Node; pair: Node }[] = [];
  for (const inner of descendants(node)) {
    if (inner.type !== "pair") continue;
    const key = inner.childForFieldName("key");
    const value = inner.childForFieldName("value");
    if (key?.type === "string" && value) found.push({ key: stringValue(key), value, pair: inner });
  }
  return found;
}

/** The body of a function defined at the top of the same module that `node` calls, if it is one. */
function moduleFunctionCalled(node: Node): Node | null {
  if (node.type !== "call") return null;
  const callee = node.childForFieldName("function");
  if (callee?.type !== "identifier") return null;
  let root: Node = node;
  while (root.parent) root = root.parent;
  for (const statement of root.namedChildren) {
    if (
      statement?.type === "function_definition" &&
      statement.childForFieldName("name")?.text === callee.text
    ) {
      return statement.childForFieldName("body");
    }
  }
  return null;
}

/** `config["KEY"] = value` statements: how helpers fill a settings dict. */
function subscriptAssignments(node: Node): { key: string; value: Node; pair: Node }[] {
  const found: { key: string; value: Node; pair: Node }[] = [];
  for (const inner of descendants(node)) {
    if (inner.type !== "assignment") continue;
    const left = inner.childForFieldName("left");
    const right = inner.childForFieldName("right");
    const key = left?.type === "subscript" ? left.childForFieldName("subscript") : null;
    if (key?.type === "string" && right) found.push({ key: stringValue(key), value: right, pair: inner });
  }
  return found;
}

function keywordArguments(node: Node): { name: string; value: Node }[] {
  const found: { name: string; value: Node }[] = [];
  for (const inner of descendants(node)) {
    if (inner.type !== "keyword_argument") continue;
    const name = inner.childForFieldName("name")?.text;
    const value = inner.childForFieldName("value");
    if (name && value) found.push({ name, value });
  }
  return found;
}

function listSetting(
  entry: { node: Node; value: SettingValue } | undefined,
  appended: string[],
  at: (node: Node) => SourceLocation,
): ListSetting | null {
  if (!entry) return null;
  const items = [...stringItems(entry.node), ...appended];
  const env: EnvRead[] = [];
  for (const inner of descendants(entry.node)) {
    if (inner.type === "call" || inner.type === "subscript") {
      const read = envRead(inner, at);
      if (read) env.push(read);
    }
  }
  const containsWildcard =
    items.some((item) => item.trim() === "*") ||
    env.some(
      (read) => typeof read.defaultLiteral === "string" && read.defaultLiteral.split(/[,\s]+/).includes("*"),
    ) ||
    env.some((read) => read.defaultExpression !== null && /["']\*["']/.test(read.defaultExpression));
  return { items, containsWildcard, env, value: entry.value };
}

function databaseAliases(evaluation: Evaluation): DatabaseAlias[] {
  const aliases: DatabaseAlias[] = [];
  const add = (alias: string, node: Node, file: string): void => {
    const at = (n: Node): SourceLocation => ({ file, line: lineOf(n) });
    const env: EnvRead[] = [];
    for (const inner of descendants(node)) {
      if (inner.type === "call" || inner.type === "subscript") {
        const read = envRead(inner, at);
        if (read) env.push(read);
      }
    }
    // `"default": database_config(url)`: read the module's own helper too, as Django would run it.
    const helper = moduleFunctionCalled(node);
    const keyed = [...pairs(node), ...(helper ? [...pairs(helper), ...subscriptAssignments(helper)] : [])];
    const kwargs = [...keywordArguments(node), ...(helper ? keywordArguments(helper) : [])];
    const text = helper ? `${node.text}\n${helper.text}` : node.text;
    const option = keyed.find((p) => p.key === "OPTIONS");
    const urlDefault =
      kwargs.find((k) => k.name === "default")?.value.text ??
      env.find((read) => read.defaultExpression !== null)?.defaultExpression ??
      null;
    const connHealth =
      keyed.find((p) => p.key === "CONN_HEALTH_CHECKS")?.value ??
      kwargs.find((k) => k.name === "conn_health_checks")?.value;
    const connMaxAge =
      keyed.find((p) => p.key === "CONN_MAX_AGE")?.value ??
      kwargs.find((k) => k.name === "conn_max_age")?.value;
    aliases.push({
      alias,
      env,
      urlDefault,
      connectTimeout:
        keyed.find((p) => p.key === "connect_timeout")?.value.text ??
        /connect_timeout=(\d+)/.exec(text)?.[1] ??
        null,
      optionKeys: option ? pairs(option.value).map((p) => p.key) : [],
      statementTimeout: /statement_timeout/.test(text),
      connHealthChecks: connHealth ? settingValue(connHealth, at) : null,
      connMaxAge: connMaxAge ? settingValue(connMaxAge, at) : null,
      location: at(node),
    });
  };
  const databases = evaluation.values.get("DATABASES");
  if (databases && databases.node.type === "dictionary") {
    for (const child of databases.node.namedChildren) {
      if (child?.type !== "pair") continue;
      const key = child.childForFieldName("key");
      const value = child.childForFieldName("value");
      if (key?.type === "string" && value) add(stringValue(key), value, databases.file);
    }
  }
  for (const [name, entry] of evaluation.values) {
    const match = /^DATABASES\[(.*)\]$/.exec(name);
    if (!match) continue;
    const index = aliases.findIndex((a) => a.alias === match[1]);
    if (index >= 0) aliases.splice(index, 1);
    add(match[1], entry.node, entry.file);
  }
  return aliases;
}

function loggingFacts(entry: { node: Node; file: string } | undefined): LoggingFacts {
  const facts: LoggingFacts = { handlerClasses: [], fileHandlers: [] };
  if (!entry) return facts;
  for (const inner of descendants(entry.node)) {
    if (inner.type !== "dictionary") continue;
    const own = inner.namedChildren.filter((c): c is Node => c?.type === "pair");
    const classPair = own.find(
      (p) =>
        p.childForFieldName("key")?.type === "string" &&
        stringValue(p.childForFieldName("key") as Node) === "class",
    );
    const classValue = classPair?.childForFieldName("value");
    if (!classPair || !classValue || classValue.type !== "string") continue;
    const className = stringValue(classValue);
    const location = { file: entry.file, line: lineOf(classPair) };
    facts.handlerClasses.push({ className, location });
    if (/FileHandler$/.test(className)) {
      const filenamePair = own.find(
        (p) =>
          p.childForFieldName("key")?.type === "string" &&
          stringValue(p.childForFieldName("key") as Node) === "filename",
      );
      const filenameValue = filenamePair?.childForFieldName("value");
      facts.fileHandlers.push({
        className,
        filename: filenameValue
          ? filenameValue.type === "string"
            ? stringValue(filenameValue)
            : filenameValue.text
          : null,
        location,
      });
    }
  }
  return facts;
}

function staticfilesStorage(evaluation: Evaluation): string | null {
  const storages = evaluation.values.get("STORAGES");
  if (storages) {
    const staticfiles = pairs(storages.node).find((p) => p.key === "staticfiles");
    const backend = staticfiles ? pairs(staticfiles.value).find((p) => p.key === "BACKEND") : undefined;
    if (backend) return backend.value.type === "string" ? stringValue(backend.value) : backend.value.text;
  }
  const legacy = evaluation.values.get("STATICFILES_STORAGE");
  if (legacy)
    return typeof legacy.value.literal === "string" ? legacy.value.literal : legacy.value.expression;
  return null;
}

function settingsFacts(module: string, file: string | null, evaluation: Evaluation): SettingsModuleFacts {
  const value = (name: string): SettingValue | null => evaluation.values.get(name)?.value ?? null;
  const atFor =
    (name: string) =>
    (node: Node): SourceLocation => ({
      file: evaluation.values.get(name)?.file ?? file ?? "",
      line: lineOf(node),
    });
  const settings: Record<string, SettingValue> = {};
  for (const [name, entry] of evaluation.values) settings[name] = entry.value;
  const middlewareEntry = evaluation.values.get("MIDDLEWARE");
  const middleware = [
    ...(middlewareEntry ? stringItems(middlewareEntry.node) : []),
    ...(evaluation.appended.get("MIDDLEWARE") ?? []),
  ];
  const routersEntry = evaluation.values.get("DATABASE_ROUTERS");
  const storage = staticfilesStorage(evaluation);
  return {
    module,
    file,
    exists: file !== null,
    files: evaluation.files,
    buildOnly: false,
    runtime: false,
    references: [],
    settings,
    debug: value("DEBUG"),
    secretKey: value("SECRET_KEY"),
    fieldEncryptionKey: value("FIELD_ENCRYPTION_KEY"),
    allowedHosts: listSetting(
      evaluation.values.get("ALLOWED_HOSTS"),
      evaluation.appended.get("ALLOWED_HOSTS") ?? [],
      atFor("ALLOWED_HOSTS"),
    ),
    csrfTrustedOrigins: listSetting(
      evaluation.values.get("CSRF_TRUSTED_ORIGINS"),
      evaluation.appended.get("CSRF_TRUSTED_ORIGINS") ?? [],
      atFor("CSRF_TRUSTED_ORIGINS"),
    ),
    envReads: evaluation.envReads,
    databases: databaseAliases(evaluation),
    databaseRouters: routersEntry
      ? [...stringItems(routersEntry.node), ...(evaluation.appended.get("DATABASE_ROUTERS") ?? [])]
      : [],
    middleware,
    whitenoiseMiddleware: middleware.some((item) => item.toLowerCase().includes("whitenoise")),
    staticfilesStorage: storage,
    compressedManifestStorage: storage !== null && /CompressedManifest/.test(storage),
    logging: loggingFacts(evaluation.values.get("LOGGING")),
    secureProxySslHeader: value("SECURE_PROXY_SSL_HEADER"),
    secureSslRedirect: value("SECURE_SSL_REDIRECT"),
    secureHstsSeconds: value("SECURE_HSTS_SECONDS"),
    sessionCookieSecure: value("SESSION_COOKIE_SECURE"),
    csrfCookieSecure: value("CSRF_COOKIE_SECURE"),
    languages: value("LANGUAGES"),
    languageCode: value("LANGUAGE_CODE"),
    localePaths: value("LOCALE_PATHS"),
    syntaxErrors: evaluation.syntaxErrors,
  };
}

// -------------------------------------------------------------------------------------------------------------
// Database routers

const ROUTER_METHODS = new Set(["db_for_read", "db_for_write", "allow_migrate", "allow_relation"]);

/** The router class named by a DATABASE_ROUTERS entry (`pkg.module.ClassName`). */
export function readRouter(
  parser: Parser,
  files: ContextFiles,
  dotted: string,
  sourceRoots: string[],
): RouterFacts {
  const parts = dotted.split(".");
  const className = parts[parts.length - 1];
  const module = parts.slice(0, -1).join(".");
  const file = module ? resolveModule(files, module, sourceRoots) : null;
  const facts: RouterFacts = { module: dotted, file, routesAudit: false, methods: [], location: null };
  const text = file ? files.read(file) : null;
  if (!file || text === null) return facts;
  const tree = parseWithBudget(parser, text);
  if (!tree) return facts;
  try {
    for (const node of descendants(tree.rootNode)) {
      if (node.type !== "class_definition" || node.childForFieldName("name")?.text !== className) continue;
      facts.location = { file, line: lineOf(node) };
      for (const inner of descendants(node)) {
        if (inner.type !== "function_definition") continue;
        const name = inner.childForFieldName("name")?.text ?? "";
        if (!ROUTER_METHODS.has(name)) continue;
        facts.methods.push(name);
        if (name !== "allow_relation" && /audit/i.test(inner.text)) facts.routesAudit = true;
      }
      // Routers often keep the alias in a class attribute or module constant used by the methods.
      if (!facts.routesAudit && facts.methods.length > 0 && /audit/i.test(node.text))
        facts.routesAudit = true;
      break;
    }
  } finally {
    tree.delete();
  }
  return facts;
}

export async function readRouters(
  files: ContextFiles,
  dotted: string[],
  sourceRoots: string[],
): Promise<RouterFacts[]> {
  if (dotted.length === 0) return [];
  const parser = await loadParser("python");
  return dotted.map((entry) => readRouter(parser, files, entry, sourceRoots));
}

/** `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")` in manage.py / wsgi.py / asgi.py. */
export function defaultSettingsModule(text: string): { module: string; line: number } | null {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z_][\w.]*)["']/.exec(lines[i]);
    if (match) return { module: match[1], line: i + 1 };
  }
  return null;
}

/** Dotted module of a Python file relative to a source root. */
export function moduleOfFile(file: string, sourceRoot: string): string {
  const relative = sourceRoot === "" ? file : path.posix.relative(sourceRoot, file);
  return relative
    .replace(/\.py$/, "")
    .replace(/\/__init__$/, "")
    .split("/")
    .join(".");
}
