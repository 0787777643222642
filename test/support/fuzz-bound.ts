/**
 * The bound every fuzzed input must finish within, for the inspectors' and the policies' fuzz
 * tests alike. A guard against catastrophic (exponential) cases, which cost seconds or minutes
 * (tree-sitter's error recovery on 10k `\`-continued lines took 58 s before parses got a budget):
 * not a speed measurement (npm run bench measures speed), so it leaves room for the parse budget,
 * ordinary wasm lexing of a 100 kB token (~200 ms) and a loaded, shared machine.
 */
import { memoryContext } from "../../policies/pack/inspect/context-files";
import { readEntrypointScript } from "../../policies/pack/inspect/entrypoint";
import { readSettingsModule } from "../../policies/pack/inspect/settings";

export const PER_INPUT_MS = 5000;

export function withinBound<T>(run: () => T): T {
  const started = performance.now();
  const result = run();
  expect(performance.now() - started).toBeLessThan(PER_INPUT_MS);
  return result;
}

export async function withinBoundAsync<T>(run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  expect(performance.now() - started).toBeLessThan(PER_INPUT_MS);
  return result;
}

/** Loads the shell and Python grammars, so their start-up is not counted against the first input. */
export async function loadGrammars(): Promise<void> {
  await readEntrypointScript("true", { file: "warm.sh" });
  await readSettingsModule(memoryContext({ "m.py": "X = 1" }), "m", [""]);
}
