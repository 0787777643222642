/**
 * CH-9 wsgi-module-exists (high): the module the app server imports (`gunicorn config.wsgi:application`,
 * the components' `agency-deploy:django.wsgiModule`) exists in the build context. A wrong module
 * stops every worker with ModuleNotFoundError and the web service never starts; nothing else
 * reads the server's target.
 */
import { parse as parseShell } from "shell-quote";
import { moduleCandidates } from "../../inspect/settings";
import { judgeEach, violation, type Finding, type StackRule } from "../rule";
import { APP_BUILD_TYPES } from "../types";
import type { Deployment, WebServer } from "../../deployment";

export const wsgiModuleExists: StackRule = {
  id: "CH-9",
  policy: "wsgi-module-exists",
  category: "configuration-hygiene",
  severity: "high",
  severityReason:
    "A missing WSGI module stops every worker at import: the web service never serves a request.",
  title: "App server imports a module that does not exist",
  description: "The WSGI/ASGI module the app server starts exists in the build context.",
  impact: "Every worker stops with ModuleNotFoundError: the web service never starts.",
  fix: "Point the server at the app's WSGI module (e.g. config.wsgi:application), or set `agency-deploy:django.wsgiModule`.",
  verify: "python -c 'import importlib; importlib.import_module(\"<module>\")'",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) =>
    judgeEach(deployment, deployment.webServers.servers, (web) => serverModule(web, deployment)),
};

/** The module one web server starts, against the files its build context sends; null when it names none. */
function serverModule(web: WebServer, deployment: Deployment): Finding[] | null {
  const found = deployment.factsOf(web.workload);
  if ("reason" in found) return null;
  const { facts } = found;
  const text =
    web.facts !== undefined
      ? (facts.entrypoint?.servers.find((s) => s.location.line === web.location.line)?.command ?? "")
      : web.workload.argv.join(" ");
  const target = serverTarget(text);
  const sent = facts.dockerignore?.sentFiles;
  if (target === undefined || sent === undefined) return null;
  const module = target.split(":")[0];
  const files = new Set(sent);
  const exists =
    facts.django.wsgi.some((w) => w.module === module) ||
    moduleCandidates(module, [...facts.django.sourceRoots, ""]).some((f) => files.has(f));
  if (exists) return [];
  return [
    violation(
      `${web.workload.resource.name} starts the app server with ${target}, but the module ${module} is not in the build context: ` +
        "every worker stops with ModuleNotFoundError. Point it at the app's WSGI module, or set agency-deploy:django.wsgiModule.",
      web.location,
    ),
  ];
}

const SERVERS = /(^|\/)(gunicorn|uvicorn|daphne|hypercorn|waitress-serve)$/;
const TARGET = /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(\))?$|^[A-Za-z_][\w.]*\.(wsgi|asgi)$/;

/** The `module:callable` (or `pkg.wsgi`) a server command starts, when it names one. */
export function serverTarget(command: string): string | undefined {
  const words = parseShell(command, (name) => "${" + name + "}").map((t) =>
    typeof t === "string" ? t : ";",
  );
  const start = words.findIndex((w) => SERVERS.test(w));
  if (start < 0) return undefined;
  const rest = words.slice(start + 1);
  const end = rest.indexOf(";");
  const args = end < 0 ? rest : rest.slice(0, end);
  return args.filter((w) => !w.startsWith("-") && TARGET.test(w)).pop();
}
