/**
 * CH-9 wsgi-module-exists (high): the module the app server imports (`gunicorn config.wsgi:application`,
 * the components' `agency-deploy:django.wsgiModule`) exists in the build context. A wrong module
 * stops every worker with ModuleNotFoundError and the web service never starts; nothing else
 * reads the server's target.
 */
import { judgeEach, violation, type Finding, type StackRule } from "../rule";
import { APP_BUILD_TYPES } from "../types";
import type { Deployment, WebServer } from "../../deployment";
import { serverModule } from "../../deployment/web-servers";

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
    judgeEach(deployment, deployment.webServers.servers, (web) => judgeServer(web, deployment)),
};

/** The module one web server starts, against the files its build context sends; null when it names none. */
function judgeServer(web: WebServer, deployment: Deployment): Finding[] | null {
  const found = serverModule(deployment, web);
  if (found === null) return null;
  if (found.exists) return [];
  return [
    violation(
      `${web.workload.resource.name} starts the app server with ${found.target}, but the module ${found.module} is not in the build context: ` +
        "every worker stops with ModuleNotFoundError. Point it at the app's WSGI module, or set agency-deploy:django.wsgiModule.",
      web.location,
    ),
  ];
}
