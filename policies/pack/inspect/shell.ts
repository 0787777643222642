/**
 * What one command of a start script does, for every reader of start commands: the image's
 * entrypoint (entrypoint.ts), a container's own command (start-command.ts) and the server a
 * workload starts (server-command.ts). One list of shells and servers, one classification of
 * steps, one table of server options, so the readers cannot disagree.
 *
 * Steps: migrate (an audit migrate is a migrate with `--database`), lockdown, seed, security
 * check, collectstatic, backup, server start, other management commands, and installs or
 * downloads at start.
 */

import { parse as parseShellWords } from "shell-quote";
import type { Node } from "web-tree-sitter";

/** Programs that run a script given with `-c`. */
export const SHELLS: ReadonlySet<string> = new Set(["sh", "bash", "dash", "ash", "zsh", "busybox"]);

export type ServerKind = "gunicorn" | "uvicorn" | "daphne" | "runserver" | "waitress" | "hypercorn";

/** Application servers by program name, and the ones `python -m <module>` starts. */
const SERVER_PROGRAMS: Readonly<Record<string, ServerKind>> = {
  gunicorn: "gunicorn",
  uvicorn: "uvicorn",
  daphne: "daphne",
  hypercorn: "hypercorn",
  "waitress-serve": "waitress",
};
const SERVER_MODULES: ReadonlySet<string> = new Set(["gunicorn", "uvicorn", "daphne", "hypercorn"]);

/** Words that run the rest of the command (`exec gunicorn ...` is gunicorn). */
/** Words that only run the command after them. */
export const PREFIXES: ReadonlySet<string> = new Set(["exec", "env", "command", "sudo", "nohup", "time"]);

export type StepKind =
  | "migrate"
  | "seed"
  | "check"
  | "lockdown"
  | "backup"
  | "collectstatic"
  | "server"
  | "manage"
  | "outside-call";

/** What an install or download at start reaches for. */
export type OutsideCallKind = "pip-install" | "curl" | "wget" | "git" | "apt-get" | "npm";

export interface CommandStep {
  kind: StepKind;
  /** A short description safe to show (program and subcommand, never argument values). */
  label: string;
  /** manage.py / django-admin subcommand, when it is one. */
  manageCommand: string | null;
  /** `--database=<alias>` of the command, when given. */
  database: string | null;
  /** `--settings=<module>` of the command, when given. */
  settings: string | null;
  /** `check --deploy` or a `startup_check`-style security check. */
  deployCheck: boolean;
  /** kind `outside-call`: what it reaches for. */
  outside: OutsideCallKind | null;
}

/** A word as the shell hands it on: quotes around the whole word removed, backslash escapes resolved. */
export function wordValue(node: Node): string {
  const text = node.text;
  if (node.type === "raw_string") return text.slice(1, -1);
  if (node.type === "string") return text.slice(1, -1);
  return text.replace(/\\(.)/g, "$1");
}

/** A simple command's words (its name, then its arguments), without its assignments and redirects. */
export function wordsOf(command: Node): string[] {
  const words: string[] = [];
  for (const child of command.namedChildren) {
    if (!child || child.type === "variable_assignment" || child.type === "file_redirect") continue;
    words.push(wordValue(child.type === "command_name" ? (child.namedChildren[0] ?? child) : child));
  }
  return words;
}

