/**
 * The CLI's exit statuses. A CI gate reads 0 and 1 as the verdict, so nothing else may ever
 * exit 1: usage mistakes are 2 and a fault of agency-deploy itself is 3 (Node.js would exit 1
 * on an uncaught exception, which a gate would take for a failed policy).
 */
export const EXIT = {
  /** No mandatory policy failed. */
  pass: 0,
  /** A mandatory policy failed. */
  mandatoryFailure: 1,
  /** Bad usage, invalid configuration or an unreadable events file; the message names the problem. */
  usage: 2,
  /** An internal error of agency-deploy. */
  internal: 3,
} as const;

export const DEBUG_ENV = "AGENCY_DEPLOY_DEBUG";

/** `AGENCY_DEPLOY_DEBUG=1` (any value but empty, 0 or false) adds stack traces to error messages. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[DEBUG_ENV];
  return value !== undefined && !["", "0", "false"].includes(value.toLowerCase());
}

/**
 * The verdict and the gate, defined once: `--help` prints this table and the README carries it
 * verbatim (a test keeps them equal). Production: critical and high items are mandatory; demo:
 * every item is advisory, so only the verdict (never the gate) reports them.
 */
export const VERDICT_TABLE = [
  "| Mode       | Deployment Reliable   | Means                                                                          | Exit |",
  "| ---------- | --------------------- | ------------------------------------------------------------------------------ | ---- |",
  "| production | Yes                   | no item fails and nothing warns at medium or above                             | 0    |",
  "| production | With Fixes            | an advisory (medium/low) item fails or warns; no critical/high item fails      | 0    |",
  "| production | With Fixes            | a high item fails (mandatory)                                                  | 1    |",
  "| production | No                    | a critical item fails, or the image cannot be built                            | 1    |",
  "| demo       | Yes / With Fixes / No | as in production                                                               | 0    |",
  "| any        | (no report)           | bad usage, invalid config, events cut, corrupt or without the pack's summaries | 2    |",
].join("\n");

export const EXIT_STATUS_HELP = [
  "",
  "Verdict and gate:",
  ...VERDICT_TABLE.split("\n").map((line) => `  ${line}`),
  "",
  "Exit status:",
  "  0  no mandatory policy failed: the gate passes",
  "  1  a mandatory policy failed: the gate fails",
  "  2  bad usage, invalid configuration (with --all-stacks: of any stack) or an invalid events",
  "     file; the message names the problem",
  `  3  an internal error of agency-deploy: please report it (${DEBUG_ENV}=1 prints the stack trace)`,
].join("\n");

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? "";
}

/** One line saying what failed, one asking for a report; the stack trace only when debugging. */
export function internalErrorMessage(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const what =
    error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : firstLine(String(error));
  const debug = debugEnabled(env);
  const lines = [
    `internal error: ${what}`,
    "This is a bug in agency-deploy; please report it with the command you ran" +
      (debug ? " and the stack trace below." : `, and run it again with ${DEBUG_ENV}=1 for the stack trace.`),
  ];
  if (debug && error instanceof Error && error.stack !== undefined) lines.push(error.stack);
  return lines.join("\n");
}
