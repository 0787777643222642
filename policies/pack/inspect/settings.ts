/**
 * Django settings modules -> facts. The module is evaluated as Python runs it (settings-evaluator.ts:
 * star-imported bases, later assignments, item assignments, appends, helpers, both branches of an `if`);
 * this file turns the final namespace into the facts the rules read, and reads database routers.
 */
import * as path from "path";
import type { Parser } from "web-tree-sitter";
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
import { readsOf, SettingsEvaluator, type EvaluatedModule, type Value } from "./settings-evaluator";

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

export function readSettings(
  parser: Parser,
  files: ContextFiles,
  module: string,
  sourceRoots: string[],
): SettingsModuleFacts {
  const file = resolveModule(files, module, sourceRoots);
  const evaluator = new SettingsEvaluator(parser, files, (name) => resolveModule(files, name, sourceRoots));
  try {
    const evaluated: EvaluatedModule = file
      ? evaluator.evaluate(module, file)
      : { files: [], scope: new Map(), syntaxErrors: [], unparsed: [], envFileLoads: [] };
    return settingsFacts(module, file, evaluated);
  } finally {
    evaluator.dispose();
  }
}

const SETTING_NAME = /^[A-Z][A-Z0-9_]*$/;

function locationOf(value: Value): SourceLocation {
  return { file: value.file, line: lineOf(value.node) };
}

/** The facts form of a value: a literal, an env read (its first), or an expression. */
function settingValue(value: Value): SettingValue {
  const expression = value.node.text.slice(0, EXPRESSION_LIMIT);
  const location = locationOf(value);
  const reads = readsOf(value);
  if (value.t === "leaf" && value.literal !== undefined && reads.length === 0)
    return { kind: "literal", expression, literal: value.literal, location };
  if (reads.length > 0) return { kind: "env", expression, env: reads[0], location };
  return { kind: "expression", expression, location };
}

function stringItems(value: Value | undefined): string[] {
  if (!value) return [];
  if (value.t === "leaf" && typeof value.literal === "string") return [value.literal];
  if (value.t !== "list") return [];
  return value.items.flatMap((item) =>
    item.t === "leaf" && typeof item.literal === "string" ? [item.literal] : [],
  );
}