export function basename(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

export function isShell(word: string): boolean {
  return SHELLS.has(basename(word));
}

/** The command without the words that only run it; `exec` tells the command replaces the shell. */
export function withoutPrefixes(argv: readonly string[]): { argv: string[]; exec: boolean } {
  let rest = [...argv];
  let exec = false;
  while (rest.length > 0 && PREFIXES.has(rest[0])) {
    if (rest[0] === "exec") exec = true;
    rest = rest.slice(1);
  }
  return { argv: rest, exec };
}

const SEED_COMMAND = /seed|^(load|populate|init|bootstrap|create_|setup_|import_)/;
const SECURITY_CHECK = /(^|_)(startup|security|deploy)_?check$/;

/** The step a simple command is (prefixes already removed), or undefined when the checklist ignores it. */
export function classifyCommand(argv: readonly string[]): CommandStep | undefined {
  const program = basename(argv[0] ?? "");
  const manageAt = argv.findIndex((a) => basename(a) === "manage.py" || basename(a) === "django-admin");
  if (manageAt >= 0) return manageStep(argv.slice(manageAt + 1));
  if (serverAt(argv, 0) !== undefined) return plain("server", program);
  if (program === "pg_dump" || program === "pg_dumpall" || /backup/i.test(program))
    return plain("backup", program);
  const outside = outsideCall(argv, program);
  if (outside !== null) return { ...plain("outside-call", outsideLabel(argv, program)), outside };
  return undefined;
}

function plain(kind: StepKind, label: string): CommandStep {
  return {
    kind,
    label,
    manageCommand: null,
    database: null,
    settings: null,
    deployCheck: false,
    outside: null,
  };
}

function manageStep(args: string[]): CommandStep {
  const sub = args.find((a) => !a.startsWith("-")) ?? "";
  const database = optionValue(args, ["--database"]);
  const deployCheck = SECURITY_CHECK.test(sub) || (sub === "check" && args.includes("--deploy"));
  const label = `manage.py ${sub}${database ? ` --database=${database}` : ""}${sub === "check" && deployCheck ? " --deploy" : ""}`;
  let kind: StepKind = "manage";
  if (sub === "migrate") kind = "migrate";
  else if (deployCheck) kind = "check";
  else if (/lockdown/.test(sub)) kind = "lockdown";
  else if (sub === "loaddata" || SEED_COMMAND.test(sub)) kind = "seed";
  else if (/backup|dump/.test(sub)) kind = "backup";
  else if (sub === "collectstatic") kind = "collectstatic";
  else if (sub === "runserver") kind = "server";
  return {
    kind,
    label,
    manageCommand: sub || null,
    database,
    settings: optionValue(args, ["--settings"]),
    deployCheck,
    outside: null,
  };
}

function outsideCall(argv: readonly string[], program: string): OutsideCallKind | null {
  if (program === "curl" || program === "wget") return program;
  if (program === "git")
    return ["clone", "pull", "fetch", "submodule"].includes(argv[1] ?? "") ? "git" : null;
  if (/^pip[\d.]*$/.test(program) || program === "uv") return argv.includes("install") ? "pip-install" : null;
  if (/^python[\d.]*$/.test(program))
    return argv[1] === "-m" && /^pip/.test(argv[2] ?? "") && argv.includes("install") ? "pip-install" : null;
  if (program === "apt-get" || program === "apt" || program === "apk")
    return ["install", "add", "update"].some((w) => argv.includes(w)) ? "apt-get" : null;
  if (program === "npm" || program === "yarn")
    return ["install", "ci", "add", "i"].includes(argv[1] ?? "") ? "npm" : null;
  return null;
}

function outsideLabel(argv: readonly string[], program: string): string {
  if (/^python/.test(program) || /^pip/.test(program) || program === "uv") return "pip install";
  if (program === "git" || program === "npm" || program === "yarn") return `${program} ${argv[1]}`;
  if (program === "apk") return "apk add";
  if (program === "apt-get" || program === "apt") return `${program} install`;
  return program;
}

/**
 * A command that asks whether a service (the database) is up yet: what a start script's wait loop
 * polls. `nc -z host port`, `pg_isready`, `wait-for-it`, `mysqladmin ping`, `redis-cli ping`.
 */
export function isReadinessProbe(argv: readonly string[]): boolean {
  const program = basename(argv[0] ?? "");
  if (program === "pg_isready" || /^wait-for(-it)?(\.sh)?$/.test(program)) return true;
  if (["nc", "ncat", "netcat"].includes(program)) return argv.some((a) => /^-[a-zA-Z]*z/.test(a));
  if (program === "mysqladmin" || program === "redis-cli") return argv.includes("ping");
  return false;
}

/** The server `words[i]` starts and where its options begin, or undefined. */
export function serverAt(
  words: readonly string[],
  i: number,
): { server: ServerKind; optionsFrom: number } | undefined {
  const word = basename(words[i] ?? "");
  const program = SERVER_PROGRAMS[word];
  if (program !== undefined) return { server: program, optionsFrom: i + 1 };
  if (/^python[0-9.]*$/.test(word) && words[i + 1] === "-m" && SERVER_MODULES.has(words[i + 2] ?? "")) {
    return { server: words[i + 2] as ServerKind, optionsFrom: i + 3 };
  }
  if (word === "manage.py" && words[i + 1] === "runserver")
    return { server: "runserver", optionsFrom: i + 2 };
  return undefined;
}

/** The options of an application server that matter for hosting, as written (nothing expanded). */
export interface ServerOptions {
  /** `--bind` / `-b` / `--listen` / `--host` + `--port` / runserver's address, as written. */
  bind: string | null;
  /** The bind mentions `$PORT` / `${PORT...}`. */
  usesPortVariable: boolean;
  /** A literal port in the bind (`0.0.0.0:8000` -> 8000). */
  literalPort: number | null;
  workers: string | null;
  threads: string | null;
  timeout: string | null;
  gracefulTimeout: string | null;
  accessLogfile: string | null;
  errorLogfile: string | null;
  /** `-c/--config` file: options missing from the command may be set there. */
  configFile: string | null;
}

type OptionName =
  "bind" | "host" | "port" | Exclude<keyof ServerOptions, "bind" | "usesPortVariable" | "literalPort">;

/** Option spellings per meaning: gunicorn's, and the uvicorn/daphne/hypercorn/waitress equivalents. */
const SERVER_OPTIONS: Readonly<Record<string, OptionName>> = {
  "-b": "bind",
  "--bind": "bind",
  "--listen": "bind",
  "--host": "host",
  "-p": "port",
  "--port": "port",
  "-w": "workers",
  "--workers": "workers",
  "--threads": "threads",
  "-t": "timeout",
  "--timeout": "timeout",
  "--graceful-timeout": "gracefulTimeout",
  "--timeout-graceful-shutdown": "gracefulTimeout",
  "--access-logfile": "accessLogfile",
  "--error-logfile": "errorLogfile",
  "--log-file": "errorLogfile",
  "-c": "configFile",
  "--config": "configFile",
};

/**
 * The options in `args` (the words after the server, up to the end of its command; `;` ends it).
 * Later words win, so GUNICORN_CMD_ARGS goes first and the command line after it.
 */
export function readServerOptions(server: ServerKind, args: readonly string[]): ServerOptions {
  const options: Partial<Record<OptionName, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    const eq = word.indexOf("=");
    if (word.startsWith("--") && eq > 0 && SERVER_OPTIONS[word.slice(0, eq)] !== undefined) {
      options[SERVER_OPTIONS[word.slice(0, eq)]] = word.slice(eq + 1);
    } else if (SERVER_OPTIONS[word] !== undefined) {
      if (args[i + 1] !== undefined && args[i + 1] !== ";") options[SERVER_OPTIONS[word]] = args[++i];
    } else if (/^-[a-zA-Z]./.test(word) && SERVER_OPTIONS[word.slice(0, 2)] !== undefined) {
      // A short option with its value attached: `-w4`.
      options[SERVER_OPTIONS[word.slice(0, 2)]] = word.slice(2);
    }
  }
  let bind = options.bind ?? null;
  if (bind === null && (options.host !== undefined || options.port !== undefined)) {
    bind = `${options.host ?? ""}${options.port !== undefined ? `:${options.port}` : ""}`;
  }
  if (server === "runserver") bind = args.find((word) => !word.startsWith("-") && word !== ";") ?? null;
  const usesPortVariable = bind !== null && /\$\{?PORT\b/.test(bind);
  const literal = bind !== null && !usesPortVariable ? /(?:^|:)(\d{1,5})$/.exec(bind) : null;
  return {
    bind,
    usesPortVariable,
    literalPort: literal ? Number(literal[1]) : null,
    workers: options.workers ?? null,
    threads: options.threads ?? null,
    timeout: options.timeout ?? null,
    gracefulTimeout: options.gracefulTimeout ?? null,
    accessLogfile: options.accessLogfile ?? null,
    errorLogfile: options.errorLogfile ?? null,
    configFile: options.configFile ?? null,
  };
}

/** The value of an option (`--name value`, `--name=value`, `-nvalue`), or null. */
export function optionValue(args: readonly string[], names: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      if (args[i] === name) return args[i + 1] ?? null;
      if (name.startsWith("--") && args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
      if (!name.startsWith("--") && args[i].startsWith(name) && args[i].length > name.length)
        return args[i].slice(name.length);
    }
  }
  return null;
}

