import * as fs from "fs";
import { mainThreadCpuMs } from "../../bench/cpu-time";

const hasSchedstat = fs.existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`);

describe("mainThreadCpuMs", () => {
  (hasSchedstat ? it : it.skip)(
    "counts this thread's time on the CPU, never more than the wall clock",
    () => {
      const started = performance.now();
      const before = mainThreadCpuMs(process.pid)!;
      let now = before;
      // Spin until 20 ms of CPU have been counted (however busy the machine), bounded by 30 s of wall time.
      while (now - before < 20 && performance.now() - started < 30_000) now = mainThreadCpuMs(process.pid)!;
      const wall = performance.now() - started;
      expect(now - before).toBeGreaterThanOrEqual(20);
      // The kernel brings a running thread's count up to date at scheduler ticks (10 ms at most apart).
      expect(now - before).toBeLessThanOrEqual(wall + 10);
    },
  );

  it("is undefined for a process it cannot read", () => {
    expect(mainThreadCpuMs(undefined)).toBeUndefined();
    expect(mainThreadCpuMs(2 ** 30)).toBeUndefined();
  });
});
