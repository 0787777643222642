/**
 * Dockerfile text -> logical instructions, the way BuildKit's parser reads them.
 *
 * Why this is hand-written next to dockerfile-ast: the rules must judge exactly what BuildKit builds, and
 * dockerfile-ast joins lines differently in cases real files hit (a trailing escaped escape `\\` is not a
 * continuation for BuildKit; whitespace-only continuation lines keep their spaces; comment lines inside a
 * continuation are dropped; heredoc bodies are not instructions) and keeps no per-keyword argument model
 * (ENV legacy vs `k=v` form, JSON-or-shell fallback, builder flags). This module follows BuildKit's
 * `parser.go` / `line_parsers.go` / `split_command.go`; test/policies/pack/inspect/buildkit-corpus.test.ts checks it
 * against every case of BuildKit's own parser corpus. Every scan here is linear in the input.
 */
import type { DockerInstruction, DockerfileProblem, Heredoc } from "./facts";

export interface DockerfileSyntax {
  escapeChar: "\\" | "`";
  instructions: DockerInstruction[];
  problems: DockerfileProblem[];
}

class InstructionError extends Error {}

const WHITESPACE = /[\t\v\f\r ]+/;
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC_WORD = /^(\d*)<<(-?)(.+)$/;
const HEREDOC_KEYWORDS = new Set(["RUN", "COPY", "ADD"]);

function isSpace(ch: string): boolean {
  return /\s/.test(ch);
}

function trimNewline(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === "\n" || line[end - 1] === "\r")) end--;
  return line.slice(0, end);
}

function isCommentLine(line: string): boolean {
  return trimNewline(line).trimStart().startsWith("#");
}

/** BuildKit's continuation test: escape token + optional blanks at end, not preceded by another escape token. */
function trimContinuation(line: string, escape: string): { text: string; continues: boolean } {
  let end = line.length;
  while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t")) end--;
  if (end === 0 || line[end - 1] !== escape) return { text: line, continues: false };
  if (end === 1) return { text: "", continues: true };
  if (line[end - 2] === escape) return { text: line, continues: false };
  return { text: line.slice(0, end - 1), continues: true };
}

/** Splits into lines keeping nothing of the newline; a final empty piece after a trailing newline is dropped. */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function parseDockerfileSyntax(text: string, file: string): DockerfileSyntax {
  const lines = splitLines(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const problems: DockerfileProblem[] = [];
  const instructions: DockerInstruction[] = [];
  let escape: "\\" | "`" = "\\";
  let directivesDone = false;
  const seenDirectives = new Set<string>();

  const directive = (token: string, lineNo: number): void => {
    if (directivesDone) return;
    const match = DIRECTIVE.exec(token);
    const name = match?.[1].toLowerCase();
    if (!match || (name !== "escape" && name !== "syntax" && name !== "check")) {
      directivesDone = true;
      return;
    }
    if (seenDirectives.has(name!)) {
      problems.push({
        message: `only one ${name} parser directive can be used`,
        location: { file, line: lineNo },
      });
      return;
    }
    seenDirectives.add(name!);
    if (name === "escape") {
      if (match[2] === "`" || match[2] === "\\") escape = match[2];
      else
        problems.push({
          message: `invalid escape token '${match[2]}' does not match \` or \\`,
          location: { file, line: lineNo },
        });
    }
  };

  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    const first = trimNewline(lines[i]).trimStart();
    directive(first, startLine);
    i++;
    const processed = first.startsWith("#") ? "" : first;
    let { text: line, continues } = trimContinuation(processed, escape);
    if (!continues && line === "") continue;
    while (continues && i < lines.length) {
      const raw = trimNewline(lines[i]);
      directive(raw, i + 1);
      i++;
      if (isCommentLine(raw)) continue;
      if (raw.trimStart() === "") continue;
      const next = trimContinuation(raw, escape);
      line += next.text;
      continues = next.continues;
    }
    const endLine = i;
    try {
      const instruction = instructionFromLine(line, escape, { file, line: startLine }, endLine);
      if (HEREDOC_KEYWORDS.has(instruction.keyword) && !instruction.json) {
        for (const heredoc of heredocsInLine(line)) {
          const bodyStart = i + 1;
          const body: string[] = [];
          let terminated = false;
          while (i < lines.length) {
            const raw = lines[i];
            i++;
            let candidate = trimNewline(raw);
            if (heredoc.chomp) candidate = candidate.replace(/^\t+/, "");
            if (candidate === heredoc.name) {
              terminated = true;
              break;
            }
            body.push(heredoc.chomp ? trimNewline(raw).replace(/^\t+/, "") : trimNewline(raw));
          }
          if (!terminated) {
            throw new InstructionError(`unterminated heredoc ${heredoc.name}`);
          }
          instruction.heredocs.push({
            name: heredoc.name,
            content: body.length > 0 ? body.join("\n") + "\n" : "",
            location: { file, line: bodyStart },
          });
          instruction.endLine = i;
        }
      }
      instructions.push(instruction);
    } catch (error) {
      if (!(error instanceof InstructionError)) throw error;
      problems.push({ message: error.message, location: { file, line: startLine } });
    }
  }
  if (instructions.length === 0 && problems.length === 0) {
    problems.push({
      message: "file with no instructions",
      location: { file, line: Math.max(1, lines.length) },
    });
  }
  return { escapeChar: escape, instructions, problems };
}

