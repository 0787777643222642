/**
 * CPU time of a process's main thread, from /proc/<pid>/task/<pid>/schedstat (nanoseconds on the
 * CPU, first field). On a shared machine the wall time of a pass through Analyze mostly measures
 * who else had the two cores; the CPU time the pack's JavaScript thread spent on the pass does not.
 * The main thread only: V8's GC helper threads and gRPC's are left out, as they are for the
 * baseline. Linux only; elsewhere undefined.
 */
import * as fs from "fs";

export function mainThreadCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const [onCpuNs] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ");
    const ns = Number(onCpuNs);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}
