/**
 * A problem the user can fix by changing the command line, a stack file or the configuration.
 * The CLI prints its message alone (no stack trace) and exits with status 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
