/**
 * The health gate's dynamic provider as `pulumi up` runs it: serialized by Pulumi's closure
 * serialization and loaded in another module, where only what the closure captured exists (a use
 * compiled to `exports.NAME` reads undefined there, a module-level import is not there at all). The
 * same script runs from an installed package in test/package/consumer.test.ts; here it runs on this
 * tree's build (package self-reference), for a quick answer.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { FIXTURES_DIR, REPO_ROOT } from "../../support/paths";

it("waits for a healthy container through the serialized provider, against a stand-in Docker engine", () => {
  const run = spawnSync(process.execPath, [path.join(FIXTURES_DIR, "consumer", "serialize-health-gate.js")], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`the serialized provider failed:\n${run.stderr}`);
  const result = JSON.parse(run.stdout) as {
    methods: string[];
    asked: string[];
    created: { id: string; outs: unknown };
  };
  expect(result.methods).toEqual(["create", "delete", "diff", "update"]);
  expect(result.asked).toEqual([1, 2].map(() => "/containers/riverside-web-0123456789ab/json"));
  expect(result.created).toMatchObject({ id: "riverside-web-0123456789ab", outs: { containerId: "c0ffee" } });
});
