/** Where the CLI writes: the report to stdout (or --out), progress and errors to stderr. */
export interface Terminal {
  /** One progress line; on a TTY it is redrawn in place, elsewhere only lasting phases are printed. */
  progress(message: string, transient?: boolean): void;
  /** Clear the progress line before other output. */
  done(): void;
  error(message: string): void;
  /** A lasting line on stderr for the person running the command ("report written to r.md"). */
  note(message: string): void;
  stdout(text: string): void;
  /** Whether stdout is a terminal (the report is then rendered for it), and may be coloured. */
  readonly stdoutIsTTY?: boolean;
  readonly stdoutColour?: boolean;
}

const DIM = "\u001b[2m";
const RED = "\u001b[31m";
const RESET = "\u001b[0m";

/** NO_COLOR (https://no-color.org): present and not empty turns colour off, whatever its value. */
export function colourWanted(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}

export function processTerminal(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Terminal {
  // Redraw one line in place only where a person watches (a TTY); colour needs that and no NO_COLOR.
  const interactive = stderr.isTTY === true;
  const colour = colourWanted(stderr, env);
  const paint = (code: string, text: string): string => (colour ? `${code}${text}${RESET}` : text);
  let drawn = false;
  return {
    stdoutIsTTY: stdout.isTTY === true,
    stdoutColour: colourWanted(stdout, env),
    progress(message, transient = false) {
      if (interactive) {
        stderr.write(`\r\u001b[2K${paint(DIM, message)}`);
        drawn = true;
      } else if (!transient) {
        stderr.write(`${message}\n`);
      }
    },
    done() {
      if (drawn) stderr.write("\r\u001b[2K");
      drawn = false;
    },
    error(message) {
      this.done();
      stderr.write(`${paint(RED, "error:")} ${message}\n`);
    },
    note(message) {
      this.done();
      stderr.write(`${message}\n`);
    },
    stdout(text) {
      this.done();
      stdout.write(text);
    },
  };
}
