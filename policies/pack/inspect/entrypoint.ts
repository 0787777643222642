/**
 * The command an image runs at start -> facts: errexit, the ordered notable commands (migrate, seed, checks,
 * server), swallowed failures, the server's bind and log targets, outside calls. Shell is read with
 * tree-sitter-bash; the script is found by following ENTRYPOINT/CMD back through the final stage's COPY/ADD.
 */
import * as path from "path";
import type { Node, Parser } from "web-tree-sitter";
import { finalStage } from "./dockerfile";
import type {
  DockerStage,
  DockerfileFacts,
  EntrypointFacts,
  LogFileFact,
  ServerStart,
  SourceLocation,
  StartupStep,
  StartupStepKind,
  SwallowedFailure,
} from "./facts";
import { descendants, descendantsWithin, lineOf, loadParser, parseWithBudget } from "./grammars";
import { NO_ENVIRONMENT, scriptEnvironment } from "./script-environment";
import {
  classifyCommand,
  wordsOf,
  conditionsOf,
  runsUnderTest,
  fallbackVariables,
  isShell,
  readServerOptions,
  serverAt,
  withoutPrefixes,
  wordValue,
  type CommandStep,
} from "./shell";
import { readWaitLoops } from "./wait-loops";

const CONDITIONAL = new Set([
  "if_statement",
  "while_statement",
  "for_statement",
  "case_statement",
  "c_style_for_statement",
]);

/** Start command and script facts. `lineOffset` shifts lines when the text sits inside another file. */
export async function readEntrypointScript(
  text: string,
  location: { file: string; line?: number },
  startCommand = "",
): Promise<EntrypointFacts> {
  const parser = await loadParser("bash");
  return readShell(parser, text, location.file, (location.line ?? 1) - 1, startCommand);
}

interface CommandView {
  node: Node;
  argv: string[];
  text: string;
  exec: boolean;
  line: number;
}

export function readShell(
  parser: Parser,
  text: string,
  file: string,
  lineOffset: number,
  startCommand: string,
): EntrypointFacts {
  const at = (line: number): SourceLocation => ({ file, line: line + lineOffset });
  const facts: EntrypointFacts = {
    file: lineOffset === 0 ? file : null,
    resolvedFrom: null,
    startCommand,
    errexit: { enabled: false, location: null },
    steps: [],
    swallowedFailures: [],
    environment: NO_ENVIRONMENT,
    servers: [],
    outsideCalls: [],
    logFiles: [],
    syntaxErrors: [],
    fallbacks: text
      .split("\n")
      .flatMap((line, i) =>
        /^\s*#/.test(line)
          ? []
          : fallbackVariables(line).map((variable) => ({ variable, location: at(i + 1) })),
      ),
  };
  const shebang = /^#!.*\s-[a-zA-Z]*e/.exec(text.split("\n", 1)[0] ?? "");
  if (shebang) facts.errexit = { enabled: true, location: at(1) };
  // A NUL byte means a binary, not a script; tree-sitter-bash's scanner is also quadratic on runs of
  // them and does not consult the parse budget inside one token.
  const tree = text.includes("\0") ? null : parseWithBudget(parser, text);
  if (!tree) {
    facts.syntaxErrors.push(at(1));
    return facts;
  }
  try {
    const swallowedBy = new Map<number, SwallowedFailure>();
    let errexitAtFirstMigrate: boolean | null = null;
    for (const [node, underCondition] of descendantsWithin(tree.rootNode, CONDITIONAL)) {
      if (node.type === "ERROR" || node.isMissing) facts.syntaxErrors.push(at(lineOf(node)));
      if (node.type === "list") recordSwallowed(node, at, swallowedBy, facts.swallowedFailures);
      if (node.type === "file_redirect") recordRedirect(node, at, facts.logFiles);
      if (node.type !== "command") continue;
      const view = commandView(node);
      if (view.argv.length === 0) continue;
      const program = path.posix.basename(view.argv[0]);
      if (program === "set") {
        const state = errexitChange(view.argv.slice(1));
        if (state !== null)
          facts.errexit = { enabled: state, location: state ? at(view.line) : facts.errexit.location };
        continue;
      }
      const classified = classifyCommand(view.argv);
      if (classified?.outside) {
        facts.outsideCalls.push({ kind: classified.outside, command: view.text, location: at(view.line) });
      }
      const swallowed = swallowedBy.get(node.startIndex) ?? null;
      const step = startupStep(view, classified, swallowed, underCondition, at);
      if (!step) continue;
      if (step.kind === "migrate" && errexitAtFirstMigrate === null)
        errexitAtFirstMigrate = facts.errexit.enabled;
      facts.steps.push(step);
      const server = serverStart(view, classified, at);
      if (server) {
        facts.servers.push(server);
        for (const value of [server.accessLogfile, server.errorLogfile]) {
          if (value && value !== "-" && !value.startsWith("/dev/")) {
            facts.logFiles.push({ path: value, via: "server-option", location: server.location });
          }
        }
      }
    }
    if (errexitAtFirstMigrate !== null && !errexitAtFirstMigrate) facts.errexit.enabled = false;
    facts.environment = scriptEnvironment(tree.rootNode);
    facts.waitLoops = readWaitLoops(tree.rootNode, facts.errexit.enabled).map((loop) => ({
      bounded: loop.bounded,
      failsAfterBound: loop.failsAfterBound,
      location: at(loop.line),
    }));
  } finally {
    tree.delete();
  }
  return facts;
}

