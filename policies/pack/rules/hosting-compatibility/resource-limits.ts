/**
 * HC-8: CPU and memory limits are set.
 *
 * Docker: `memory` (MB) and a CPU cap (`cpus`, or `cpuQuota` with its period); `cpuShares` is only
 * a relative weight and does not cap a runaway process. Azure Container Apps always enforce a
 * per-container allocation (the platform default when none is given), so there only an explicit
 * zero or unreadable value is a finding.
 */
import { at, isUnknown, list, LIST, num, NUMBER, OBJECT, str, STRING } from "../props";
import { NOT_APPLICABLE, unverifiable, violation } from "../rule";
import type { Finding, Resource, ResourceRule } from "../rule";
import { misshapen, unreadable } from "../props";
import { AZURE, DOCKER } from "../types";

export const resourceLimits: ResourceRule = {
  id: "HC-8",
  policy: "resource-limits",
  category: "hosting-compatibility",
  severity: "low",
  title: "No CPU or memory limits",
  description: "CPU and memory limits are set.",
  impact: "One runaway process starves the databases and the host.",
  fix: "Set `agency-deploy:resources.cpu` and `agency-deploy:resources.memoryMb`.",
  verify: "docker inspect <container> --format '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}'",
  scope: "resource",
  types: [DOCKER.container, AZURE.containerApp, AZURE.job],
  check(resource) {
    return resource.type === DOCKER.container ? dockerLimits(resource) : azureLimits(resource);
  },
};

function dockerLimits(resource: Resource): Finding[] {
  const props = resource.props;
  const where = (property: string) => ({ urn: resource.urn, property });
  const findings = misshapen(resource, { memory: NUMBER, cpus: NUMBER, cpuQuota: NUMBER });
  const odd = unreadable(findings);
  if (odd.has("memory")) {
    // Already reported as unreadable: neither a limit nor its absence can be told.
  } else if (isUnknown(props.memory)) {
    findings.push(
      unverifiable(`the memory limit of "${resource.name}" is not known until deployment`, where("memory")),
    );
  } else if ((num(props.memory) ?? 0) <= 0) {
    findings.push(
      violation(
        `The container "${resource.name}" has no memory limit: one runaway process can use all of the server's memory.`,
        where("memory"),
      ),
    );
  }
  if (odd.has("cpus") || odd.has("cpuQuota")) {
    // Already reported as unreadable.
  } else if (isUnknown(props.cpus) || isUnknown(props.cpuQuota)) {
    findings.push(
      unverifiable(`the CPU limit of "${resource.name}" is not known until deployment`, where("cpus")),
    );
  } else if (!((num(props.cpus) ?? 0) > 0 || (num(props.cpuQuota) ?? 0) > 0)) {
    findings.push(
      violation(
        `The container "${resource.name}" has no CPU limit (set "cpus"): it can take every CPU of the server.`,
        where("cpus"),
      ),
    );
  }
  return findings;
}

function azureLimits(resource: Resource): Finding[] | typeof NOT_APPLICABLE {
  // The template is checked first: inside an unreadable one, its containers read as absent.
  const template = misshapen(resource, { template: OBJECT });
  const shape = template.length > 0 ? template : misshapen(resource, { "template.containers": LIST });
  if (shape.length > 0) return shape;
  const containers = list(resource.props, "template.containers");
  if (containers.length === 0) return NOT_APPLICABLE;
  const findings: Finding[] = [];
  containers.forEach((container, index) => {
    const property = `template.containers[${index}].resources`;
    const odd = misshapen(
      resource,
      { resources: OBJECT, "resources.cpu": NUMBER, "resources.memory": STRING },
      container,
      `template.containers[${index}]`,
    );
    if (odd.length > 0) {
      findings.push(...odd);
      return;
    }
    const cpu = at(container, "resources.cpu");
    const memory = at(container, "resources.memory");
    if (isUnknown(cpu) || isUnknown(memory)) {
      findings.push(
        unverifiable(`the CPU or memory of "${resource.name}" is not known until deployment`, { property }),
      );
    } else if (
      (cpu !== undefined && !((num(cpu) ?? 0) > 0)) ||
      (memory !== undefined && !/^[0-9.]+\s*[GM]i$/.test(str(memory) ?? ""))
    ) {
      findings.push(
        violation(
          `The container app "${resource.name}" sets a CPU or memory allocation that is not a positive amount (e.g. cpu 0.5, memory "1Gi").`,
          { property },
        ),
      );
    }
  });
  return findings;
}
