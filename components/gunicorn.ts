/**
 * The gunicorn invocation, the same for every target: a `sh -c` command, so `$PORT` comes from the
 * container's environment, that `exec`s gunicorn (PID 1, so it receives SIGTERM) with the
 * configured workers, threads and timeouts, logs on stdout/stderr, and the WSGI target last.
 *
 * `--no-control-socket`: gunicorn 24+ opens a control socket under $HOME by default, and on a
 * read-only root (Docker) HOME is not writable (`[Errno 30] Read-only file system: '/nonexistent'`
 * on every start). Nothing in a deployment uses the control interface.
 */
import type { InstanceSettings } from "./config";
import { shellQuote } from "./release";

/** gunicorn's argv after `gunicorn`; `--bind` is expanded by the shell from $PORT. */
export function gunicornArguments(settings: InstanceSettings): string[] {
  const g = settings.gunicorn;
  return [
    "--bind",
    "0.0.0.0:${PORT}",
    "--workers",
    String(g.workers),
    "--threads",
    String(g.threads),
    "--timeout",
    String(g.timeout),
    "--graceful-timeout",
    String(g.gracefulTimeout),
    "--access-logfile",
    "-",
    "--error-logfile",
    "-",
    "--no-control-socket",
    settings.django.wsgiModule,
  ];
}

/** The `sh -c` command line: every argument quoted, except that `${PORT}` expands (double quotes). */
export function gunicornCommand(settings: InstanceSettings): string {
  const words = gunicornArguments(settings).map((arg) =>
    arg.includes("${PORT}") ? `"${arg}"` : shellQuote(arg),
  );
  return ["exec", "gunicorn", ...words].join(" ");
}
