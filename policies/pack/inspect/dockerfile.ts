/**
 * Dockerfile -> facts: stages, the stage that runs, its effective USER/CMD/ENTRYPOINT, what it copies, installs
 * and which settings modules its RUN steps use. Instruction reading is BuildKit's (dockerfile-syntax.ts).
 */
import * as path from "path";
import { parse as parseShell } from "shell-quote";
import { parseDockerfileSyntax } from "./dockerfile-syntax";
import { readHealthProbe } from "./health-probe";
import { isSecretFile } from "./secret-files";
import { isShell } from "./shell";
import type {
  ArgFact,
  CommandFact,
  CopyFact,
  DockerInstruction,
  DockerStage,
  DockerfileFacts,
  DockerfileProblem,
  EnvFact,
  HealthcheckFact,
  ImageReference,
  PackageInstall,
  PipInstall,
  RunFact,
  SettingsReference,
  SourceLocation,
} from "./facts";

const COMPILER_PACKAGES = new Set([
  "gcc",
  "g++",
  "cc",
  "clang",
  "build-essential",
  "build-base",
  "make",
  "cmake",
  "cargo",
  "rustc",
  "gfortran",
]);

/** Variables in scope at some point of a stage: name -> value (null when declared without a value). */
type Scope = Map<string, string | null>;

/** BuildKit's instruction set (frontend/dockerfile/instructions/parse.go): any other word fails the build. */
const INSTRUCTIONS = new Set([
  "FROM",
  "RUN",
  "CMD",
  "LABEL",
  "MAINTAINER",
  "EXPOSE",
  "ENV",
  "ADD",
  "COPY",
  "ENTRYPOINT",
  "VOLUME",
  "USER",
  "WORKDIR",
  "ARG",
  "ONBUILD",
  "STOPSIGNAL",
  "HEALTHCHECK",
  "SHELL",
]);

export function readDockerfile(text: string, file: string, target?: string): DockerfileFacts {
  const syntax = parseDockerfileSyntax(text, file);
  const problems: DockerfileProblem[] = [...syntax.problems];
  const globalArgs: ArgFact[] = [];
  const globalScope: Scope = new Map();
  const stages: DockerStage[] = [];
  const buildSettingsReferences: SettingsReference[] = [];
  let current: { stage: DockerStage; scope: Scope; ownCmd: boolean } | null = null;

  for (const instruction of syntax.instructions) {
    if (!INSTRUCTIONS.has(instruction.keyword.toUpperCase())) {
      problems.push({
        message: `unknown instruction: ${instruction.keyword}`,
        location: instruction.location,
      });
      continue;
    }
    if (!current && instruction.keyword !== "FROM" && instruction.keyword !== "ARG") {
      problems.push({
        message: `${instruction.keyword} before the first FROM: no build stage in current context`,
        location: instruction.location,
      });
      continue;
    }
    if (instruction.keyword === "FROM") {
      current = startStage(instruction, stages, globalScope);
      stages.push(current.stage);
      continue;
    }
    if (!current) {
      if (instruction.keyword === "ARG") {
        for (const arg of argFacts(instruction, syntax.escapeChar)) {
          globalArgs.push(arg);
          globalScope.set(arg.name, arg.defaultValue);
        }
      }
      continue;
    }
    const { stage, scope } = current;
    stage.instructions.push(instruction);
    const at = instruction.location;
    switch (instruction.keyword) {
      case "ARG":
        for (const arg of argFacts(instruction, syntax.escapeChar)) {
          stage.args.push(arg);
          // A stage ARG without a value takes the global default (Docker's rule for redeclared global ARGs).
          scope.set(arg.name, arg.defaultValue ?? globalScope.get(arg.name) ?? null);
        }
        break;
      case "ENV":
        for (const env of envFacts(instruction, scope, syntax.escapeChar)) {
          stage.env.push(env);
          scope.set(env.name, env.resolved);
        }
        break;
      case "USER":
        if (instruction.args[0] !== undefined) {
          const raw = instruction.args[0];
          stage.user = { raw, value: substitute(raw, scope), location: at };
          stage.effectiveUser = stage.user;
        }
        break;
      case "WORKDIR":
        if (instruction.args[0] !== undefined) {
          const dir = unquote(substitute(instruction.args[0], scope));
          stage.workdir = path.posix.resolve(stage.workdir, dir);
        }
        break;
      case "COPY":
      case "ADD": {
        const copy = copyFact(instruction, scope, stage.workdir);
        if (copy) stage.copies.push(copy);
        break;
      }
      case "RUN": {
        const run = runFact(instruction, stage.shell);
        stage.runs.push(run);
        buildSettingsReferences.push(...run.settingsReferences);
        for (const install of run.packageInstalls) {
          for (const name of install.packages) {
            if (isCompiler(name)) stage.compilers.push({ name, location: install.location });
          }
        }
        break;
      }
      case "SHELL":
        // BuildKit accepts SHELL only in the JSON form (dockerfile-syntax.ts reports the others).
        if (instruction.json && instruction.args.length > 0) stage.shell = [...instruction.args];
        break;
      case "CMD":
        stage.cmd = commandFact(instruction);
        current.ownCmd = true;
        break;
      case "ENTRYPOINT":
        stage.entrypoint = commandFact(instruction);
        // Docker: setting ENTRYPOINT resets a CMD inherited from the base image.
        if (!current.ownCmd) stage.cmd = null;
        break;
      case "EXPOSE":
        stage.expose.push({ ports: instruction.args.map((port) => substitute(port, scope)), location: at });
        break;
      case "HEALTHCHECK":
        stage.healthcheck = healthcheckFact(instruction);
        break;
      default:
        break;
    }
  }

  let finalStageIndex = stages.length - 1;
  if (target !== undefined) {
    const wanted = target.toLowerCase();
    const found = stages.findIndex((stage) => stage.alias === wanted);
    if (found >= 0) finalStageIndex = found;
    else
      problems.push({
        message: `build target "${target}" is not a stage of ${file}`,
        location: { file, line: 1 },
      });
  }
  return {
    file,
    escapeChar: syntax.escapeChar,
    instructions: syntax.instructions,
    globalArgs,
    stages,
    finalStageIndex,
    buildSettingsReferences,
    problems,
  };
}

