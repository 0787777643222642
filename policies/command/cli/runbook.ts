import { Command } from "commander";
import { componentOutputs } from "../offline/check";
import { loadProject, loadStackConfig } from "../offline/project";
import { runStackProgram } from "../offline/program";
import { UsageError } from "../offline/usage-error";
import { defaultProgramDir, withStackOptions } from "./check";
import type { Terminal } from "./terminal";

export interface RunbookCommandOptions {
  stack: string;
  program?: string;
}

/** `agency-deploy runbook`: the instance's `runbook` output, computed offline. */
export async function runRunbook(options: RunbookCommandOptions, terminal: Terminal): Promise<number> {
  const project = loadProject(options.program ?? defaultProgramDir());
  const config = loadStackConfig(project, options.stack);
  terminal.progress(`${options.stack}: running the program offline`);
  const run = await runStackProgram(project, config);
  const runbooks = componentOutputs(run, "runbook").filter((o) => typeof o.value === "string");
  terminal.done();
  if (runbooks.length === 0) {
    // Exit 1 is the gate's "a mandatory policy failed"; a program without a runbook is a usage mistake.
    throw new UsageError(
      `stack "${options.stack}" registers no resource with a \`runbook\` output; nothing to print`,
    );
  }
  // An instance's runbook is also re-exported by the stack; print each distinct text once.
  const texts = [...new Set(runbooks.map((r) => r.value as string))];
  terminal.stdout(texts.map((t) => (t.endsWith("\n") ? t : `${t}\n`)).join("\n---\n\n"));
  return 0;
}

export function runbookCommand(terminal: Terminal, setExit: (code: number) => void): Command {
  const command = new Command("runbook").description(
    "Print the instance's runbook (backup, restore, rollback, key rotation) for a stack, computed offline.",
  );
  return withStackOptions(command).action(async (options: RunbookCommandOptions) =>
    setExit(await runRunbook(options, terminal)),
  );
}
