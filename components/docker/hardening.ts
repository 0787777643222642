/**
 * Runtime settings every long-running or one-shot app container shares: bounded json-file logs
 * (HC-3) and the CS-7 hardening (read-only root, tmpfs /tmp, no capabilities, no privilege gain).
 */
import type * as docker from "@pulumi/docker";

/** Rotated json-file logs: at most 5 x 10 MB per container. */
export function containerLogging(): Pick<docker.ContainerArgs, "logDriver" | "logOpts"> {
  return { logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "5" } };
}

/** Read-only root filesystem with a small writable /tmp, all capabilities dropped, no setuid gains. */
export function hardenedRuntime(): Pick<
  docker.ContainerArgs,
  "readOnly" | "tmpfs" | "capabilities" | "securityOpts"
> {
  return {
    readOnly: true,
    tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=64m" },
    capabilities: { drops: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
  };
}
