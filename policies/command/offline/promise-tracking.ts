/**
 * Pulumi's runtime wraps nearly every promise it makes in `debuggablePromise`
 * (@pulumi/pulumi/runtime/debuggable.js) for one purpose: the report, printed as the process exits,
 * of promises still pending then ("The Pulumi runtime detected that N promises were still active").
 * It stamps each promise with an id, a context string and `new Error().stack`, adds it to the
 * store's `leakCandidates` and chains `.then().catch()` to take it out again. Every output property
 * of every resource carries four such promises (`transferProperties` in runtime/rpc.js), and a
 * program holds its resources until it ends, so they add up: in the 100-instance bench fleet
 * (3,903 resources) they took the program host's live heap at its peak from 0.86 GB to 1.25 GB.
 *
 * The offline host never reports that leak message: it sends "done" and exits, and the runner
 * reads neither its exit status nor its stderr after "done" (program.ts). So the host replaces the
 * wrapper with the promise itself. With PULUMI_DEBUG_PROMISE_LEAKS set, Pulumi's own stays, stamps
 * and all. Pulumi's modules call `debuggable_1.debuggablePromise(...)` through the module object
 * (CommonJS output of TypeScript), so replacing the export reaches every call site; the test pins
 * that against the installed SDK.
 */

/** What the host needs of @pulumi/pulumi/runtime/debuggable.js. */
export interface DebuggableModule {
  debugPromiseLeaks: boolean;
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
}

/** The promise itself: what debuggablePromise resolves or rejects with, without its bookkeeping. */
export function untrackedPromise<T>(p: Promise<T>): Promise<T> {
  return p;
}

/**
 * Drop the leak bookkeeping from the program's runtime (its debuggable module) before the program
 * loads; false, and nothing changed, when PULUMI_DEBUG_PROMISE_LEAKS asks for Pulumi's leak report.
 */
export function skipPromiseLeakTracking(debuggable: DebuggableModule): boolean {
  if (debuggable.debugPromiseLeaks) return false;
  debuggable.debuggablePromise = untrackedPromise;
  return true;
}
