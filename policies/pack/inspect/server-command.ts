/**
 * The application server in a start command: which server, and the options that matter for
 * hosting (bind, workers, threads, timeouts, log targets), read from a container's argv
 * (exec form, or `sh -c "<script>"`) and gunicorn's environment (GUNICORN_CMD_ARGS). Servers and
 * their options are the shell reader's (shell.ts).
 *
 * Shell text is tokenised with shell-quote rather than by hand, so quoting, `;`/`&&` and
 * redirects split the way a shell splits them. Variables are kept as `${NAME}` text: whether a
 * bind uses `$PORT` is itself what HC-1 judges.
 */
import { parse as parseShell } from "shell-quote";
import { isShell, readServerOptions, serverAt, type ServerKind, type ServerOptions } from "./shell";

export type { ServerKind } from "./shell";

/** The same options an entrypoint's server start carries (facts.ts), read from a command. */
export interface ServerCommand extends ServerOptions {
  server: ServerKind;
  /** The module the server loads (`config.wsgi:application`), as written; undefined when it names none. */
  target: string | undefined;
  /** The command goes through a shell, so `$VAR` references are expanded at start. */
  viaShell: boolean;
}

/** Words of a command: exec argv as is, `sh -c <script>` tokenised; shell operators become `;`. */
export function commandWords(argv: readonly string[]): { words: string[]; viaShell: boolean } {
  const shellIndex = argv.findIndex((word, i) => isShell(word) && argv[i + 1] !== undefined);
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
    const extra = found.server === "gunicorn" && extraArgs !== undefined ? shellWords(extraArgs) : [];
    // Command-line options win over GUNICORN_CMD_ARGS, so they are read last.
    const options = readServerOptions(found.server, [...extra, ...own]);
    return { server: found.server, ...options, target: serverTarget(argv.join(" ")), viaShell };
  }
  return undefined;
}

const SERVERS = /(^|\/)(gunicorn|uvicorn|daphne|hypercorn|waitress-serve)$/;
const TARGET = /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(\))?$|^[A-Za-z_][\w.]*\.(wsgi|asgi)$/;

/** The `module:callable` (or `pkg.wsgi`) a server command starts, when it names one (the last such word before its end). */
export function serverTarget(command: string): string | undefined {
  const words = parseShell(command, (name) => "${" + name + "}").map((t) =>
    typeof t === "string" ? t : ";",
  );
  const start = words.findIndex((w) => SERVERS.test(w));
  if (start < 0) return undefined;
  const rest = words.slice(start + 1);
  const end = rest.indexOf(";");
  const args = end < 0 ? rest : rest.slice(0, end);
  return args.filter((w) => !w.startsWith("-") && TARGET.test(w)).pop();
}
