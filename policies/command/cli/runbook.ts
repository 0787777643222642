import { Command } from "commander";
import { componentOutputs } from "../offline/check";
import { parseAssignments, setConfigValue } from "../offline/config-overrides";
import { generatedNames, markPlaceholders, PLACEHOLDER_NOTE } from "../offline/placeholders";
import { loadProject, loadStackConfig } from "../offline/project";
import { runStackProgram } from "../offline/program";
import { UsageError } from "../offline/usage-error";
import { CONFIG_OPTION_HELP, defaultProgramDir, withStackOptions } from "./check";
import type { Terminal } from "./terminal";

export interface RunbookCommandOptions {
  stack: string;
  program?: string;
  config: string[];
}

/** `agency-deploy runbook`: the instance's `runbook` output, computed offline. */
export async function runRunbook(options: RunbookCommandOptions, terminal: Terminal): Promise<number> {
  const assignments = parseAssignments(options.config ?? []);
  const project = loadProject(options.program ?? defaultProgramDir());
  let config = loadStackConfig(project, options.stack);
  for (const [key, value] of assignments) config = setConfigValue(config, key, value);
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
  const names = generatedNames(run);
  const texts = [...new Set(runbooks.map((r) => r.value as string))].map((text) => {
    const marked = markPlaceholders(text, names);
    if (marked === text) return text;
    // After the title line, so the note is read before the first command.
    const [title, ...rest] = marked.split("\n");
    return [title, "", PLACEHOLDER_NOTE, ...rest].join("\n");
  });
  terminal.stdout(texts.map((t) => (t.endsWith("\n") ? t : `${t}\n`)).join("\n---\n\n"));
  return 0;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function runbookCommand(terminal: Terminal, setExit: (code: number) => void): Command {
  const command = new Command("runbook").description(
    "Print the instance's runbook (backup, restore, rollback, key rotation) for a stack, computed offline: names the providers pick at deploy time are shown as <generated>, and key rotation sets each generation to its current value + 1 (by `pulumi config set` for a stack's config; for an instance built in code, by naming the argument to raise).",
  );
  return withStackOptions(command)
    .option("-c, --config <key=value>", CONFIG_OPTION_HELP, collect, [])
    .action(async (options: RunbookCommandOptions) => setExit(await runRunbook(options, terminal)));
}