function commandView(node: Node): CommandView {
  const command = withoutPrefixes(wordsOf(node));
  return { node, argv: command.argv, text: node.text.slice(0, 500), exec: command.exec, line: lineOf(node) };
}

function errexitChange(args: string[]): boolean | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if ((arg === "-o" || arg === "+o") && args[i + 1] === "errexit") return arg === "-o";
    if (/^-[a-zA-Z]*e[a-zA-Z]*$/.test(arg)) return true;
    if (/^\+[a-zA-Z]*e[a-zA-Z]*$/.test(arg)) return false;
  }
  return null;
}

/** `a || true`, `a || :`, `a || echo ...`: every command on the left is marked with the handler. */
function recordSwallowed(
  list: Node,
  at: (line: number) => SourceLocation,
  swallowedBy: Map<number, SwallowedFailure>,
  all: SwallowedFailure[],
): void {
  const operator = list.children.find((child) => child && (child.type === "||" || child.type === "&&"));
  if (!operator || operator.type !== "||") return;
  const named = list.namedChildren.filter((child): child is Node => child !== null);
  if (named.length < 2) return;
  const left = named[0];
  const right = named[named.length - 1];
  const handler = right.text.trim();
  const handlerProgram = handler.split(/\s+/, 1)[0];
  const silent = handlerProgram === "true" || handlerProgram === ":";
  const hasMessage = /^(echo|printf|logger)\b/.test(handler) || />&2/.test(handler);
  if (!silent && !hasMessage) return;
  const failure: SwallowedFailure = {
    command: left.text.slice(0, 500),
    handler: handler.slice(0, 500),
    hasMessage,
    location: at(lineOf(left)),
  };
  all.push(failure);
  for (const node of descendants(left)) {
    if (node.type === "command" && !swallowedBy.has(node.startIndex))
      swallowedBy.set(node.startIndex, failure);
  }
}

function recordRedirect(node: Node, at: (line: number) => SourceLocation, logFiles: LogFileFact[]): void {
  const destination = node.childForFieldName("destination");
  if (!destination) return;
  const operator = node.children.find((child) => child && /^(>|>>|&>|&>>|>\|)$/.test(child.type));
  if (!operator) return;
  const target = wordValue(destination);
  if (/^\d+$/.test(target) || target === "-" || target.startsWith("/dev/") || target.startsWith("&")) return;
  logFiles.push({ path: target, via: "redirect", location: at(lineOf(node)) });
}

function startupStep(
  view: CommandView,
  classified: CommandStep | undefined,
  swallowed: SwallowedFailure | null,
  underCondition: boolean,
  at: (line: number) => SourceLocation,
): StartupStep | null {
  let kind: StartupStepKind | null = null;
  if (classified !== undefined && classified.kind !== "outside-call") kind = classified.kind;
  else if (view.exec) kind = "exec";
  if (!kind) return null;
  return {
    kind,
    command: view.text,
    manageCommand: classified?.manageCommand ?? null,
    database: classified?.database ?? null,
    settings: classified?.settings ?? null,
    deployCheck: classified?.deployCheck ?? false,
    swallowed,
    conditional: underCondition || runsUnderTest(view.node),
    conditions: conditionsOf(view.node),
    location: at(view.line),
  };
}

function serverStart(
  view: CommandView,
  classified: CommandStep | undefined,
  at: (line: number) => SourceLocation,
): ServerStart | null {
  if (classified?.kind !== "server") return null;
  const index = view.argv.findIndex((_, i) => serverAt(view.argv, i) !== undefined);
  const found = index < 0 ? undefined : serverAt(view.argv, index);
  if (found === undefined) return null;
  const { configFile: _configFile, ...options } = readServerOptions(
    found.server,
    view.argv.slice(found.optionsFrom),
  );
  return { server: found.server, command: view.text, ...options, exec: view.exec, location: at(view.line) };
}

// -------------------------------------------------------------------------------------------------------------
// From ENTRYPOINT/CMD to a script in the context

export interface StartScript {
  /** The start command as one string (`ENTRYPOINT` then `CMD`). */
  startCommand: string;
  /** Context file of the script, when the command runs one that the final stage copied from the context. */
  file: string | null;
  /** Shell text to read when there is no script: the shell-form command or the `sh -c` string. */
  inline: string | null;
  instruction: SourceLocation | null;
  /**
   * When ENTRYPOINT runs a script and a CMD is set, the CMD as shell text: what the script's
   * `exec "$@"` runs (exec-form argv joined, the `sh -c` string unwrapped).
   */
  cmd?: { text: string; location: SourceLocation };
}

