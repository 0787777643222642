/** Where the CLI writes: the report to stdout (or --out), progress and errors to stderr. */
export interface Terminal {
  /** One progress line; on a TTY it is redrawn in place, elsewhere only lasting phases are printed. */
  progress(message: string, transient?: boolean): void;
  /** Clear the progress line before other output. */
  done(): void;
  error(message: string): void;
  stdout(text: string): void;
}

const DIM = "\u001b[2m";
const RED = "\u001b[31m";
const RESET = "\u001b[0m";

export function processTerminal(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Terminal {
  // Colour only when a person is watching and has not asked for none.
  const tty = stderr.isTTY === true && process.env.NO_COLOR === undefined;
  let drawn = false;
  return {
    progress(message, transient = false) {
      if (tty) {
        stderr.write(`\r\u001b[2K${DIM}${message}${RESET}`);
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
      stderr.write(tty ? `${RED}error:${RESET} ${message}\n` : `error: ${message}\n`);
    },
    stdout(text) {
      this.done();
      stdout.write(text);
    },
  };
}
