import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../offline/usage-error";
import type { Terminal } from "./terminal";

export const FORMATS = ["md", "json", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

/** Write the rendered report to --out (creating its directory) or stdout. */
export function writeReport(text: string, out: string | undefined, terminal: Terminal): void {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  if (out === undefined) return terminal.stdout(body);
  try {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, body);
  } catch (e) {
    throw new UsageError(`cannot write --out ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
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
