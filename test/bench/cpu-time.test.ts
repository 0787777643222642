import * as fs from "fs";
import { mainThreadCpuMs } from "../../bench/cpu-time";

const hasSchedstat = fs.existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`);
/** How long a measurement may take at most, however busy the machine. */
const PATIENCE_MS = 30_000;
/** CLOCK_MONOTONIC (performance.now) runs at most 500 ppm off the scheduler's clock (NTP's slew limit). */
const CLOCK_SLEW = 0.0005;

function cpuNow(): number {
  const ms = mainThreadCpuMs(process.pid);
  if (ms === undefined)
    throw new Error(`/proc/${process.pid}/task/${process.pid}/schedstat could not be read`);
  return ms;
}

/**
 * This thread's count just as the kernel brings it up to date. The kernel adds a running thread's
 * time at scheduler ticks and switches, not when it is read: a count read at any moment may lack
 * the time run since the last update, which the next update adds, so a measurement starting from
 * it could count time run before it started (by a tick, or more when the tick is late). Spinning
 * until the count moves gives a count complete as of that update, and `at`, read before the last
 * read that still saw the old count, is no later than the update.
 */
function freshCount(): { at: number; cpuMs: number } {
  let at = performance.now();
  const stale = cpuNow();
  while (performance.now() - at < PATIENCE_MS) {
    const readAt = performance.now();
    const cpuMs = cpuNow();
    if (cpuMs !== stale) return { at, cpuMs };
    at = readAt;
  }
  throw new Error(`this thread's CPU count did not move in ${PATIENCE_MS / 1000} s of spinning`);
}

describe("mainThreadCpuMs", () => {
  (hasSchedstat ? it : it.skip)(
    "counts this thread's time on the CPU, never more than the wall clock",
    () => {
      const start = freshCount();
      let now = start.cpuMs;
      // Spin until 20 ms of CPU have been counted (however busy the machine), bounded in wall time.
      while (now - start.cpuMs < 20 && performance.now() - start.at < PATIENCE_MS) now = cpuNow();
      const wall = performance.now() - start.at;
      expect(now - start.cpuMs).toBeGreaterThanOrEqual(20);
      // Everything counted after the fresh count was run after `at`: no tick's worth of slack.
      expect(now - start.cpuMs).toBeLessThanOrEqual(wall * (1 + CLOCK_SLEW));
    },
  );

  it("is undefined for a process it cannot read", () => {
    expect(mainThreadCpuMs(undefined)).toBeUndefined();
    expect(mainThreadCpuMs(2 ** 30)).toBeUndefined();
  });
});
