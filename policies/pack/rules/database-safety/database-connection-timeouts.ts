/**
 * DB-3: every database connection the app opens has a
 * connect timeout: `connect_timeout` in the URL the deployment supplies, or in the settings'
 * DATABASES OPTIONS for that alias.
 */
import { runsNoDjango } from "../../deployment/app-builds";
import {
  inContext,
  NOT_APPLICABLE,
  unreadableInputs,
  unverifiable,
  violation,
  type Finding,
  type StackRule,
} from "../rule";
import { envProperty, propertyOf, type Workload } from "../../deployment/workloads";
import { WORKLOAD_TYPES } from "../types";
import type { Deployment } from "../../deployment";

const URL_VARIABLES: Record<string, string> = { DATABASE_URL: "default", AUDIT_DATABASE_URL: "audit" };

/** The URL a workload receives in `variable`, following an Azure secretRef to its secret's value. */
function urlValue(app: Workload, variable: string, deployment: Deployment): string | undefined {
  const env = deployment.resolvedEnv(app, variable);
  return env?.kind === "value" ? env.value : undefined;
}

export const databaseConnectionTimeouts: StackRule = {
  id: "DB-3",
  policy: "database-connection-timeouts",
  category: "database-safety",
  severity: "medium",
  title: "No database connection timeouts",
  description: "Connections set connect_timeout (and a statement timeout where configured).",
  impact: "A stalled database hangs every worker until the whole site stops answering.",
  fix: 'Add `?connect_timeout=10` to the URLs or `OPTIONS: {"connect_timeout": 10}` in DATABASES.',
  verify:
    'python manage.py shell -c "from django.db import connection; print(connection.get_connection_params())"',
  scope: "stack",
  types: WORKLOAD_TYPES,
  check(deployment) {
    // Connection options are Django settings: a Flask app's are not read.
    if (runsNoDjango(deployment)) return NOT_APPLICABLE;
    const apps = deployment.workloads.filter((w) => w.role === "web" || w.role === "release");
    const findings: Finding[] = [];
    let judged = false;
    for (const app of apps) {
      const pending = Object.keys(URL_VARIABLES).filter((variable) => {
        if (app.env[variable] === undefined) return false;
        judged = true;
        const url = urlValue(app, variable, deployment);
        return url === undefined || !/[?&]connect_timeout=\d/.test(url);
      });
      if (pending.length === 0) continue;
      const found = deployment.factsOf(app);
      // Settings Python cannot parse show no OPTIONS: CH-8 fails them; the timeout cannot be judged.
      const unreadable = "facts" in found ? unreadableInputs(found.facts, ["settings"]) : [];
      findings.push(...unreadable);
      if (unreadable.length > 0) continue;
      const module =
        "facts" in found
          ? found.facts.settings.modules.find((m) => m.module === found.facts.settings.runtimeModule)
          : undefined;
      for (const variable of pending) {
        const url = urlValue(app, variable, deployment);
        const alias = module?.databases.find(
          (a) => a.env.some((e) => e.name === variable) || a.alias === URL_VARIABLES[variable],
        );
        if (alias && (alias.connectTimeout !== null || alias.optionKeys.includes("connect_timeout")))
          continue;
        if ("facts" in found && alias) {
          findings.push(
            violation(
              `The "${alias.alias}" database connection has no connect timeout, so a stalled database hangs every worker. Add OPTIONS {"connect_timeout": 10} or ?connect_timeout=10 to ${variable}.`,
              inContext(found.facts, alias.location),
            ),
          );
        } else if (url !== undefined) {
          findings.push(
            violation(
              `${variable} given to ${app.resource.name} has no connect_timeout, and the settings set none either. Add ?connect_timeout=10 to the URL.`,
              {
                urn: app.resource.urn,
                property: propertyOf(app, envProperty(app)),
              },
            ),
          );
        } else {
          findings.push(
            unverifiable(
              `${variable} of ${app.resource.name} is not known before the deployment runs and its settings could not be read, so its connect timeout cannot be checked.`,
              {
                urn: app.resource.urn,
                property: propertyOf(app, envProperty(app)),
              },
            ),
          );
        }
      }
    }
    return judged ? findings : NOT_APPLICABLE;
  },
};
