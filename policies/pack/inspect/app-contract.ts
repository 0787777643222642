/**
 * What the app offers the deployment that runs it: the management commands it defines, the URL
 * paths its URL configuration routes (and the paths a middleware answers before routing), and
 * whether a WSGI module defines its callable. The components assume some of these (release steps
 * that call `lockdown_audit_db`, probes of `/healthz/`); the contract rules check them.
 *
 * Route and include arguments are string literals in `path()`/`re_path()`/`include()` calls, so a
 * regular expression over the source is enough here; a route built at run time makes the
 * configuration `dynamic` (unknown), never "missing".
 */
import * as path from "path";
import type { ContextFiles } from "./context-files";
import type { ManagementCommandFact, UrlConfigurationFacts } from "./facts";
import { resolveModule } from "./settings";

/** `<app>/management/commands/<name>.py` files of the context (tests and vendored folders excluded). */
export function readManagementCommands(files: ContextFiles): ManagementCommandFact[] {
  return files
    .list()
    .filter((f) => /(^|\/)management\/commands\/[A-Za-z]\w*\.py$/.test(f))
    .filter((f) => !/(^|\/)(node_modules|site-packages|\.?venv)\//.test(f))
    .map((file) => ({ command: path.posix.basename(file, ".py"), file }));
}

const MAX_INCLUDE_DEPTH = 8;
const CALL =
  /\b(re_path|path|url)\(\s*[rRbBuU]?(["'])(.*?)\2\s*,\s*(include\(\s*[rRbBuU]?(["'])([\w.]+)\5)?/g;

/** The URL paths ROOT_URLCONF routes, following `include("module")` with its prefix. */
export function readUrlConfiguration(
  files: ContextFiles,
  rootUrlconf: string | null,
  sourceRoots: string[],
  middleware: readonly string[],
): UrlConfigurationFacts {
  const facts: UrlConfigurationFacts = {
    module: rootUrlconf,
    file: null,
    routes: [],
    dynamic: false,
    middlewarePaths: [],
  };
  if (rootUrlconf === null) return facts;
  facts.file = resolveModule(files, rootUrlconf, sourceRoots);
  const visit = (module: string, prefix: string, depth: number) => {
    const file = resolveModule(files, module, sourceRoots);
    const text = file === null ? null : files.read(file);
    if (file === null || text === null) {
      // A package's URLs (django.contrib.admin, a third-party app) are outside the context.
      if (depth > 0) return;
      facts.dynamic = true;
      return;
    }
    for (const match of text.matchAll(CALL)) {
      const [, kind, , route, , , included] = match;
      const line = text.slice(0, match.index).split("\n").length;
      const literal = kind === "path" ? route : regexRoute(route);
      if (literal === null) {
        facts.dynamic = true;
        continue;
      }
      const full = prefix + literal;
      if (included !== undefined) {
        if (depth < MAX_INCLUDE_DEPTH) visit(included, full, depth + 1);
        continue;
      }
      facts.routes.push({ path: `/${full}`, location: { file, line } });
    }
    // Patterns built by code the regex cannot read (a loop, a router's .urls) make the list partial.
    if (/\brouter\.urls\b|\+=\s*\[?\s*\w+\(|for\s+\w+\s+in\b/.test(text) && depth === 0) facts.dynamic = true;
  };
  visit(rootUrlconf, "", 0);
  for (const dotted of middleware) {
    const module = dotted.split(".").slice(0, -1).join(".");
    const file = module === "" ? null : resolveModule(files, module, sourceRoots);
    const text = file === null ? null : files.read(file);
    if (file === null || text === null) continue;
    for (const match of text.matchAll(/["'](\/[\w./-]*)["']/g)) {
      const line = text.slice(0, match.index).split("\n").length;
      facts.middlewarePaths.push({ path: match[1], location: { file, line } });
    }
  }
  return facts;
}

/** `^healthz/$` -> `healthz/`; null for a pattern with real regex syntax. */
function regexRoute(pattern: string): string | null {
  const body = pattern.replace(/^\^/, "").replace(/\$$/, "");
  return /^[\w/.-]*$/.test(body) ? body : null;
}