/**
 * Variables a shell text gives a default for when they are unset (`${VAR:-x}`, `${VAR-x}`,
 * `${VAR:=x}`), each once: a required setting with a default in a start script is no longer required.
 */
export function fallbackVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=]/g)].map((m) => m[1]))];
}

/**
 * A test a step runs under, on variables: `[ "$RUN_MIGRATIONS" = 1 ] && migrate`, the `if [ -n "$X" ]`
 * around it, or (negated) the `else` branch and the right side of `[ -z "$X" ] || migrate`.
 */
export interface StepCondition {
  /** The test as written (`[ "$RUN_MIGRATIONS" = 1 ]`), for a message. */
  text: string;
  /** The variables it reads, in order. */
  variables: string[];
  /** The step runs when the test fails. */
  negated: boolean;
}

/** Test commands: `[ ... ]`, `[[ ... ]]`, `test ...` (tree-sitter reads the bracket forms as test_command). */
function isTest(node: Node): boolean {
  if (node.type === "test_command") return true;
  return node.type === "command" && /^(test|\[)$/.test(node.childForFieldName("name")?.text ?? "");
}

function testCondition(node: Node, negated: boolean): StepCondition | undefined {
  if (!isTest(node)) return undefined;
  const variables: string[] = [];
  parseShellWords(node.text, (key) => {
    variables.push(variableOf(key));
    return "";
  });
  return variables.length === 0 ? undefined : { text: node.text, variables, negated };
}

/** `X` of `$X`, `${X}`, `${X:-default}` (shell-quote hands the whole `X:-default`). */
function variableOf(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*/.exec(key)?.[0] ?? key;
}

/**
 * The tests that decide whether the command `node` runs, from its enclosing `&&`/`||` lists and
 * `if` statements, on variables or not: the one reading of a condition, for conditionsOf (the
 * tests on variables, which the deployment decides) and runsUnderTest (any test, a file's too).
 */
function gatingTests(node: Node): { test: Node; negated: boolean }[] {
  const found: { test: Node; negated: boolean }[] = [];
  for (let child = node, parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
    if (parent.type === "list") {
      const [left] = parent.namedChildren.filter((n): n is Node => n !== null);
      const operator = listOperator(parent);
      if (left === undefined || left.id === child.id || operator === undefined) continue;
      // `[ A ] && [ B ] && cmd`: every test of the left chain must pass; `[ A ] || cmd`: the one must fail.
      const tests = operator === "&&" ? chainTests(left) : isTest(left) ? [left] : [];
      found.push(...tests.map((test) => ({ test, negated: operator === "||" })));
    } else if (parent.type === "if_statement" || parent.type === "elif_clause") {
      const conditions = parent.childrenForFieldName("condition").filter((n): n is Node => n !== null);
      if (conditions.some((c) => c.id === child.id)) continue;
      const negated = child.type === "else_clause" || child.type === "elif_clause";
      found.push(...conditions.filter(isTest).map((test) => ({ test, negated })));
    }
  }
  return found;
}

function listOperator(list: Node): "&&" | "||" | undefined {
  const operator = list.children.find((c) => c !== null && (c.type === "&&" || c.type === "||"));
  return operator?.type as "&&" | "||" | undefined;
}

/** The tests of an `&&` chain, which all pass when it does (other commands in it are not tests). */
function chainTests(node: Node): Node[] {
  if (isTest(node)) return [node];
  if (node.type !== "list" || listOperator(node) !== "&&") return [];
  return node.namedChildren.filter((n): n is Node => n !== null).flatMap(chainTests);
}

/**
 * The tests on variables that decide whether the command `node` runs. Tests on anything else
 * (files, commands) are not listed: whether they hold depends on the running container, not on
 * the deployment (runsUnderTest counts them).
 */
export function conditionsOf(node: Node): StepCondition[] {
  return gatingTests(node).flatMap(({ test, negated }) => testCondition(test, negated) ?? []);
}

/** The command runs only when a test passes (or fails): `[ -f /app/x ] && cmd`, `if [ -n "$X" ]`. */
export function runsUnderTest(node: Node): boolean {
  return gatingTests(node).length > 0;
}

/**
 * Whether the step runs under `condition` with these variable values (unset: undefined), as `test`
 * decides it; undefined when the test is not one of the plain forms (`-n`, `-z`, a bare word,
 * `=`/`==`/`!=`, `-eq`/`-ne`).
 */
export function conditionHolds(
  condition: StepCondition,
  value: (variable: string) => string | undefined,
): boolean | undefined {
  const words = parseShellWords(condition.text, (key) => {
    const name = variableOf(key);
    const fallback = /^[A-Za-z_][A-Za-z0-9_]*:?-(.*)$/s.exec(key)?.[1];
    const set = value(name);
    return set === undefined || (set === "" && key.includes(":-")) ? (fallback ?? "") : set;
  });
  if (!words.every((w): w is string => typeof w === "string")) return undefined;
  const inner = words[0] === "test" ? words.slice(1) : words.slice(1, -1);
  const test = evaluateTest(inner);
  return test === undefined ? undefined : test !== condition.negated;
}

function evaluateTest(words: string[]): boolean | undefined {
  const [a, op, b] = words;
  if (words.length === 1) return a !== "";
  if (words.length === 2 && a === "-n") return op !== "";
  if (words.length === 2 && a === "-z") return op === "";
  if (words.length === 2 && a === "!") return evaluateTest([op]) === false;
  if (words.length !== 3) return undefined;
  if (op === "=" || op === "==") return a === b;
  if (op === "!=") return a !== b;
  if (op === "-eq" || op === "-ne") {
    const [x, y] = [Number(a), Number(b)];
    if (a.trim() === "" || b.trim() === "" || !Number.isInteger(x) || !Number.isInteger(y)) return undefined;
    return (x === y) === (op === "-eq");
  }
  return undefined;
}
