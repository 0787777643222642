/**
 * Whether a requirements file parses the way pip reads it (pip/_internal/req/req_file.py): logical lines
 * joined at a trailing `\`, `#` comments removed, `${VAR}` expanded at install time, then each line is
 * either options (`-r`, `-c`, `-e`, `--index-url`, ...) or a requirement (PEP 508, a URL or a local path)
 * followed by per-requirement options (`--hash`, `--config-settings`).
 *
 * Written by hand: the npm parser (pip-requirements-js 1.0.3) rejects lines pip accepts (`--index-url`,
 * `--hash`, `-e .`, `--requirement=base.txt`, `===`, URL and path requirements), so it would fail valid
 * files; nothing else on npm parses pip's format.
 */

/** A line pip would stop on: `pip install -r` fails with "Invalid requirement" or "no such option". */
export interface RequirementsSyntaxProblem {
  /** 1-based line of the logical line's start. */
  line: number;
  reason: string;
}

/** A logical line: the text after joining `\` continuations and removing comments, and where it starts. */
export interface LogicalLine {
  line: number;
  text: string;
}

/** pip's options valid on a line of their own, and whether each takes a value. */
const LINE_OPTIONS = new Map<string, boolean>([
  ["-r", true],
  ["--requirement", true],
  ["-c", true],
  ["--constraint", true],
  ["-e", true],
  ["--editable", true],
  ["-i", true],
  ["--index-url", true],
  ["--extra-index-url", true],
  ["--no-index", false],
  ["-f", true],
  ["--find-links", true],
  ["--no-binary", true],
  ["--only-binary", true],
  ["--prefer-binary", false],
  ["--require-hashes", false],
  ["--pre", false],
  ["--trusted-host", true],
  ["--use-feature", true],
]);

/** pip's per-requirement options (after a requirement on the same line); all take a value. */
const REQUIREMENT_OPTIONS = new Set(["--hash", "--config-settings", "--global-option"]);

// PEP 508, as packaging's grammar writes it.
const NAME = String.raw`[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`;
const EXTRAS = String.raw`\[\s*(?:${NAME}(?:\s*,\s*${NAME})*)?\s*\]`;
const VERSION_ONE = String.raw`(?:===\s*[^\s,;)]+|(?:~=|==|!=|<=|>=|<|>)\s*[A-Za-z0-9_.*+!-]+)`;
const VERSION_MANY = String.raw`${VERSION_ONE}(?:\s*,\s*${VERSION_ONE})*`;
const VERSION_SPEC = String.raw`(?:\(\s*${VERSION_MANY}\s*\)|${VERSION_MANY})`;
const NAME_REQUIREMENT = new RegExp(
  String.raw`^(${NAME})\s*(?:${EXTRAS})?\s*(?:@\s*\S+|${VERSION_SPEC})?\s*(?:;(.*))?$`,
);

const MARKER_VARIABLES = new Set([
  "python_version",
  "python_full_version",
  "os_name",
  "sys_platform",
  "platform_release",
  "platform_system",
  "platform_version",
  "platform_machine",
  "platform_python_implementation",
  "implementation_name",
  "implementation_version",
  "extra",
  // Legacy names packaging still accepts.
  "os.name",
  "sys.platform",
  "platform.version",
  "platform.machine",
  "platform.python_implementation",
  "python_implementation",
]);

