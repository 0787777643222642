/* eslint-disable @typescript-eslint/no-require-imports -- each test loads its own copy of Pulumi's runtime */
import * as fs from "fs";
import * as path from "path";
import {
  skipPromiseLeakTracking,
  untrackedPromise,
  type DebuggableModule,
} from "../../../../policies/command/offline/promise-tracking";

const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const LABEL = "resource:web[docker:index/container:Container]";

interface Runtime {
  debuggable: DebuggableModule;
  state: { getStore(): { leakCandidates: Set<Promise<unknown>> } };
  rpc: { transferProperties(onto: object, label: string, props: Record<string, unknown>): unknown };
}

/** A fresh copy of the runtime modules, so what one test changes never reaches another. */
function freshRuntime(): Runtime {
  let runtime: Runtime | undefined;
  jest.isolateModules(() => {
    runtime = {
      debuggable: require(path.join(PULUMI_DIR, "runtime", "debuggable")),
      state: require(path.join(PULUMI_DIR, "runtime", "state")),
      rpc: require(path.join(PULUMI_DIR, "runtime", "rpc")),
    };
  });
  return runtime as Runtime;
}

describe("skipPromiseLeakTracking", () => {
  it("hands every promise back as it is: same value, same rejection", async () => {
    const p = Promise.resolve(42);
    expect(untrackedPromise(p)).toBe(p);
    const failure = new Error("boom");
    await expect(untrackedPromise(Promise.reject(failure))).rejects.toBe(failure);
  });

  it("reaches the promises the runtime makes for every output property", () => {
    // The runtime's store is process-wide (a global), so count what each call adds to it.
    const added = (runtime: Runtime, onto: object): number => {
      const before = runtime.state.getStore().leakCandidates.size;
      runtime.rpc.transferProperties(onto, LABEL, { image: "nginx", name: "web" });
      return runtime.state.getStore().leakCandidates.size - before;
    };
    // Pulumi's wrapper: four stamped, tracked promises per output property.
    expect(added(freshRuntime(), {})).toBe(8);

    const lean = freshRuntime();
    expect(skipPromiseLeakTracking(lean.debuggable)).toBe(true);
    expect(lean.debuggable.debuggablePromise).toBe(untrackedPromise);
    const onto: Record<string, unknown> = {};
    expect(added(lean, onto)).toBe(0);
    expect(Object.keys(onto)).toEqual(["image", "name"]);
  });

  it("leaves Pulumi's wrapper in place when PULUMI_DEBUG_PROMISE_LEAKS asks for the leak report", () => {
    const { debuggable } = freshRuntime();
    debuggable.debugPromiseLeaks = true;
    const original = debuggable.debuggablePromise;
    expect(skipPromiseLeakTracking(debuggable)).toBe(false);
    expect(debuggable.debuggablePromise).toBe(original);
  });

  it("relies on call sites that go through the module object, in every runtime module of the installed SDK", () => {
    // A destructured import (`const { debuggablePromise } = require(...)`) would keep Pulumi's wrapper.
    const runtimeDir = path.join(PULUMI_DIR, "runtime");
    const uses = fs
      .readdirSync(runtimeDir)
      .filter((f) => f.endsWith(".js") && f !== "debuggable.js")
      .flatMap(
        (f) => fs.readFileSync(path.join(runtimeDir, f), "utf8").match(/[\w.]*debuggablePromise\b/g) ?? [],
      );
    expect(uses.length).toBeGreaterThan(10);
    expect(new Set(uses)).toEqual(new Set(["debuggable_1.debuggablePromise"]));
  });
});
