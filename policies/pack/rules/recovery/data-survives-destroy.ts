/**
 * RC-6: database data survives `pulumi destroy` and replacement.
 *
 * Docker: the volumes mounted by database and backup containers are protected (the analyzer sees
 * `protect`; `retainOnDelete` is invisible to it, so protect is what is judged); a host directory
 * (bind mount) outlives the container; a database with no volume keeps its data in the container's
 * own layer and loses it on replacement. Azure: PostgreSQL servers and databases are protected.
 */
import { list, str } from "../props";
import { NOT_APPLICABLE, violation, type Finding, type Resource, type StackRule } from "../rule";
import { AZURE, DOCKER, WORKLOAD_TYPES } from "../types";
import { type Workload } from "../../deployment/workloads";
import type { Deployment } from "../../deployment";

export const dataSurvivesDestroy: StackRule = {
  id: "RC-6",
  policy: "data-survives-destroy",
  category: "recovery",
  severity: "high",
  title: "Data does not survive destroy or replacement",
  description: "Database volumes and servers are protected (or retained on delete).",
  impact: "`pulumi destroy` or a replacement deletes the database for good.",
  fix: "Keep `agency-deploy:protectData` true (the default); opt out only for throw-away instances.",
  verify: "pulumi destroy --preview-only   # refuses: protected resources",
  scope: "stack",
  types: [...WORKLOAD_TYPES, DOCKER.volume, AZURE.postgresServer, AZURE.postgresDatabase],
  check(deployment) {
    const stateful = deployment.workloads.filter(
      (w) => w.platform === "docker" && (w.role === "database" || w.role === "backup"),
    );
    const servers = deployment.resources.filter(
      (r) => r.type === AZURE.postgresServer || r.type === AZURE.postgresDatabase,
    );
    if (stateful.length === 0 && servers.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    for (const workload of stateful) findings.push(...volumesOf(workload, deployment));
    for (const server of servers) {
      if (!server.protect) {
        const what = server.type === AZURE.postgresServer ? "PostgreSQL server" : "database";
        findings.push(
          violation(
            `The ${what} "${server.name}" is not protected: \`pulumi destroy\` or a change that replaces it deletes the data for good.`,
            { urn: server.urn },
          ),
        );
      }
    }
    return findings;
  },
};

function volumesOf(workload: Workload, deployment: Deployment): Finding[] {
  const container = workload.resource;
  const mounts = [
    ...list(container.props, "volumes").map((v, i) => ({
      volume: str(v, "volumeName"),
      hostPath: str(v, "hostPath"),
      property: `volumes[${i}]`,
    })),
    ...list(container.props, "mounts").map((m, i) => ({
      volume: str(m, "type") === "volume" ? str(m, "source") : undefined,
      hostPath: str(m, "type") === "bind" ? str(m, "source") : undefined,
      property: `mounts[${i}]`,
    })),
  ];
  if (workload.role === "database" && mounts.length === 0) {
    return [
      violation(
        `The database container "${container.name}" has no volume: its data lives inside the container and is lost ` +
          "whenever the container is replaced.",
        { urn: container.urn, property: "volumes" },
      ),
    ];
  }
  const volumeResources = deployment.resources.filter((r) => r.type === DOCKER.volume);
  const wired = new Set([
    ...(container.propertyDependencies.volumes ?? []),
    ...(container.propertyDependencies.mounts ?? []),
  ]);
  const findings: Finding[] = [];
  const judged = new Set<Resource>();
  for (const mount of mounts) {
    if (mount.hostPath !== undefined) continue;
    const volume = volumeResources.find(
      (v) => !judged.has(v) && (v.name === mount.volume || str(v.props, "name") === mount.volume),
    );
    if (volume !== undefined) judged.add(volume);
  }
  for (const volume of volumeResources) if (wired.has(volume.urn)) judged.add(volume);
  for (const volume of judged) {
    if (!volume.protect) {
      findings.push(
        violation(
          `The volume "${volume.name}" holding the data of "${container.name}" is not protected: \`pulumi destroy\` ` +
            "deletes it. Protect it (and retain it on delete).",
          { urn: volume.urn },
        ),
      );
    }
  }
  return findings;
}