/** Joins `\` continuations and removes comments, as pip does before reading a line. */
export function logicalLines(text: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let pending: LogicalLine | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const part = raw.endsWith("\\") ? raw.slice(0, -1) : raw;
    pending = pending
      ? { line: pending.line, text: `${pending.text}${part}` }
      : { line: index + 1, text: part };
    if (raw.endsWith("\\")) return;
    lines.push(pending);
    pending = null;
  });
  if (pending) lines.push(pending);
  return lines
    .map(({ line, text: joined }) => ({ line, text: joined.replace(/(^|\s)#.*$/, "").trim() }))
    .filter(({ text: joined }) => joined !== "");
}

/** The problem with one logical line, or null when pip reads it. */
export function requirementLineProblem(text: string): string | null {
  // pip expands ${NAME} from the environment at install time; any value keeps the line's shape.
  const line = text.replace(/\$\{[A-Z0-9_]+\}/g, "0");
  const words = line.split(/\s+/);
  const firstOption = words.findIndex((word) => word.startsWith("-"));
  const requirement = (firstOption < 0 ? words : words.slice(0, firstOption)).join(" ");
  const options = firstOption < 0 ? [] : words.slice(firstOption);
  if (requirement === "") return lineOptionsProblem(options);
  const invalid = requirementProblem(requirement);
  if (invalid) return invalid;
  return requirementOptionsProblem(options);
}

function lineOptionsProblem(words: readonly string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const [name, inline] = splitOption(word);
    const takesValue = LINE_OPTIONS.get(name);
    if (takesValue === undefined) {
      return REQUIREMENT_OPTIONS.has(name)
        ? `${name} must follow a requirement on the same line`
        : `pip has no requirements-file option ${name}`;
    }
    if (!takesValue) {
      if (inline !== null) return `${name} takes no value`;
      continue;
    }
    if (inline !== null && inline !== "") continue;
    if (words[i + 1] === undefined || words[i + 1].startsWith("-")) return `${name} needs a value`;
    i++;
  }
  return null;
}

function requirementOptionsProblem(words: readonly string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    const [name, inline] = splitOption(words[i]);
    if (!REQUIREMENT_OPTIONS.has(name)) return `${name} is not an option pip accepts after a requirement`;
    if (inline !== null && inline !== "") continue;
    if (words[i + 1] === undefined || words[i + 1].startsWith("-")) return `${name} needs a value`;
    i++;
  }
  return null;
}

/** `--opt=value` -> [--opt, value]; `-rfile` -> [-r, file]; `--opt` -> [--opt, null]. */
function splitOption(word: string): [string, string | null] {
  if (word.startsWith("--")) {
    const equals = word.indexOf("=");
    return equals < 0 ? [word, null] : [word.slice(0, equals), word.slice(equals + 1)];
  }
  return word.length > 2 ? [word.slice(0, 2), word.slice(2)] : [word, null];
}

function requirementProblem(requirement: string): string | null {
  // pip also installs from a URL, an archive or a local directory named on the line.
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(requirement) || /^(\.|\/|~)/.test(requirement)) return null;
  if (/^\S+\.(whl|tar\.gz|tgz|zip|tar\.bz2)$/.test(requirement) || /^\S*\/\S*$/.test(requirement))
    return null;
  const match = NAME_REQUIREMENT.exec(requirement);
  if (!match) return `"${requirement}" is not a valid requirement (PEP 508: name, extras, version or @ URL)`;
  const marker = match[2];
  if (marker !== undefined && !isMarker(marker))
    return `"${marker.trim()}" is not a valid environment marker`;
  return null;
}

/** PEP 508 markers: `var op value` joined by and/or, with parentheses. */
function isMarker(text: string): boolean {
  const tokens = text.match(/'[^']*'|"[^"]*"|\(|\)|===|==|!=|<=|>=|~=|<|>|[A-Za-z_][A-Za-z0-9_.]*|\S/g) ?? [];
  let at = 0;
  const value = (): boolean => {
    const token = tokens[at];
    if (token === undefined) return false;
    if (/^['"]/.test(token) || MARKER_VARIABLES.has(token)) {
      at++;
      return true;
    }
    return false;
  };
  const operator = (): boolean => {
    const token = tokens[at];
    if (token === undefined) return false;
    if (["===", "==", "!=", "<=", ">=", "~=", "<", ">", "in"].includes(token)) {
      at++;
      return true;
    }
    if (token === "not" && tokens[at + 1] === "in") {
      at += 2;
      return true;
    }
    return false;
  };
  const term = (): boolean => {
    if (tokens[at] === "(") {
      at++;
      if (!expression() || tokens[at] !== ")") return false;
      at++;
      return true;
    }
    return value() && operator() && value();
  };
  const expression = (): boolean => {
    if (!term()) return false;
    while (tokens[at] === "and" || tokens[at] === "or") {
      at++;
      if (!term()) return false;
    }
    return true;
  };
  return expression() && at === tokens.length;
}

/** Every line pip would stop on, with its line number. */
export function requirementsSyntaxProblems(text: string): RequirementsSyntaxProblem[] {
  return logicalLines(text).flatMap(({ line, text: logical }) => {
    const reason = requirementLineProblem(logical);
    return reason === null ? [] : [{ line, reason }];
  });
}
