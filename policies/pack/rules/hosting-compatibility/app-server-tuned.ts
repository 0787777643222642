/**
 * HC-6: workers, threads and timeout set explicitly; timeout >= 60 s.
 *
 * Options come from the command line, GUNICORN_CMD_ARGS, or WEB_CONCURRENCY (gunicorn's own
 * default for workers). Options left to a `-c` config file cannot be seen: "could not verify".
 */
import { unverifiable, violation, judgeWebServers, type Finding, type StackRule } from "../rule";
import { resolveNumber, type WebServer } from "../../deployment/web-servers";
import { APP_BUILD_TYPES } from "../types";

export const appServerTuned: StackRule = {
  id: "HC-6",
  policy: "app-server-tuned",
  category: "hosting-compatibility",
  severity: "low",
  title: "App server not tuned",
  description: "Workers, threads and timeout are set explicitly, with timeout >= 60 s.",
  impact: "Defaults time out long requests (exports, reports) and under-use the CPU.",
  fix: "Pass `--workers`, `--threads` and `--timeout 60` (or more) to gunicorn.",
  verify: "docker inspect <container> --format '{{.Config.Cmd}}'",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    return judgeWebServers(deployment, judge);
  },
};

const MIN_TIMEOUT_SECONDS = 60;

function judge({ workload, server, location, env }: WebServer): Finding[] {
  const name = workload.resource.name;
  if (server.server !== "gunicorn") {
    return [unverifiable(`"${name}" runs ${server.server}; tuning is only judged for gunicorn`, location)];
  }
  const missing: string[] = [];
  if (server.workers === null && env.WEB_CONCURRENCY === undefined) missing.push("--workers");
  if (server.threads === null) missing.push("--threads");
  if (server.timeout === null) missing.push("--timeout");
  const findings: Finding[] = [];
  if (missing.length > 0) {
    const text = `gunicorn in "${name}" does not set ${missing.join(", ")}`;
    findings.push(
      server.configFile !== null
        ? unverifiable(`${text} on the command line; they may be in its config file`, location)
        : violation(`${text}: it falls back to 1 worker, 1 thread and a 30 s timeout.`, location),
    );
  }
  if (server.timeout !== null) {
    const timeout = resolveNumber(server.timeout, env);
    if (timeout === undefined) {
      findings.push(
        unverifiable(`the gunicorn timeout in "${name}" depends on a value not known here`, location),
      );
    } else if (timeout > 0 && timeout < MIN_TIMEOUT_SECONDS) {
      findings.push(
        violation(
          `gunicorn in "${name}" kills requests after ${timeout} s; long pages (exports, reports) need --timeout ${MIN_TIMEOUT_SECONDS} or more.`,
          location,
        ),
      );
    }
  }
  return findings;
}