/** Resolves what the final stage runs. `files` is the context listing (relative paths). */
export function resolveStartScript(dockerfile: DockerfileFacts, files: string[]): StartScript | null {
  const stage = finalStage(dockerfile);
  if (!stage) return null;
  const entrypoint = stage.entrypoint;
  const cmd = stage.cmd;
  if (!entrypoint && !cmd) return null;
  const argv: string[] = [];
  let inline: string | null = null;
  for (const part of [entrypoint, entrypoint && entrypoint.form === "shell" ? null : cmd]) {
    if (!part) continue;
    if (part.form === "shell") {
      inline = inline ?? part.text;
      argv.push("/bin/sh", "-c", part.text);
    } else argv.push(...part.argv);
  }
  const instruction = (entrypoint ?? cmd)?.location ?? null;
  const startCommand = argv.join(" ");
  const dashC = argv.findIndex((arg, i) => arg === "-c" && i > 0 && isShell(argv[i - 1]));
  if (dashC >= 0 && argv[dashC + 1] !== undefined) inline = argv[dashC + 1];
  // ENTRYPOINT ["docker-entrypoint.sh"] + CMD [...]: the script runs first, CMD is its "$@".
  if (entrypoint?.form === "exec") {
    for (const word of entrypoint.argv.slice(0, 3)) {
      if (isShell(word) || word.startsWith("-") || word === "exec") continue;
      const file = contextFileFor(word, stage, files);
      if (!file) continue;
      const cmdText = cmd === null ? null : cmd.form === "shell" ? cmd.text : unwrapShell(cmd.argv);
      return {
        startCommand,
        file,
        inline: null,
        instruction,
        ...(cmd !== null && cmdText !== null ? { cmd: { text: cmdText, location: cmd.location } } : {}),
      };
    }
  }
  const candidates = inline !== null ? (inline.split(/\s+/).filter((w) => w !== "") as string[]) : argv;
  for (const word of candidates.slice(0, 4)) {
    if (isShell(word) || word === "/usr/bin/env" || word.startsWith("-") || word === "exec") continue;
    const file = contextFileFor(word, stage, files);
    if (file) return { startCommand, file, inline: null, instruction };
  }
  return { startCommand, file: null, inline: inline ?? argv.join(" "), instruction };
}

/** An exec-form command as shell text: `["sh", "-c", "<script>"]` -> the script, else the argv joined. */
function unwrapShell(argv: readonly string[]): string {
  const dashC = argv.findIndex((arg, i) => arg === "-c" && i > 0 && isShell(argv[i - 1]));
  if (dashC >= 0 && argv[dashC + 1] !== undefined) return argv[dashC + 1];
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** The context file that ends up at `imagePath` in the stage, through COPY/ADD from the context. */
export function contextFileFor(imagePath: string, stage: DockerStage, files: string[]): string | null {
  // A bare command name (`docker-entrypoint.sh`) is found on PATH, as the shell and exec find it.
  if (!imagePath.includes("/")) {
    for (const dir of IMAGE_PATH) {
      const found = contextFileAt(path.posix.join(dir, imagePath), stage, files);
      if (found) return found;
    }
  }
  return contextFileAt(imagePath, stage, files);
}

/** PATH of the official python images (and Debian's default), in lookup order. */
const IMAGE_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

function contextFileAt(imagePath: string, stage: DockerStage, files: string[]): string | null {
  const absolute = path.posix.resolve(stage.workdir, imagePath);
  const fileSet = new Set(files);
  for (let i = stage.copies.length - 1; i >= 0; i--) {
    const copy = stage.copies[i];
    if (copy.from !== null || copy.fromHeredoc) continue;
    const destination = copy.absoluteDestination;
    const directoryDestination =
      destination.endsWith("/") || copy.sources.length > 1 || copy.copiesWholeContext;
    for (const source of copy.sources) {
      const cleanSource = path.posix.normalize(source).replace(/^\/+/, "").replace(/\/$/, "");
      const sourceRoot = cleanSource === "." ? "" : cleanSource;
      if (!directoryDestination && absolute === destination) {
        if (fileSet.has(sourceRoot)) return sourceRoot;
        continue;
      }
      const destinationDir = destination.endsWith("/") ? destination : `${destination}/`;
      if (!absolute.startsWith(destinationDir)) {
        if (absolute === destination && fileSet.has(sourceRoot)) return sourceRoot;
        continue;
      }
      const rest = absolute.slice(destinationDir.length);
      if (fileSet.has(sourceRoot) && path.posix.basename(sourceRoot) === rest) return sourceRoot;
      const candidate = sourceRoot === "" ? rest : `${sourceRoot}/${rest}`;
      if (fileSet.has(candidate)) return candidate;
    }
  }
  return null;
}