function heredocsInLine(line: string): { name: string; chomp: boolean }[] {
  const found: { name: string; chomp: boolean }[] = [];
  for (const word of shellWords(line)) {
    const match = HEREDOC_WORD.exec(word);
    if (!match) continue;
    const name = match[3].replace(/["']/g, "");
    if (name === "" || /\s/.test(name)) continue;
    found.push({ name, chomp: match[2] === "-" });
  }
  return found;
}

/** Whitespace-separated words, quotes kept inside words (enough to find `<<EOF` markers). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote = "";
  for (const ch of line) {
    if (quote) {
      word += ch;
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"') {
      word += ch;
      quote = ch;
    } else if (isSpace(ch)) {
      if (word) words.push(word);
      word = "";
    } else word += ch;
  }
  if (word) words.push(word);
  return words;
}

function instructionFromLine(
  line: string,
  escape: string,
  location: DockerInstruction["location"],
  endLine: number,
): DockerInstruction {
  const trimmed = line.trim();
  const match = WHITESPACE.exec(trimmed);
  const keywordText = match ? trimmed.slice(0, match.index) : trimmed;
  const rest = match ? trimmed.slice(match.index + match[0].length) : "";
  const { args: argText, flags } = extractBuilderFlags(rest);
  const keyword = keywordText.toUpperCase();
  const parsed = parseArguments(keyword, argText.trim(), escape, location, endLine);
  return {
    keyword,
    flags,
    args: parsed.args,
    json: parsed.json,
    ...(parsed.trigger ? { trigger: parsed.trigger } : {}),
    heredocs: [] as Heredoc[],
    original: trimmed,
    location,
    endLine,
  };
}

interface ParsedArguments {
  args: string[];
  json: boolean;
  trigger?: DockerInstruction;
}

function parseArguments(
  keyword: string,
  rest: string,
  escape: string,
  location: DockerInstruction["location"],
  endLine: number,
): ParsedArguments {
  switch (keyword) {
    case "ADD":
    case "COPY":
    case "VOLUME":
      return parseMaybeJsonToList(rest);
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
    case "SHELL":
      return parseMaybeJson(rest);
    case "ARG":
      return { args: parseWords(rest, escape), json: false };
    case "ENV":
    case "LABEL":
      return { args: parseNameValue(rest, keyword, escape), json: false };
    case "EXPOSE":
    case "FROM":
      return { args: rest === "" ? [] : rest.split(WHITESPACE), json: false };
    case "MAINTAINER":
    case "STOPSIGNAL":
    case "USER":
    case "WORKDIR":
      return { args: rest === "" ? [] : [rest], json: false };
    case "HEALTHCHECK":
      return parseHealthcheck(rest);
    case "ONBUILD":
      if (rest === "") return { args: [], json: false };
      return { args: [], json: false, trigger: instructionFromLine(rest, escape, location, endLine) };
    default:
      return { args: [], json: false };
  }
}

/** BuildKit `parseJSON`: a JSON array of strings, or null when the text is not JSON; other arrays are errors. */
function parseJsonArray(rest: string): string[] | null {
  const text = rest.trimStart();
  if (!text.startsWith("[")) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  if (!value.every((item): item is string => typeof item === "string")) {
    throw new InstructionError("when using JSON array syntax, arrays must be comprised of strings only");
  }
  return value;
}

function parseMaybeJson(rest: string): ParsedArguments {
  if (rest === "") return { args: [], json: false };
  const json = parseJsonArray(rest);
  if (json) return { args: json, json: true };
  return { args: [rest], json: false };
}

function parseMaybeJsonToList(rest: string): ParsedArguments {
  const json = parseJsonArray(rest);
  if (json) return { args: json, json: true };
  return { args: rest === "" ? [] : rest.split(WHITESPACE), json: false };
}

function parseHealthcheck(rest: string): ParsedArguments {
  let sep = 0;
  while (sep < rest.length && !isSpace(rest[sep])) sep++;
  if (sep === 0) return { args: [], json: false };
  let next = sep;
  while (next < rest.length && isSpace(rest[next])) next++;
  const command = parseMaybeJson(rest.slice(next));
  return { args: [rest.slice(0, sep), ...command.args], json: command.json };
}

/** BuildKit `parseNameVal`: legacy `KEY name value` or `KEY a=b c=d`; each pair is followed by its separator. */
function parseNameValue(rest: string, keyword: string, escape: string): string[] {
  const words = parseWords(rest, escape);
  if (words.length === 0) return [];
  if (!words[0].includes("=")) {
    const match = WHITESPACE.exec(rest);
    if (!match) throw new InstructionError(`${keyword} must have two arguments`);
    return [rest.slice(0, match.index), rest.slice(match.index + match[0].length), ""];
  }
  const args: string[] = [];
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq < 0) {
      throw new InstructionError(`Syntax error - can't find = in "${word}". Must be of the form: name=value`);
    }
    args.push(word.slice(0, eq), word.slice(eq + 1), "=");
  }
  return args;
}

