/**
 * The application server in a start command: which server, and the options that matter for
 * hosting (bind, workers, threads, timeouts, log targets), read from a container's argv
 * (exec form, or `sh -c "<script>"`) and gunicorn's environment (GUNICORN_CMD_ARGS).
 *
 * Shell text is tokenised with shell-quote rather than by hand, so quoting, `;`/`&&` and
 * redirects split the way a shell splits them. Variables are kept as `${NAME}` text: whether a
 * bind uses `$PORT` is itself what HC-1 judges.
 */
import { parse as parseShell } from "shell-quote";
import type { ServerStart } from "./facts";

export type ServerKind = ServerStart["server"];

/** The same options an entrypoint's server start carries (inspect/facts.ts), read from a command. */
export interface ServerCommand extends Pick<
  ServerStart,
  | "bind"
  | "usesPortVariable"
  | "literalPort"
  | "workers"
  | "threads"
  | "timeout"
  | "gracefulTimeout"
  | "accessLogfile"
  | "errorLogfile"
> {
  server: ServerKind;
  /** `-c/--config` file: options missing from the command may be set there. */
  configFile: string | null;
  /** The command goes through a shell, so `$VAR` references are expanded at start. */
  viaShell: boolean;
}

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh"]);

/** Option spellings per meaning; gunicorn's, plus the uvicorn/daphne/hypercorn equivalents. */
const OPTIONS: Record<string, keyof ServerOptionsOnly> = {
  "-b": "bind",
  "--bind": "bind",
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

interface ServerOptionsOnly {
  bind: string;
  host: string;
  port: string;
  workers: string;
  threads: string;
  timeout: string;
  gracefulTimeout: string;
  accessLogfile: string;
  errorLogfile: string;
  configFile: string;
}

/** Words of a command: exec argv as is, `sh -c <script>` tokenised; shell operators become `;`. */
export function commandWords(argv: readonly string[]): { words: string[]; viaShell: boolean } {
  const shellIndex = argv.findIndex((word, i) => SHELLS.has(basename(word)) && argv[i + 1] !== undefined);
  if (shellIndex >= 0) {
    const c = argv.indexOf("-c", shellIndex + 1);
    const script = c >= 0 ? argv[c + 1] : undefined;
    if (script !== undefined) return { words: shellWords(script), viaShell: true };
  }
  return { words: [...argv], viaShell: false };
}

/** Tokenise shell text; every operator (`;`, `&&`, `|`, redirects) becomes the word `;`. */
export function shellWords(script: string): string[] {
  const words: string[] = [];
  for (const token of parseShell(script, (name) => "${" + name + "}")) {
    if (typeof token === "string") words.push(token);
    else if ("op" in token) words.push(token.op === "glob" ? token.pattern : ";");
  }
  return words;
}

function basename(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

function serverAt(
  words: readonly string[],
  i: number,
): { kind: ServerKind; optionsFrom: number } | undefined {
  const word = basename(words[i]);
  if (word === "gunicorn") return { kind: "gunicorn", optionsFrom: i + 1 };
  if (word === "uvicorn") return { kind: "uvicorn", optionsFrom: i + 1 };
  if (word === "daphne") return { kind: "daphne", optionsFrom: i + 1 };
  if (word === "hypercorn") return { kind: "hypercorn", optionsFrom: i + 1 };
  if (word === "waitress-serve") return { kind: "waitress", optionsFrom: i + 1 };
  if (/^python[0-9.]*$/.test(word) && words[i + 1] === "-m") {
    const module = words[i + 2];
    if (module === "gunicorn" || module === "uvicorn" || module === "daphne" || module === "hypercorn") {
      return { kind: module, optionsFrom: i + 3 };
    }
  }
  if (word === "manage.py" && words[i + 1] === "runserver") return { kind: "runserver", optionsFrom: i + 2 };
  return undefined;
}

/**
 * The server a command starts, with its options; undefined when the command starts none.
 * `extraArgs` are options the server also reads (gunicorn's GUNICORN_CMD_ARGS).
 */
export function serverInCommand(argv: readonly string[], extraArgs?: string): ServerCommand | undefined {
  const { words, viaShell } = commandWords(argv);
  for (let i = 0; i < words.length; i++) {
    const found = serverAt(words, i);
    if (found === undefined) continue;
    const end = words.indexOf(";", found.optionsFrom);
    const own = words.slice(found.optionsFrom, end < 0 ? undefined : end);
    const extra = found.kind === "gunicorn" && extraArgs !== undefined ? shellWords(extraArgs) : [];
    // Command-line options win over GUNICORN_CMD_ARGS, so they are read last.
    return describe(found.kind, readOptions([...extra, ...own]), own, viaShell);
  }
  return undefined;
}

function readOptions(words: readonly string[]): Partial<ServerOptionsOnly> {
  const options: Partial<ServerOptionsOnly> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const eq = word.indexOf("=");
    const name = word.startsWith("--") && eq > 0 ? word.slice(0, eq) : word;
    const key = OPTIONS[name];
    if (key === undefined) continue;
    if (name !== word) {
      options[key] = word.slice(eq + 1);
    } else if (words[i + 1] !== undefined && words[i + 1] !== ";") {
      options[key] = words[i + 1];
      i++;
    }
  }
  return options;
}

function describe(
  server: ServerKind,
  options: Partial<ServerOptionsOnly>,
  positional: readonly string[],
  viaShell: boolean,
): ServerCommand {
  let bind = options.bind ?? null;
  if (bind === null && (options.host !== undefined || options.port !== undefined)) {
    bind = `${options.host ?? ""}:${options.port ?? ""}`;
  }
  if (server === "runserver") {
    bind = positional.find((word) => !word.startsWith("-")) ?? null;
  }
  const port = bind === null ? null : /(?:^|:)(\d+)$/.exec(bind);
  return {
    server,
    bind,
    usesPortVariable: bind !== null && /\$\{?PORT\b/.test(bind),
    literalPort: port ? Number(port[1]) : null,
    workers: options.workers ?? null,
    threads: options.threads ?? null,
    timeout: options.timeout ?? null,
    gracefulTimeout: options.gracefulTimeout ?? null,
    accessLogfile: options.accessLogfile ?? null,
    errorLogfile: options.errorLogfile ?? null,
    configFile: options.configFile ?? null,
    viaShell,
  };
}
