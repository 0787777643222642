/**
 * The release's dynamic provider as `pulumi up` runs it: serialized by Pulumi's closure
 * serialization and loaded in another module, where only what the closure captured exists (a use
 * compiled to `exports.NAME` reads undefined there). The same script runs from an installed
 * package in test/package/consumer.test.ts; here it runs on this tree's build (package
 * self-reference), for a quick answer.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { FIXTURES_DIR, REPO_ROOT } from "../../support/paths";

it("runs a release through the serialized provider against a stand-in ARM", () => {
  const run = spawnSync(process.execPath, [path.join(FIXTURES_DIR, "consumer", "serialize-provider.js")], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`the serialized provider failed:\n${run.stderr}`);
  const result = JSON.parse(run.stdout) as { requested: string[]; created: { outs: unknown } };
  // It looks for a running execution first, then starts one, retrying the throttled start.
  expect(result.requested[0]).toMatch(/^GET .*\/executions\?api-version=\d{4}-\d{2}-\d{2}$/);
  expect(result.requested[1]).toMatch(/^POST .*\/start\?api-version=\d{4}-\d{2}-\d{2}$/);
  expect(result.requested[2]).toBe(result.requested[1]);
  expect(result.created.outs).toMatchObject({ executionName: "release-1", status: "Succeeded" });
});
