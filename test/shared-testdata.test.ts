/**
 * A fresh clone without ../shared: the suites that read its test corpus skip with one line, CI
 * fails instead (jest.config.js via test/support/shared-testdata.js), and `.ci/run` stops before
 * installing anything.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./support/paths";

// CommonJS, loaded by jest.config.js too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { suitesNeedingTestdata, testdataPlan } = require("./support/shared-testdata") as {
  suitesNeedingTestdata(testDir: string): string[];
  testdataPlan(options: {
    repoRoot: string;
    testdataDir: string;
    env?: Record<string, string | undefined>;
  }): {
    ignore: string[];
    notice?: string;
  };
};

let clone: string;

beforeEach(() => {
  // A clone with one suite that reads the corpus and one that does not; no ../shared beside it.
  clone = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-clone-"));
  fs.mkdirSync(path.join(clone, "test", "report"), { recursive: true });
  fs.writeFileSync(
    path.join(clone, "test", "report", "events.test.ts"),
    'import { TESTDATA_DIR } from "../support/paths";\n',
  );
  fs.writeFileSync(
    path.join(clone, "test", "config.test.ts"),
    'import { REPO_ROOT } from "./support/paths";\n',
  );
});

afterEach(() => fs.rmSync(clone, { recursive: true, force: true }));

const missing = () => path.join(clone, "..", "no-shared-here", "testdata");

describe("suites that read ../shared/testdata", () => {
  it("skip without it, named in one line", () => {
    const plan = testdataPlan({ repoRoot: clone, testdataDir: missing(), env: {} });
    expect(plan.notice).toBe(
      "agency-deploy: skipped 1 suites that read ../shared/testdata (not found beside the clone): test/report/events.test.ts",
    );
    expect(plan.notice).not.toContain("\n");
    const suite = path.join(clone, "test", "report", "events.test.ts");
    expect(plan.ignore.map((pattern) => new RegExp(pattern).test(suite))).toEqual([true]);
    expect(new RegExp(plan.ignore[0]).test(path.join(clone, "test", "config.test.ts"))).toBe(false);
  });

  it("fail under CI instead of skipping", () => {
    expect(() => testdataPlan({ repoRoot: clone, testdataDir: missing(), env: { CI: "true" } })).toThrow(
      "../shared/testdata is missing; CI runs every suite, and 1 need it: test/report/events.test.ts",
    );
  });

  it("all run when it is there", () => {
    fs.mkdirSync(missing(), { recursive: true });
    try {
      expect(testdataPlan({ repoRoot: clone, testdataDir: missing(), env: { CI: "true" } })).toEqual({
        ignore: [],
      });
    } finally {
      fs.rmSync(path.dirname(missing()), { recursive: true, force: true });
    }
  });

  it("are found in this repository by the constant naming the corpus", () => {
    const suites = suitesNeedingTestdata(path.join(REPO_ROOT, "test")).map((file) =>
      path.relative(REPO_ROOT, file),
    );
    expect(suites).toContain(path.join("test", "policies", "pack", "inspect", "buildkit-corpus.test.ts"));
    expect(suites.length).toBeGreaterThan(0);
    expect(suites).not.toContain(path.join("test", "shared-testdata.test.ts"));
  });
});

describe(".ci/run", () => {
  it("fails before installing anything when ../shared/testdata is missing", () => {
    fs.mkdirSync(path.join(clone, ".ci"));
    fs.copyFileSync(path.join(REPO_ROOT, ".ci", "run"), path.join(clone, ".ci", "run"));
    const run = spawnSync("bash", [path.join(clone, ".ci", "run")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("CI needs ../shared/testdata");
    expect(fs.existsSync(path.join(clone, "node_modules"))).toBe(false);
  });
});
