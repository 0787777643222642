/**
 * CS-7: a docker container runs with a read-only root filesystem
 * (writable tmpfs only), all capabilities dropped, `no-new-privileges`, not privileged, without
 * the Docker socket and without the host's network (or other host namespaces).
 *
 * Database containers are held to the last four only: the official PostgreSQL entrypoint
 * initialises and chowns its data directory as root (CHOWN, SETUID...) and writes its socket
 * and lock files under /var/run/postgresql, so a read-only root with no capabilities is not
 * what its image supports.
 */
import { at, bool, BOOLEAN, isUnknown, list, LIST, OBJECT, str, STRING } from "../props";
import { unverifiable, violation, type Finding, type Resource, type ResourceRule } from "../rule";
import { misshapen, unreadable } from "../props";
import { workloadsOf } from "../../deployment/workloads";
import { DOCKER } from "../types";

const DOCKER_SOCKET = /(^|\/)docker\.sock$|^\/var\/run\/docker$|^\/run\/docker$/;
const DANGEROUS_CAPABILITIES = new Set([
  "ALL",
  "SYS_ADMIN",
  "NET_ADMIN",
  "SYS_PTRACE",
  "SYS_MODULE",
  "SYS_RAWIO",
  "DAC_READ_SEARCH",
  "SYS_BOOT",
  "SYS_TIME",
  "MAC_ADMIN",
  "BPF",
]);

function capability(name: unknown): string {
  return typeof name === "string" ? name.toUpperCase().replace(/^CAP_/, "") : "";
}

export const runtimeHardening: ResourceRule = {
  id: "CS-7",
  policy: "runtime-hardening",
  category: "container-security",
  severity: "medium",
  title: "Container runtime not hardened",
  description:
    "Read-only root filesystem, all capabilities dropped, no-new-privileges, not privileged, no Docker socket or host network.",
  impact: "An exploited process can modify the container, escalate privileges or take over the host.",
  fix: 'Set `readOnly: true` with a tmpfs for /tmp, `capabilities.drops: ["ALL"]`, `securityOpts: ["no-new-privileges:true"]`; never mount /var/run/docker.sock.',
  verify: "docker inspect <container> --format '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}'",
  scope: "resource",
  types: [DOCKER.container],
  check(resource) {
    const props = resource.props;
    const name = resource.name;
    const findings: Finding[] = [];
    const unknown = [
      "readOnly",
      "privileged",
      "networkMode",
      "capabilities",
      "securityOpts",
      "volumes",
      "mounts",
    ].filter((p) => isUnknown(at(props, p)));
    for (const p of unknown)
      findings.push(
        unverifiable(`the ${p} setting of ${name} is not known until the deployment runs.`, { property: p }),
      );
    const odd = misshapen(resource, {
      readOnly: BOOLEAN,
      privileged: BOOLEAN,
      networkMode: STRING,
      pidMode: STRING,
      ipcMode: STRING,
      usernsMode: STRING,
      capabilities: OBJECT,
      "capabilities.adds": LIST,
      "capabilities.drops": LIST,
      securityOpts: LIST,
      volumes: LIST,
      mounts: LIST,
    });
    findings.push(...odd);
    // Unknown or unreadable: the setting can be neither faulted as missing nor passed.
    const undecided = new Set([...unknown, ...unreadable(odd)]);

    if (bool(props, "privileged") === true) {
      findings.push(
        violation(`Container ${name} is privileged: it can take over the host. Remove privileged: true.`, {
          property: "privileged",
        }),
      );
    }
    for (const mode of ["networkMode", "pidMode", "ipcMode", "usernsMode"] as const) {
      if (str(props, mode) === "host") {
        findings.push(
          violation(
            `Container ${name} shares the host's ${mode === "networkMode" ? "network" : mode.replace("Mode", "")} namespace (${mode}: host). Use a Docker network instead.`,
            { property: mode },
          ),
        );
      }
    }
    findings.push(...socketFindings(resource));
    const opts = list(props, "securityOpts").map((o) => (typeof o === "string" ? o.replace(/\s/g, "") : ""));
    if (!undecided.has("securityOpts") && !opts.some((o) => /^no-new-privileges(?:[:=]true)?$/.test(o))) {
      findings.push(
        violation(
          `Container ${name} lets its processes gain new privileges (setuid programs). Add securityOpts: ["no-new-privileges:true"].`,
          { property: "securityOpts" },
        ),
      );
    }
    for (const added of list(props, "capabilities.adds").map(capability)) {
      if (DANGEROUS_CAPABILITIES.has(added)) {
        findings.push(
          violation(
            `Container ${name} is given the ${added} capability, which allows escaping the container. Remove it.`,
            { property: "capabilities.adds" },
          ),
        );
      }
    }
    if (workloadsOf(resource)[0]?.role === "database") return findings;
    if (!undecided.has("readOnly") && bool(props, "readOnly") !== true) {
      findings.push(
        violation(
          `Container ${name} can modify its own files. Set readOnly: true and give it a tmpfs for /tmp.`,
          { property: "readOnly" },
        ),
      );
    }
    if (
      !undecided.has("capabilities") &&
      !undecided.has("capabilities.drops") &&
      !list(props, "capabilities.drops").map(capability).includes("ALL")
    ) {
      findings.push(
        violation(
          `Container ${name} keeps Docker's default Linux capabilities. Set capabilities.drops: ["ALL"].`,
          { property: "capabilities.drops" },
        ),
      );
    }
    return findings;
  },
};

function socketFindings(resource: Resource): Finding[] {
  const props = resource.props;
  const findings: Finding[] = [];
  list(props, "volumes").forEach((volume, i) => {
    const host = str(volume, "hostPath");
    if (host !== undefined && DOCKER_SOCKET.test(host)) {
      findings.push(
        violation(
          `Container ${resource.name} mounts the Docker socket, which gives full control of the host. Remove the mount.`,
          { property: `volumes[${i}].hostPath` },
        ),
      );
    }
  });
  list(props, "mounts").forEach((mount, i) => {
    const source = str(mount, "source");
    if (str(mount, "type") === "bind" && source !== undefined && DOCKER_SOCKET.test(source)) {
      findings.push(
        violation(
          `Container ${resource.name} mounts the Docker socket, which gives full control of the host. Remove the mount.`,
          { property: `mounts[${i}].source` },
        ),
      );
    }
  });
  return findings;
}