/** The stage that runs, or null when the Dockerfile has none. */
export function finalStage(facts: DockerfileFacts): DockerStage | null {
  return facts.stages[facts.finalStageIndex] ?? null;
}

function startStage(
  instruction: DockerInstruction,
  stages: DockerStage[],
  globalScope: Scope,
): { stage: DockerStage; scope: Scope; ownCmd: boolean } {
  const raw = instruction.args[0] ?? "";
  const asIndex = instruction.args.findIndex((arg, i) => i > 0 && arg.toLowerCase() === "as");
  const alias =
    asIndex > 0 && instruction.args[asIndex + 1] ? instruction.args[asIndex + 1].toLowerCase() : null;
  const resolved = substitute(raw, globalScope);
  const parentStage = stages.findIndex(
    (stage) => stage.alias !== null && stage.alias === resolved.toLowerCase(),
  );
  const parent = parentStage >= 0 ? stages[parentStage] : null;
  const platformFlag = instruction.flags.find((flag) => flag.startsWith("--platform="));
  const stage: DockerStage = {
    index: stages.length,
    alias,
    from: imageReference(raw, resolved, parent !== null),
    platform: platformFlag ? platformFlag.slice("--platform=".length) : null,
    parentStage: parent ? parentStage : null,
    location: instruction.location,
    instructions: [instruction],
    args: [],
    env: [],
    copies: [],
    runs: [],
    expose: [],
    user: null,
    effectiveUser: parent?.effectiveUser ?? null,
    cmd: parent?.cmd ?? null,
    entrypoint: parent?.entrypoint ?? null,
    healthcheck: parent?.healthcheck ?? null,
    workdir: parent?.workdir ?? "/",
    compilers: parent ? [...parent.compilers] : [],
    shell: parent?.shell ?? null,
  };
  const scope: Scope = new Map();
  for (const env of parent ? collectEnv(stages, parent) : []) scope.set(env.name, env.resolved);
  return { stage, scope, ownCmd: false };
}

function collectEnv(stages: DockerStage[], stage: DockerStage): EnvFact[] {
  const inherited = stage.parentStage !== null ? collectEnv(stages, stages[stage.parentStage]) : [];
  return [...inherited, ...stage.env];
}

/** Every ENV in force in a stage, inherited ones first (later entries override earlier ones). */
export function effectiveEnv(facts: DockerfileFacts, stage: DockerStage): EnvFact[] {
  return collectEnv(facts.stages, stage);
}

