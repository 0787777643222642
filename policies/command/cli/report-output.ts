import * as fs from "fs";
import * as path from "path";
import { formatReport, type ReliabilityReport } from "../report";
import { UsageError } from "../offline/usage-error";
import type { Terminal } from "./terminal";
import { renderTerminal } from "./terminal-report";

/** `markdown` is `md` spelled out; `terminal` is what a TTY gets when --format is not given. */
export const FORMATS = ["md", "markdown", "json", "sarif", "terminal"] as const;
export type Format = (typeof FORMATS)[number];
export type ResolvedFormat = Exclude<Format, "markdown">;

export const FORMAT_HELP =
  "report format: md (markdown), json, sarif, or terminal (colour, verdict last); default: terminal when stdout is a terminal and there is no --out, else md";

/** --format, or the default: the terminal report where a person reads stdout, markdown elsewhere. */
export function resolveFormat(
  format: Format | undefined,
  out: string | undefined,
  terminal: Terminal,
): ResolvedFormat {
  if (format === "markdown") return "md";
  if (format !== undefined) return format;
  return out === undefined && terminal.stdoutIsTTY === true ? "terminal" : "md";
}

export function renderOne(report: ReliabilityReport, format: ResolvedFormat, terminal: Terminal): string {
  return format === "terminal"
    ? renderTerminal(report, terminal.stdoutColour === true)
    : formatReport(report, format);
}

/**
 * Checked before the run, so a typo in --out costs seconds, not a whole check: the directory is
 * created if need be and must be writable, and the path must not be a directory.
 */
export function checkWritable(file: string | undefined, option: string): void {
  if (file === undefined) return;
  const target = path.resolve(file);
  try {
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
      throw new UsageError(`${option} ${file} is a directory; give a file name`);
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.accessSync(path.dirname(target), fs.constants.W_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot write ${option} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Write `text` to `file` and say where (the path as given: it is the user's, not this machine's). */
export function writeFile(
  text: string,
  file: string,
  option: string,
  what: string,
  terminal: Terminal,
): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${option} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  terminal.note(`${what} written to ${file}`);
}

/** Write the rendered report to --out (creating its directory) or stdout. */
export function writeReport(text: string, out: string | undefined, terminal: Terminal): void {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  if (out === undefined) return terminal.stdout(body);
  writeFile(body, out, "--out", "report", terminal);
}

/**
 * The report's date: SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention)
 * when set, so a report committed or compared in CI does not change with the day; else today.
 */
export function reportDate(env: NodeJS.ProcessEnv = process.env): Date | undefined {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return undefined;
  if (!/^\d+$/.test(epoch)) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got "${epoch}"`);
  }
  return new Date(Number(epoch) * 1000);
}
