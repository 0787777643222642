import { Command } from "commander";
import { componentOutputs } from "../offline/check";
import { loadProject, loadStackConfig } from "../offline/project";
import { runProgram } from "../offline/program";
import { defaultProgramDir } from "./check";
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
  const run = await runProgram({
    pwd: project.pwd,
    program: project.program,
    rootDirectory: project.root,
    project: project.name,
    stack: options.stack,
    config: config.values,
    secretKeys: config.secretKeys,
  });
  const runbooks = componentOutputs(run, "runbook").filter((o) => typeof o.value === "string");
  terminal.done();
  if (runbooks.length === 0) {
    terminal.error(
      `stack "${options.stack}" registers no resource with a \`runbook\` output; nothing to print`,
    );
    return 1;
  }
  // An instance's runbook is also re-exported by the stack; print each distinct text once.
  const texts = [...new Set(runbooks.map((r) => r.value as string))];
  terminal.stdout(texts.map((t) => (t.endsWith("\n") ? t : `${t}\n`)).join("\n---\n\n"));
  return 0;
}

export function runbookCommand(terminal: Terminal, setExit: (code: number) => void): Command {
  return new Command("runbook")
    .description(
      "Print the instance's runbook (backup, restore, rollback, key rotation) for a stack, computed offline.",
    )
    .option("-s, --stack <name>", "stack whose Pulumi.<name>.yaml to use", "local")
    .option("--program <dir>", "Pulumi program directory (default: ./stacks, else the bundled stacks/)")
    .action(async (options: RunbookCommandOptions) => setExit(await runRunbook(options, terminal)));
}
