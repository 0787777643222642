/**
 * A reader that closes its end early (`agency-deploy check --help | head -3`) is no fault of
 * agency-deploy. Node reports it as an EPIPE 'error' on the stream, which unhandled would end the
 * command as an internal error (exit 3, which a gate must never read as a verdict). So what is left
 * to write is dropped (a destroyed stream discards later writes without another 'error') and the
 * command ends with the exit status it would have had. Any other write error is still a fault.
 */
export function tolerateClosedReader(stream: NodeJS.WritableStream, onFault: (error: unknown) => void): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") onFault(error);
  });
}
