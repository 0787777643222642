/**
 * HC-3: logs go to stdout/stderr and container logs are rotated.
 *
 * Files: no redirect of the start script into a log file, no file handlers in the runtime settings,
 * gunicorn's access and error logs on `-` (gunicorn writes no access log unless told to).
 * Docker: the json-file driver (Docker's default) keeps logs forever unless `max-size` is set; the
 * `local` driver rotates by itself; drivers that ship logs off the host (syslog, journald, fluentd,
 * gelf, awslogs, ...) keep nothing on the disk; `none` throws logs away. Azure: the Container Apps
 * environment sends logs to Log Analytics or Azure Monitor.
 */
import { isUnknown, record, str } from "../props";
import { inContext, NOT_APPLICABLE, unreadableInputs, unverifiable, violation } from "../rule";
import type { Finding, Resource, StackRule } from "../rule";
import { APP_BUILD_TYPES, AZURE, DOCKER } from "../types";
import { runtimeModules } from "../../deployment/setting-values";
import { type WebServer } from "../../deployment/web-servers";

const STDOUT = new Set(["-", "/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2"]);

export const logsToStdout: StackRule = {
  id: "HC-3",
  policy: "logs-to-stdout",
  category: "hosting-compatibility",
  severity: "medium",
  title: "Logs not on stdout/stderr or not rotated",
  description:
    "Logs go to stdout/stderr (gunicorn logs to `-`, no file handlers) and container logs are rotated.",
  impact: "Logs are invisible to the platform and fill the disk.",
  fix: "Use StreamHandler logging, `--access-logfile - --error-logfile -`, and json-file log rotation.",
  verify: "docker logs <container>   # shows requests",
  scope: "stack",
  types: [...APP_BUILD_TYPES, AZURE.managedEnvironment],
  check(deployment) {
    const containers = deployment.resources.filter((r) => r.type === DOCKER.container);
    const environments = deployment.resources.filter((r) => r.type === AZURE.managedEnvironment);
    const { servers, unknown, builds, hasWeb } = deployment.webServers;
    if (containers.length === 0 && environments.length === 0 && !hasWeb) return NOT_APPLICABLE;
    const findings: Finding[] = [
      ...containers.flatMap(rotation),
      ...environments.flatMap(azureLogs),
      ...unknown,
    ];
    findings.push(...builds.opaque);
    findings.push(...servers.flatMap(serverLogs));
    for (const build of builds.inspected) {
      const { facts } = build;
      for (const log of facts.entrypoint?.logFiles ?? []) {
        findings.push(
          violation(
            `The start script writes logs to the file ${log.path} inside the container instead of stdout/stderr.`,
            inContext(facts, log.location),
          ),
        );
      }
      // Settings Python cannot parse are CH-8's failure; their LOGGING cannot be judged.
      const unreadable = unreadableInputs(facts, ["settings"]);
      findings.push(...unreadable);
      for (const module of unreadable.length > 0 ? [] : runtimeModules(facts)) {
        for (const handler of module.logging.fileHandlers) {
          findings.push(
            violation(
              `The settings (${module.module}) log to a file with ${handler.className}: the platform never sees those ` +
                "logs and they fill the disk. Use a StreamHandler.",
              inContext(facts, handler.location),
            ),
          );
        }
      }
    }
    return findings;
  },
};

function rotation(container: Resource): Finding[] {
  const { name, urn, props } = container;
  if (isUnknown(props.logDriver) || isUnknown(props.logOpts)) {
    return [unverifiable(`the log settings of "${name}" are not known until deployment`, { urn })];
  }
  const driver = str(props.logDriver) ?? "json-file";
  if (driver === "none") {
    return [
      violation(`The container "${name}" throws its logs away (log driver "none").`, {
        urn,
        property: "logDriver",
      }),
    ];
  }
  if (driver !== "json-file") return [];
  const maxSize = str(record(props.logOpts) ?? {}, "max-size");
  if (maxSize === undefined) {
    return [
      violation(
        `The logs of "${name}" are never rotated and grow until the disk is full; set logOpts "max-size" (e.g. "10m") and "max-file".`,
        { urn, property: "logOpts" },
      ),
    ];
  }
  return [];
}

function azureLogs(environment: Resource): Finding[] {
  const config = record(environment.props, "appLogsConfiguration");
  if (isUnknown(config))
    return [unverifiable(`the log settings of "${environment.name}" are not known until deployment`)];
  const destination = str(config ?? {}, "destination");
  if (destination === undefined || destination === "" || destination === "none") {
    return [
      violation(
        `The Container Apps environment "${environment.name}" keeps no application logs; send them to Log Analytics ` +
          '(appLogsConfiguration.destination "log-analytics") or Azure Monitor.',
        { urn: environment.urn, property: "appLogsConfiguration" },
      ),
    ];
  }
  return [];
}

function serverLogs({ workload, server, location, facts }: WebServer): Finding[] {
  if (server.server !== "gunicorn") return [];
  // A start script's log files are already reported from the entrypoint facts (logFiles).
  const fromScript = facts !== undefined;
  const name = workload.resource.name;
  const findings: Finding[] = [];
  if (server.accessLogfile === null || (!fromScript && !STDOUT.has(server.accessLogfile))) {
    findings.push(
      violation(
        server.accessLogfile === null
          ? `gunicorn in "${name}" writes no access log; add "--access-logfile -" so requests show in the logs.`
          : `gunicorn in "${name}" writes its access log to a file; use "--access-logfile -".`,
        location,
      ),
    );
  }
  if (!fromScript && server.errorLogfile !== null && !STDOUT.has(server.errorLogfile)) {
    findings.push(
      violation(`gunicorn in "${name}" writes its error log to a file; use "--error-logfile -".`, location),
    );
  }
  return findings;
}
