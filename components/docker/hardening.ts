/**
 * Runtime settings every long-running or one-shot container shares: bounded json-file logs
 * (HC-3), the CS-7 hardening (read-only root, tmpfs /tmp, no capabilities, no privilege gain) and
 * CPU and memory caps (HC-8).
 */
import type * as docker from "@pulumi/docker";

/** Rotated json-file logs: at most 5 x 10 MB per container. */
export function containerLogging(): Pick<docker.ContainerArgs, "logDriver" | "logOpts"> {
  return { logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "5" } };
}

/** The writable /tmp of a read-only root: small, and nothing on it runs. */
export const TMP_TMPFS: Readonly<Record<string, string>> = { "/tmp": "rw,noexec,nosuid,nodev,size=64m" };

/** Read-only root filesystem with only `tmpfs` writable, all capabilities dropped, no setuid gains. */
export function hardenedRuntime(
  tmpfs: Readonly<Record<string, string>> = TMP_TMPFS,
): Pick<docker.ContainerArgs, "readOnly" | "tmpfs" | "capabilities" | "securityOpts"> {
  return {
    readOnly: true,
    tmpfs: { ...tmpfs },
    capabilities: { drops: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
  };
}

/**
 * Container properties the provider neither replaces nor updates on a change (its update handles
 * only restart, memory and CPU shares/sets): without `replaceOnChanges` a fixed healthcheck or tmpfs
 * mount would never reach a running container. Not for the protected databases, whose replacement
 * protection refuses.
 */
export const REPLACE_ON_CHANGES = ["tmpfs", "healthcheck"];

/** A container's CPU and memory caps (HC-8), as configured under `resources.*`. */
export interface ContainerLimits {
  cpu: number;
  memoryMb: number;
}

/** Docker's hard caps: `cpus` (a decimal string) and `memory` (MB). */
export function resourceLimits(limits: ContainerLimits): Pick<docker.ContainerArgs, "cpus" | "memory"> {
  return { cpus: String(limits.cpu), memory: limits.memoryMb };
}
