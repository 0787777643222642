/**
 * RC-7 graceful-shutdown (low): the server receives SIGTERM (started with `exec` when a shell starts
 * it), and the container's stop timeout covers the server's graceful timeout.
 *
 * gunicorn finishes in-flight requests for `--graceful-timeout` seconds (30 by default) after
 * SIGTERM. Docker kills the container after `stopTimeout` (10 s by default) on `docker stop`, and
 * the Pulumi provider removes a replaced container after `destroyGraceSeconds` (immediately when
 * unset); both must be at least the graceful timeout. Azure: the revision's
 * `terminationGracePeriodSeconds` (30 s by default).
 */
import { at, isUnknown, num } from "../props";
import { unverifiable, violation, judgeWebServers, type Finding, type StackRule } from "../rule";
import { resolveNumber, type WebServer } from "../../deployment/web-servers";
import { APP_BUILD_TYPES } from "../types";

export const gracefulShutdown: StackRule = {
  id: "RC-7",
  policy: "graceful-shutdown",
  category: "recovery",
  severity: "low",
  title: "Stop timeout shorter than graceful shutdown",
  description:
    "The server receives SIGTERM (exec when a shell starts it) and the stop timeout covers its graceful timeout.",
  impact: "In-flight requests are killed mid-write on every release.",
  fix: "Start the server with `exec` (or the exec form) and set the stop timeout above gunicorn's --graceful-timeout.",
  severityReason:
    "Requests in flight during a release or restart fail once; no data is lost and the app comes back by itself.",
  verify: "docker inspect <container> --format '{{.Config.StopTimeout}}'",
  related: ["DL3025", "JSONArgsRecommended"],
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    return judgeWebServers(deployment, judge);
  },
};

const GUNICORN_GRACEFUL_DEFAULT = 30;
const DOCKER_STOP_DEFAULT = 10;
const AZURE_GRACE_DEFAULT = 30;

/**
 * hadolint DL3025 / BuildKit JSONArgsRecommended: a server started by a shell that does not `exec` it
 * stays the shell's child; `docker stop` sends SIGTERM to the shell (PID 1), which does not pass it
 * on, so the server never shuts down gracefully and is killed when the stop timeout ends.
 */
function signalsReachServer({ facts, location }: WebServer): Finding[] {
  const entrypoint = facts?.entrypoint;
  const start = entrypoint?.servers[0];
  if (!facts || !entrypoint || !start || start.exec) return [];
  const stage = facts.dockerfile?.stages[facts.dockerfile.finalStageIndex];
  const viaShell =
    entrypoint.file !== null ||
    stage?.entrypoint?.form === "shell" ||
    (!stage?.entrypoint && stage?.cmd?.form === "shell");
  if (!viaShell) return [];
  return [
    violation(
      `${start.server} is started by a shell without \`exec\`${entrypoint.file ? ` in ${entrypoint.file}` : " (shell-form CMD/ENTRYPOINT)"}: ` +
        `SIGTERM goes to the shell, never to ${start.server}, so open requests are cut when the stop timeout ends. ` +
        `Start it with \`exec ${start.server} ...\` (or the exec form ["${start.server}", ...]).`,
      location,
    ),
  ];
}

function judge(web: WebServer): Finding[] {
  return [...signalsReachServer(web), ...stopTimeouts(web)];
}

function stopTimeouts({ workload, server, env }: WebServer): Finding[] {
  if (server.server !== "gunicorn" && server.gracefulTimeout === null) return [];
  const graceful =
    server.gracefulTimeout === null ? GUNICORN_GRACEFUL_DEFAULT : resolveNumber(server.gracefulTimeout, env);
  const name = workload.resource.name;
  const urn = workload.resource.urn;
  if (graceful === undefined) {
    return [
      unverifiable(`the graceful timeout of the server in "${name}" depends on a value not known here`, {
        urn,
      }),
    ];
  }
  const props = workload.resource.props;
  if (workload.platform === "azure") {
    const grace = at(props, "template.terminationGracePeriodSeconds");
    if (isUnknown(grace))
      return [
        unverifiable(`the termination grace period of "${name}" is not known until deployment`, { urn }),
      ];
    const seconds = num(grace) ?? AZURE_GRACE_DEFAULT;
    return seconds >= graceful
      ? []
      : [
          violation(
            `"${name}" is stopped after ${seconds} s but the server needs ${graceful} s to finish open requests; ` +
              `raise template.terminationGracePeriodSeconds to at least ${graceful}.`,
            { urn, property: "template.terminationGracePeriodSeconds" },
          ),
        ];
  }
  const findings: Finding[] = [];
  for (const [property, fallback, when] of [
    ["stopTimeout", DOCKER_STOP_DEFAULT, "on `docker stop` and host restarts"],
    ["destroyGraceSeconds", 0, "when a release replaces the container"],
  ] as const) {
    const value = props[property];
    if (isUnknown(value)) {
      findings.push(
        unverifiable(`"${property}" of "${name}" is not known until deployment`, { urn, property }),
      );
      continue;
    }
    const seconds = num(value) ?? fallback;
    if (seconds < graceful) {
      findings.push(
        violation(
          `"${name}" is killed ${seconds} s after being asked to stop ${when}, but gunicorn needs ${graceful} s to ` +
            `finish open requests; set "${property}" to at least ${graceful}.`,
          { urn, property },
        ),
      );
    }
  }
  return findings;
}
