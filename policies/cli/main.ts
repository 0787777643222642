#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { PolicyPackError } from "../offline/analyzer";
import { ProgramError } from "../offline/program";
import { UsageError } from "../offline/usage-error";
import { checkCommand } from "./check";
import { reportCommand } from "./report";
import { runbookCommand } from "./runbook";
import * as fs from "fs";
import * as path from "path";
import { packageRoot } from "./package-root";
import { processTerminal, type Terminal } from "./terminal";

function packageVersion(): string {
  const manifest = path.join(packageRoot(), "package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** Run the CLI with `argv` (without node and script); resolves to the exit status. */
export async function main(argv: string[], terminal: Terminal = processTerminal()): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command("agency-deploy")
    .description(
      "Check an agency-deploy Pulumi program against the deployment-reliability policy pack, offline or from a real preview.",
    )
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  for (const command of [
    checkCommand(terminal, setExit),
    reportCommand(terminal, setExit),
    runbookCommand(terminal, setExit),
  ]) {
    program.addCommand(command.exitOverride());
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its message (or the help text).
      return e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
        ? 0
        : 2;
    }
    if (e instanceof UsageError) {
      terminal.error(e.message);
      return 2;
    }
    if (e instanceof PolicyPackError) {
      terminal.error(e.message);
      return 2;
    }
    if (e instanceof ProgramError) {
      terminal.error(process.env.AGENCY_DEPLOY_DEBUG && e.detail ? `${e.message}\n${e.detail}` : e.message);
      return 2;
    }
    terminal.error(
      e instanceof Error ? (process.env.AGENCY_DEPLOY_DEBUG ? (e.stack ?? e.message) : e.message) : String(e),
    );
    return 3;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
