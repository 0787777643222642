#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { PolicyPackError } from "../offline/analyzer";
import { ProgramError } from "../offline/program";
import { UsageError } from "../offline/usage-error";
import { checkCommand } from "./check";
import { reportCommand } from "./report";
import { runbookCommand } from "./runbook";
import { DEBUG_ENV, debugEnabled, EXIT, EXIT_STATUS_HELP, internalErrorMessage } from "./exit-status";
import { packageManifest } from "../../package-manifest";
import { processTerminal, type Terminal } from "./terminal";
import { tolerateClosedReader } from "./closed-reader";

const ENVIRONMENT_HELP = [
  "",
  "Environment:",
  "  NO_COLOR=1              no colour on a terminal (progress and errors go to stderr, the report to stdout)",
  "  SOURCE_DATE_EPOCH=N     date the report N seconds after 1970, for reproducible reports",
  `  ${DEBUG_ENV}=1   stack traces with internal errors and program crashes`,
].join("\n");

/** Run the CLI with `argv` (without node and script); resolves to the exit status. */
export async function main(argv: string[], terminal: Terminal = processTerminal()): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  // Help goes through the terminal like the report, so a closed stdout is handled in one place.
  const output = {
    writeErr: (s: string) => process.stderr.write(s),
    writeOut: (s: string) => terminal.stdout(s),
  };
  const program = new Command("agency-deploy")
    .description(
      "Check an agency-deploy Pulumi program against the deployment-reliability policy pack, offline or from a real preview.",
    )
    .version(packageManifest().version)
    .addHelpText("after", `${EXIT_STATUS_HELP}\n${ENVIRONMENT_HELP}`)
    .exitOverride()
    .configureOutput(output);
  for (const command of [
    checkCommand(terminal, setExit),
    reportCommand(terminal, setExit),
    runbookCommand(terminal, setExit),
  ]) {
    program.addCommand(command.exitOverride().configureOutput(output));
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    return reportFailure(e, terminal);
  }
}

/** The exit status for what `main` threw, after telling the user (see exit-status.ts). */
function reportFailure(e: unknown, terminal: Terminal): number {
  if (e instanceof CommanderError) {
    // Commander has already printed its message (or the help text).
    const helpOrVersion = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(e.code);
    return helpOrVersion ? EXIT.pass : EXIT.usage;
  }
  if (e instanceof UsageError || e instanceof PolicyPackError) {
    terminal.error(e.message);
    return EXIT.usage;
  }
  if (e instanceof ProgramError) {
    // The program is the user's: its crash is theirs to fix, and its stack trace is noise to most.
    terminal.error(debugEnabled() && e.detail ? `${e.message}\n${e.detail}` : e.message);
    return EXIT.usage;
  }
  terminal.error(internalErrorMessage(e));
  return EXIT.internal;
}

if (require.main === module) {
  const terminal = processTerminal();
  // A fault outside main's promise (an emitter's callback) must not exit 1, which reads as a verdict.
  const crash = (e: unknown): void => {
    terminal.error(internalErrorMessage(e));
    process.exit(EXIT.internal);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  tolerateClosedReader(process.stdout, crash);
  tolerateClosedReader(process.stderr, crash);
  main(process.argv.slice(2), terminal).then((code) => {
    process.exitCode = code;
  }, crash);
}
