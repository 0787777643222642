/**
 * HC-1: the server binds `$PORT`, not a hard-coded port.
 *
 * gunicorn with no `--bind` binds `0.0.0.0:$PORT` when PORT is set, so that passes. A `$PORT`
 * written in an exec-form command (no shell) reaches the server as the literal text "$PORT":
 * Docker expands nothing there, so that fails. `runserver` without an address binds 127.0.0.1:8000.
 */
import { violation, judgeWebServers, type Finding, type StackRule } from "../rule";
import { type WebServer } from "../../deployment/web-servers";
import { APP_BUILD_TYPES } from "../types";

export const portRespected: StackRule = {
  id: "HC-1",
  policy: "port-respected",
  category: "hosting-compatibility",
  severity: "medium",
  title: "PORT not respected",
  description: "The server binds $PORT, not a hard-coded port.",
  impact: "Platforms that assign a port (Railway, Container Apps) see a dead app.",
  fix: "Bind gunicorn to `0.0.0.0:${PORT}`.",
  verify: "docker run -e PORT=9000 <image>   # listens on 9000",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    return judgeWebServers(deployment, judge);
  },
};

function judge({ workload, server, location }: WebServer): Finding[] {
  const name = workload.resource.name;
  if (server.bind === null) {
    if (server.server === "gunicorn") return [];
    return [
      violation(
        `The ${server.server} server in "${name}" sets no address, so it listens on its built-in port instead of $PORT; ` +
          'add a bind such as "0.0.0.0:${PORT}".',
        location,
      ),
    ];
  }
  if (server.usesPortVariable) {
    if (server.viaShell) return [];
    return [
      violation(
        `The command of "${name}" writes $PORT without a shell, so the server receives the text "$PORT" instead of ` +
          "the port number; run it through `sh -c` (or drop the bind and let gunicorn read PORT).",
        location,
      ),
    ];
  }
  return [
    violation(
      `The server in "${name}" listens on a fixed port${server.literalPort === null ? "" : ` (${server.literalPort})`} ` +
        'instead of the PORT the platform assigns; bind to "0.0.0.0:${PORT}".',
      location,
    ),
  ];
}