/** BuildKit `parseWords`: whitespace-separated words; quotes and escapes are kept in the word. */
export function parseWords(rest: string, escape: string): string[] {
  return Array.from(scanWords(Array.from(rest), { escape, keepQuoting: true }), (w) => w.text);
}

/** BuildKit `extractBuilderFlags`: leading `--name[=value]` words; a lone `--` ends them and is dropped. */
function extractBuilderFlags(line: string): { args: string; flags: string[] } {
  const chars = Array.from(line);
  const flags: string[] = [];
  // Flags always escape with a backslash, whatever the Dockerfile's escape directive says.
  for (const word of scanWords(chars, { escape: "\\", keepQuoting: false })) {
    if (chars[word.start] !== "-" || chars[word.start + 1] !== "-") {
      return { args: chars.slice(word.start).join(""), flags };
    }
    if (word.text === "--") return { args: chars.slice(word.end).join(""), flags };
    flags.push(word.text);
  }
  return { args: "", flags };
}

interface WordSyntax {
  escape: string;
  /** parseWords keeps quotes and escape characters in the word; extractBuilderFlags drops them. */
  keepQuoting: boolean;
}

interface ScannedWord {
  text: string;
  /** Index of the word's first character. */
  start: number;
  /** Index just after the word (the space that ends it, or the end of the line). */
  end: number;
}

/**
 * The word splitter BuildKit's parseWords and extractBuilderFlags share: whitespace ends a word
 * outside quotes, a quoted empty string is still a word, and the escape character takes the next
 * character literally (inside single quotes only when quoting is dropped, as in BuildKit).
 */
function* scanWords(chars: readonly string[], { escape, keepQuoting }: WordSyntax): Generator<ScannedWord> {
  let phase: "spaces" | "word" | "quote" = "spaces";
  let word = "";
  let quote = "";
  let blankOk = false;
  let start = 0;
  for (let pos = 0; pos <= chars.length; pos++) {
    const ch = pos < chars.length ? chars[pos] : "";
    if (phase === "spaces") {
      if (pos === chars.length) return;
      if (isSpace(ch)) continue;
      phase = "word";
      start = pos;
    }
    if (pos === chars.length) {
      if (blankOk || word.length > 0) yield { text: word, start, end: pos };
      return;
    }
    if (phase === "word") {
      if (isSpace(ch)) {
        phase = "spaces";
        if (blankOk || word.length > 0) yield { text: word, start, end: pos };
        word = "";
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = "quote";
        if (!keepQuoting) continue;
      }
    } else if (ch === quote) {
      phase = "word";
      if (!keepQuoting) continue;
    }
    const escapes = ch === escape && (phase === "word" || quote !== "'" || !keepQuoting);
    if (escapes) {
      if (pos + 1 === chars.length) {
        phase = "word";
        continue;
      }
      pos++;
      word += keepQuoting ? ch + chars[pos] : chars[pos];
      continue;
    }
    word += ch;
  }
}
