/**
 * The markdown report of the built-in `local` stack (the sample app), exactly as
 * `agency-deploy check` prints it, against test/fixtures/golden/local-report.md.
 *
 * When a rule or component changes the report on purpose, rewrite the file and review its diff:
 *   UPDATE_GOLDEN=1 npx jest test/policies/command/report/golden.test.ts
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "../../../../policies/command/cli/main";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";
import { capturedTerminal } from "../cli/captured-terminal";

const GOLDEN = path.join(FIXTURES_DIR, "golden", "local-report.md");
// The bundled pack from its sources (see its index.js), so the test does not depend on a fresh dist/.
const SOURCE_PACK = path.join(FIXTURES_DIR, "golden", "source-pack");
// 2026-01-02T00:00:00Z: the report's date comes from SOURCE_DATE_EPOCH, as for any reproducible run.
const DATE_EPOCH = "1767312000";

/** A readable line diff: each differing line with its number, expected above actual. */
function lineDiff(expected: string, actual: string): string {
  const want = expected.split("\n");
  const got = actual.split("\n");
  const lines: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length) && lines.length < 60; i++) {
    if (want[i] === got[i]) continue;
    lines.push(`line ${i + 1}:`, `- ${want[i] ?? "(no line)"}`, `+ ${got[i] ?? "(no line)"}`);
  }
  return lines.join("\n");
}

async function localReport(): Promise<{ code: number; markdown: string; errors: string }> {
  const terminal = capturedTerminal();
  const saved = { cwd: process.cwd(), epoch: process.env.SOURCE_DATE_EPOCH };
  // Locations are shown relative to the working directory, as for a user in the clone.
  process.chdir(REPO_ROOT);
  process.env.SOURCE_DATE_EPOCH = DATE_EPOCH;
  try {
    const code = await main(["check", "--stack", "local", "--policy-pack", SOURCE_PACK], terminal);
    return { code, markdown: terminal.out, errors: terminal.err };
  } finally {
    process.chdir(saved.cwd);
    if (saved.epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved.epoch;
  }
}

test("the local stack's markdown report matches the golden file", async () => {
  const { code, markdown, errors } = await localReport();
  expect(errors).toBe("");
  expect(code).toBeLessThanOrEqual(1);
  expect(markdown).toContain("- Date: 2026-01-02\n");
  if (process.env.UPDATE_GOLDEN === "1") {
    fs.writeFileSync(GOLDEN, markdown);
    return;
  }
  const golden = fs.existsSync(GOLDEN) ? fs.readFileSync(GOLDEN, "utf8") : "";
  if (markdown !== golden) {
    throw new Error(
      `the report differs from ${path.relative(REPO_ROOT, GOLDEN)} (- golden, + now); if the change is ` +
        `intended, run UPDATE_GOLDEN=1 npx jest test/policies/command/report/golden.test.ts and review the diff\n\n` +
        lineDiff(golden, markdown),
    );
  }
}, 180_000);