function listSetting(value: Value | undefined): ListSetting | null {
  if (!value) return null;
  const items = stringItems(value);
  const env = readsOf(value);
  const containsWildcard =
    items.some((item) => item.trim() === "*") ||
    env.some(
      (read) => typeof read.defaultLiteral === "string" && read.defaultLiteral.split(/[,\s]+/).includes("*"),
    ) ||
    env.some((read) => read.defaultExpression !== null && /["']\*["']/.test(read.defaultExpression));
  return { items, containsWildcard, env, value: settingValue(value) };
}

function entry(value: Value | undefined, key: string): Value | undefined {
  return value?.t === "dict" ? value.entries.get(key) : undefined;
}

function databaseAlias(alias: string, value: Value): DatabaseAlias {
  const env = readsOf(value);
  const options = entry(value, "OPTIONS");
  const connectTimeout = entry(options, "connect_timeout");
  const optionText = options ? options.node.text : "";
  // The URL's own fallback: reads of the alias itself (a URL helper, an `if` around it) or of a *_URL variable.
  const urlDefault = env.find(
    (read) =>
      !read.required &&
      read.defaultExpression !== null &&
      (value.reads.includes(read) || /URL$/i.test(read.name)),
  );
  const health = entry(value, "CONN_HEALTH_CHECKS");
  const maxAge = entry(value, "CONN_MAX_AGE");
  const timeoutText =
    connectTimeout?.t === "leaf" && connectTimeout.literal !== undefined
      ? String(connectTimeout.literal)
      : (connectTimeout?.node.text ?? /connect_timeout=(\d+)/.exec(optionText)?.[1] ?? null);
  return {
    alias,
    env,
    urlDefault: urlDefault?.defaultExpression ?? null,
    connectTimeout: timeoutText,
    optionKeys: options?.t === "dict" ? [...options.entries.keys()] : [],
    statementTimeout:
      /statement_timeout/.test(optionText) ||
      (options?.t === "dict" &&
        [...options.entries.values()].some((v) => /statement_timeout/.test(v.node.text))),
    connHealthChecks: health ? settingValue(health) : null,
    connMaxAge: maxAge ? settingValue(maxAge) : null,
    location: locationOf(value),
  };
}

function loggingFacts(value: Value | undefined): LoggingFacts {
  const facts: LoggingFacts = { handlerClasses: [], fileHandlers: [] };
  const stack: Value[] = value ? [value] : [];
  while (stack.length > 0) {
    const current = stack.pop() as Value;
    if (current.t !== "dict") continue;
    stack.push(...[...current.entries.values()].reverse());
    const className = entry(current, "class");
    if (className?.t !== "leaf" || typeof className.literal !== "string") continue;
    const location = locationOf(className);
    facts.handlerClasses.push({ className: className.literal, location });
    if (/FileHandler$/.test(className.literal)) {
      const filename = entry(current, "filename");
      facts.fileHandlers.push({
        className: className.literal,
        filename: filename
          ? filename.t === "leaf" && typeof filename.literal === "string"
            ? filename.literal
            : filename.node.text
          : null,
        location,
      });
    }
  }
  facts.handlerClasses.sort((a, b) => a.location.line - b.location.line);
  return facts;
}

function staticfilesStorage(scope: Map<string, Value>): string | null {
  const backend = entry(entry(scope.get("STORAGES"), "staticfiles"), "BACKEND");
  if (backend)
    return backend.t === "leaf" && typeof backend.literal === "string" ? backend.literal : backend.node.text;
  const legacy = scope.get("STATICFILES_STORAGE");
  if (legacy)
    return legacy.t === "leaf" && typeof legacy.literal === "string" ? legacy.literal : legacy.node.text;
  return null;
}

function settingsFacts(module: string, file: string | null, evaluated: EvaluatedModule): SettingsModuleFacts {
  const scope = evaluated.scope;
  const settingNames = [...scope.keys()].filter((name) => SETTING_NAME.test(name));
  const value = (name: string): SettingValue | null => {
    const found = scope.get(name);
    return found ? settingValue(found) : null;
  };
  const settings: Record<string, SettingValue> = {};
  for (const name of settingNames) {
    const found = scope.get(name);
    if (found && found.t !== "function" && found.t !== "environ") settings[name] = settingValue(found);
  }
  const seen = new Set<EnvRead>();
  const envReads = settingNames.flatMap((name) => readsOf(scope.get(name), seen));
  const middleware = stringItems(scope.get("MIDDLEWARE"));
  const databases = scope.get("DATABASES");
  const storage = staticfilesStorage(scope);
  return {
    module,
    file,
    exists: file !== null,
    files: evaluated.files,
    buildOnly: false,
    runtime: false,
    references: [],
    settings,
    debug: value("DEBUG"),
    secretKey: value("SECRET_KEY"),
    fieldEncryptionKey: value("FIELD_ENCRYPTION_KEY"),
    allowedHosts: listSetting(scope.get("ALLOWED_HOSTS")),
    csrfTrustedOrigins: listSetting(scope.get("CSRF_TRUSTED_ORIGINS")),
    envReads,
    databases:
      databases?.t === "dict" ? [...databases.entries].map(([alias, v]) => databaseAlias(alias, v)) : [],
    databaseRouters: stringItems(scope.get("DATABASE_ROUTERS")),
    middleware,
    whitenoiseMiddleware: middleware.some((item) => item.toLowerCase().includes("whitenoise")),
    staticfilesStorage: storage,
    compressedManifestStorage: storage !== null && /CompressedManifest/.test(storage),
    logging: loggingFacts(scope.get("LOGGING")),
    secureProxySslHeader: value("SECURE_PROXY_SSL_HEADER"),
    secureSslRedirect: value("SECURE_SSL_REDIRECT"),
    secureHstsSeconds: value("SECURE_HSTS_SECONDS"),
    sessionCookieSecure: value("SESSION_COOKIE_SECURE"),
    csrfCookieSecure: value("CSRF_COOKIE_SECURE"),
    languages: value("LANGUAGES"),
    languageCode: value("LANGUAGE_CODE"),
    localePaths: value("LOCALE_PATHS"),
    syntaxErrors: evaluated.syntaxErrors,
    envFileLoads: evaluated.envFileLoads,
    ...(evaluated.unparsed.length > 0 ? { unparsed: evaluated.unparsed } : {}),
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

/**
 * When manage.py / wsgi.py compute DJANGO_SETTINGS_MODULE (a function picks it), the dotted settings
 * modules the file names are what it can return: the same reading as the command's discovery
 * (policies/command/app-deployment/discovery.ts), so the pack judges the candidates it reports.
 */
export function computedSettingsModules(text: string): { modules: string[]; line: number } | null {
  if (defaultSettingsModule(text) !== null) return null;
  const at = text.split("\n").findIndex((l) => !/^\s*#/.test(l) && /DJANGO_SETTINGS_MODULE/.test(l));
  if (at < 0) return null;
  const named = [...text.matchAll(/["']([A-Za-z_]\w*(?:\.\w+)*\.settings(?:\.\w+)*)["']/g)].map((m) => m[1]);
  const modules = [...new Set(named)];
  return modules.length === 0 ? null : { modules, line: at + 1 };
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
