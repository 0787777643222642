import type { Terminal } from "../../../../policies/command/cli/terminal";

/** A Terminal that keeps what the CLI wrote: the report (`out`) and its errors (`err`), no progress. */
export interface CapturedTerminal extends Terminal {
  out: string;
  err: string;
  /** Lasting notes ("report written to ..."). */
  notes: string;
}

export function capturedTerminal(): CapturedTerminal {
  const t: CapturedTerminal = {
    out: "",
    err: "",
    notes: "",
    progress: () => undefined,
    done: () => undefined,
    error(message: string) {
      t.err += `error: ${message}\n`;
    },
    note(message: string) {
      t.notes += `${message}\n`;
    },
    stdout(text: string) {
      t.out += text;
    },
  };
  return t;
}