export function imageReference(raw: string, resolved: string, isStage: boolean): ImageReference {
  const hasUnresolvedVariable = /\$\{?[A-Za-z_]/.test(resolved);
  let name = resolved;
  let digest: string | null = null;
  const at = name.indexOf("@");
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  let tag: string | null = null;
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const kind = isStage ? "stage" : resolved.toLowerCase() === "scratch" ? "scratch" : "image";
  return { raw, resolved, name, tag, digest, hasUnresolvedVariable, kind };
}

function argFacts(instruction: DockerInstruction, escape: string): ArgFact[] {
  return instruction.args.map((word) => {
    const eq = word.indexOf("=");
    if (eq < 0) return { name: word, defaultValue: null, location: instruction.location };
    return {
      name: word.slice(0, eq),
      defaultValue: unquote(word.slice(eq + 1), escape),
      location: instruction.location,
    };
  });
}

function envFacts(instruction: DockerInstruction, scope: Scope, escape: string): EnvFact[] {
  const facts: EnvFact[] = [];
  const local = new Map(scope);
  for (let i = 0; i + 1 < instruction.args.length; i += 3) {
    const name = instruction.args[i];
    const separator = instruction.args[i + 2];
    const value = separator === "=" ? unquote(instruction.args[i + 1], escape) : instruction.args[i + 1];
    const resolved = substitute(value, local);
    local.set(name, resolved);
    facts.push({ name, value, resolved, location: instruction.location });
  }
  return facts;
}

function copyFact(instruction: DockerInstruction, scope: Scope, workdir: string): CopyFact | null {
  const words = instruction.args.map((arg) => substitute(arg, scope));
  if (words.length < 2) return null;
  const flag = (name: string): string | null => {
    const found = instruction.flags.find((f) => f.startsWith(`--${name}=`));
    return found ? found.slice(name.length + 3) : null;
  };
  const destination = words[words.length - 1];
  const sources = words.slice(0, -1);
  const fromHeredoc = instruction.heredocs.length > 0 && sources.some((source) => source.includes("<<"));
  const from = flag("from");
  const copiesWholeContext =
    from === null && !fromHeredoc && sources.some((source) => [".", "./", "*", "./*", "/"].includes(source));
  const absoluteDestination =
    path.posix.resolve(workdir, destination) + (destination.endsWith("/") ? "/" : "");
  return {
    keyword: instruction.keyword === "ADD" ? "ADD" : "COPY",
    sources,
    destination,
    absoluteDestination: absoluteDestination.replace(/\/\/$/, "/"),
    from,
    chown: flag("chown"),
    chmod: flag("chmod"),
    copiesWholeContext,
    secretSources: sources.filter(isSecretFile),
    fromHeredoc,
    location: instruction.location,
  };
}

function commandFact(instruction: DockerInstruction): CommandFact | null {
  if (instruction.args.length === 0 && !instruction.json) return null;
  return {
    form: instruction.json ? "exec" : "shell",
    argv: instruction.args,
    text: instruction.args.join(" "),
    location: instruction.location,
  };
}

function healthcheckFact(instruction: DockerInstruction): HealthcheckFact {
  const kind = (instruction.args[0] ?? "").toUpperCase();
  const commandArgs = instruction.args.slice(1);
  const command: CommandFact | null =
    kind === "CMD" && commandArgs.length > 0
      ? {
          form: instruction.json ? "exec" : "shell",
          argv: commandArgs,
          text: commandArgs.join(" "),
          location: instruction.location,
        }
      : null;
  return {
    disabled: kind === "NONE",
    command,
    probe: readHealthProbe(command?.text ?? ""),
    flags: instruction.flags,
    location: instruction.location,
  };
}

function runFact(instruction: DockerInstruction, shell: string[] | null): RunFact {
  const base = instruction.json ? instruction.args.join(" ") : (instruction.args[0] ?? "");
  const command = [base, ...instruction.heredocs.map((heredoc) => heredoc.content)].join("\n");
  const location = instruction.location;
  const commands = simpleCommands(command);
  const pipeline = instruction.json ? { pipes: false, setsPipefail: false } : pipesOf(command);
  const runShell = shell ?? ["/bin/sh", "-c"];
  return {
    shell: instruction.json ? null : shell,
    ...pipeline,
    hidesPipeFailures:
      pipeline.pipes && !pipeline.setsPipefail && isShell(runShell[0] ?? "") && !shellHasPipefail(runShell),
    command,
    exec: instruction.json,
    mounts: instruction.flags.filter((f) => f.startsWith("--mount=")).map((f) => f.slice("--mount=".length)),
    settingsReferences: settingsReferences(command, location),
    packageInstalls: packageInstalls(commands, command, location),
    pipInstalls: pipInstalls(commands, location),
    manageCommands: manageCommands(commands),
    location,
  };
}

/** `-o pipefail` (or a cluster such as `-eo pipefail`) among a SHELL's options. */
function shellHasPipefail(shell: readonly string[]): boolean {
  return shell.some((word, i) => shell[i + 1] === "pipefail" && /^-[A-Za-z]*o$/.test(word));
}

/**
 * Whether a shell script pipes (`a | b`, not `a || b`) and whether it turns on pipefail before its first
 * pipe. shell-quote tokenises as a POSIX shell does (quotes, `||` vs `|`, comments), so a `|` inside a
 * quoted grep pattern or a comment is not a pipe.
 */
export function pipesOf(script: string): { pipes: boolean; setsPipefail: boolean } {
  let words: string[] = [];
  let setsPipefail = false;
  let rest: string | null = script;
  while (rest !== null) {
    const text: string = rest;
    rest = null;
    // Parsed without an environment, so `$VAR` stays a word instead of being expanded away.
    for (const token of parseShell(text, (name) => `$${name}`)) {
      if (typeof token === "string") {
        words.push(token);
      } else if ("comment" in token) {
        // shell-quote runs a comment to the end of the text; the shell ends it at the newline.
        const newline = token.comment.indexOf("\n");
        if (newline >= 0) rest = token.comment.slice(newline + 1);
      } else if (token.op === "|" || token.op === "|&") {
        return { pipes: true, setsPipefail: setsPipefail || turnsOnPipefail(words) };
      } else if (![">", ">>", ">&", "<", "<(", "glob"].includes(token.op)) {
        setsPipefail ||= turnsOnPipefail(words);
        words = [];
      }
    }
  }
  return { pipes: false, setsPipefail: setsPipefail || turnsOnPipefail(words) };
}

/**
 * `set -o pipefail`, `set -euo pipefail`, `set -eux -o pipefail` among the words of one command (shell-quote
 * does not split at newlines, so a `set` on its own line shares its words with the next line's command).
 */
export function turnsOnPipefail(words: readonly string[]): boolean {
  return words.some(
    (word, i) =>
      word === "set" &&
      words.slice(i + 1).some((w, j, after) => after[j + 1] === "pipefail" && /^-[A-Za-z]*o$/.test(w)),
  );
}

/** `--settings=<m>` / `--settings <m>` / `DJANGO_SETTINGS_MODULE=<m>` occurrences in a command text. */
export function settingsReferences(command: string, location: SourceLocation): SettingsReference[] {
  const references: SettingsReference[] = [];
  for (const match of command.matchAll(/--settings(?:=|[ \t]+)["']?([A-Za-z_][\w.]*)/g)) {
    references.push({ module: match[1], via: "--settings", location });
  }
  for (const match of command.matchAll(/DJANGO_SETTINGS_MODULE=["']?([A-Za-z_][\w.]*)/g)) {
    references.push({ module: match[1], via: "DJANGO_SETTINGS_MODULE", location });
  }
  return references;
}

/**
 * Splits shell text into simple commands (argv with quotes removed) at `&&`, `||`, `;`, `|`, newlines.
 * Deliberately shallow: enough to see `apt-get install ...`, `pip install -r ...`, `manage.py <cmd>`.
 */
export function simpleCommands(text: string): string[][] {
  const commands: string[][] = [];
  let argv: string[] = [];
  let word = "";
  let inWord = false;
  let quote = "";
  const endWord = (): void => {
    if (inWord) argv.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (argv.length > 0) commands.push(argv);
    argv = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = "";
      else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < text.length) {
      i++;
      if (text[i] !== "\n") {
        word += text[i];
        inWord = true;
      }
    } else if (ch === "&" || ch === "|" || ch === ";" || ch === "\n" || ch === "(" || ch === ")") {
      endCommand();
    } else if (ch === " " || ch === "\t" || ch === "\r") {
      endWord();
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands.map(stripEnvPrefix);
}

/** Drops leading `VAR=value` assignments, `sudo`, `env`, `exec` so that argv[0] is the program. */
function stripEnvPrefix(argv: string[]): string[] {
  let i = 0;
  while (
    i < argv.length &&
    (/^[A-Za-z_]\w*=/.test(argv[i]) || ["sudo", "env", "exec", "then", "do"].includes(argv[i]))
  )
    i++;
  return argv.slice(i);
}

function packageInstalls(commands: string[][], text: string, location: SourceLocation): PackageInstall[] {
  const installs: PackageInstall[] = [];
  for (const argv of commands) {
    const program = path.posix.basename(argv[0] ?? "");
    if (program === "apt-get" || program === "apt" || program === "apt-fast") {
      const sub = argv.findIndex((arg) => arg === "install");
      if (sub < 0) continue;
      installs.push({
        manager: program === "apt" ? "apt" : "apt-get",
        packages: argv
          .slice(sub + 1)
          .filter((arg) => !arg.startsWith("-"))
          .map(packageName),
        noInstallRecommends: argv.includes("--no-install-recommends"),
        cleansCache: /rm\s+(-\w+\s+)*[^&;|\n]*\/var\/lib\/apt\/lists/.test(text),
        location,
      });
    } else if (program === "apk") {
      const sub = argv.indexOf("add");
      if (sub < 0) continue;
      installs.push({
        manager: "apk",
        packages: argv
          .slice(sub + 1)
          .filter((arg) => !arg.startsWith("-"))
          .map(packageName),
        noInstallRecommends: true,
        cleansCache: argv.includes("--no-cache") || /\/var\/cache\/apk/.test(text),
        location,
      });
    }
  }
  return installs;
}

function packageName(spec: string): string {
  return spec.split("=")[0];
}

function isCompiler(name: string): boolean {
  return COMPILER_PACKAGES.has(name) || /^(gcc|g\+\+|clang)-[\d.]+$/.test(name);
}

function pipInstalls(commands: string[][], location: SourceLocation): PipInstall[] {
  const installs: PipInstall[] = [];
  for (const argv of commands) {
    const start = pipInstallStart(argv);
    if (start < 0) continue;
    const requirementFiles: string[] = [];
    const packages: string[] = [];
    for (let i = start; i < argv.length; i++) {
      const arg = argv[i];
      if (arg === "-r" || arg === "--requirement" || arg === "-c" || arg === "--constraint") {
        if (arg === "-r" || arg === "--requirement") requirementFiles.push(argv[i + 1] ?? "");
        i++;
      } else if (arg.startsWith("--requirement=")) requirementFiles.push(arg.slice("--requirement=".length));
      else if (arg.startsWith("-r") && arg.length > 2) requirementFiles.push(arg.slice(2));
      else if (
        ["-t", "--target", "-i", "--index-url", "--extra-index-url", "-f", "--find-links"].includes(arg)
      )
        i++;
      else if (!arg.startsWith("-") && arg !== "." && !arg.startsWith("/") && !arg.startsWith("./"))
        packages.push(arg);
    }
    installs.push({ requirementFiles: requirementFiles.filter((f) => f !== ""), packages, location });
  }
  return installs;
}

/** Index just after `install` for pip/pip3/python -m pip/uv pip; -1 when argv is not a pip install. */
export function pipInstallStart(argv: string[]): number {
  const program = path.posix.basename(argv[0] ?? "");
  let i = -1;
  if (/^pip[\d.]*$/.test(program)) i = 1;
  else if (/^python[\d.]*$/.test(program) && argv[1] === "-m" && /^pip[\d.]*$/.test(argv[2] ?? "")) i = 3;
  else if (program === "uv" && argv[1] === "pip") i = 2;
  if (i < 0) return -1;
  while (i < argv.length && argv[i].startsWith("-")) i++;
  return argv[i] === "install" ? i + 1 : -1;
}

function manageCommands(commands: string[][]): string[] {
  const found: string[] = [];
  for (const argv of commands) {
    const index = argv.findIndex((arg) => arg.endsWith("manage.py") || arg === "django-admin");
    if (index < 0) continue;
    const sub = argv.slice(index + 1).find((arg) => !arg.startsWith("-"));
    if (sub) found.push(sub);
  }
  return found;
}

/** Removes shell quoting from an ENV/ARG value the way Docker's word processing does for plain values. */
export function unquote(value: string, escape = "\\"): string {
  let out = "";
  let quote = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quote === "'") {
      if (ch === "'") quote = "";
      else out += ch;
    } else if (ch === escape && i + 1 < value.length) {
      i++;
      out += value[i];
    } else if (quote === '"') {
      if (ch === '"') quote = "";
      else out += ch;
    } else if (ch === "'" || ch === '"') quote = ch;
    else out += ch;
  }
  return out;
}

/**
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` with the variables in scope; unknown
 * variables are left as written so rules can tell "unresolved" from "empty".
 */
export function substitute(text: string, scope: Scope): string {
  return text.replace(
    /\$\{([A-Za-z_]\w*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_]\w*)/g,
    (
      whole,
      braced: string | undefined,
      op: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => {
      const name = braced ?? bare ?? "";
      const known = scope.has(name) && scope.get(name) !== null;
      const value = known ? (scope.get(name) as string) : undefined;
      if (!op) return value ?? whole;
      if (op === ":-") return value !== undefined && value !== "" ? value : (word ?? "");
      if (op === "-") return value !== undefined ? value : (word ?? "");
      if (op === ":+") return value !== undefined && value !== "" ? (word ?? "") : "";
      return value !== undefined ? (word ?? "") : "";
    },
  );
}
