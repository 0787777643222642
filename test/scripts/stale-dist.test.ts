/**
 * The prepack check (scripts/stale-dist.ts): `npm pack` refuses a dist/ holding compiled files
 * whose source was removed, naming them and the command that cleans them, and leaves dist/ alone.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CLEAN_COMMAND, orphanedOutputs, orphansMessage } from "../../scripts/stale-dist";
import { REPO_ROOT } from "../support/paths";
import { scratchDirectory } from "../support/scratch-directory";

const scratch = scratchDirectory("stale-dist");

/** A module's source and its three outputs, as tsc -p tsconfig.build.json writes them. */
const compiled = (module: string): Record<string, string> => ({
  [`dist/${module}.js`]: "",
  [`dist/${module}.d.ts`]: "",
  [`dist/${module}.js.map`]: "",
});

describe("orphanedOutputs", () => {
  it("lists the compiled files whose .ts is gone, at any depth, and not the packed-out source maps", () => {
    const root = scratch.write({
      "components/index.ts": "",
      ...compiled("components/index"),
      "policies/pack/rules/kept.ts": "",
      ...compiled("policies/pack/rules/kept"),
      ...compiled("policies/pack/rules/shared/removed"),
      ...compiled("components/renamed"),
    });
    expect(orphanedOutputs(root)).toEqual([
      "dist/components/renamed.d.ts",
      "dist/components/renamed.js",
      "dist/policies/pack/rules/shared/removed.d.ts",
      "dist/policies/pack/rules/shared/removed.js",
    ]);
  });

  it("finds nothing in a clean build", () => {
    expect(orphanedOutputs(scratch.write({ "stacks/index.ts": "", ...compiled("stacks/index") }))).toEqual(
      [],
    );
  });

  it("finds nothing without dist/ (a fresh clone)", () => {
    expect(orphanedOutputs(scratch.write({ "stacks/index.ts": "" }))).toEqual([]);
  });
});

describe("npm pack, through package.json's prepack", () => {
  const prepack = (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts.prepack;

  /** `npm pack --dry-run` of a package laid out like this one: the same prepack, script and compiler. */
  function pack(files: Record<string, string>) {
    const root = scratch.write({
      "package.json": JSON.stringify({
        name: "probe",
        version: "1.0.0",
        files: ["dist"],
        scripts: { prepack },
      }),
      "scripts/stale-dist.ts": fs.readFileSync(path.join(REPO_ROOT, "scripts", "stale-dist.ts"), "utf8"),
      "tsconfig.json": fs.readFileSync(path.join(REPO_ROOT, "tsconfig.json"), "utf8"),
      ...files,
    });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
    const run = spawnSync("npm", ["pack", "--dry-run", "--json"], { cwd: root, encoding: "utf8" });
    return { root, status: run.status, stderr: run.stderr };
  }

  it("refuses a stale dist/, naming each file and the clean command, and changes nothing", () => {
    const { root, status, stderr } = pack({
      "components/index.ts": "",
      ...compiled("components/index"),
      ...compiled("components/old"),
    });
    expect(status).not.toBe(0);
    expect(stderr).toContain(orphansMessage(["dist/components/old.d.ts", "dist/components/old.js"]));
    expect(stderr).toContain(CLEAN_COMMAND);
    expect(fs.existsSync(path.join(root, "dist", "components", "old.js"))).toBe(true);
  }, 60_000);

  it("packs a dist/ built from the sources there are", () => {
    const { status, stderr } = pack({ "components/index.ts": "", ...compiled("components/index") });
    expect(stderr).not.toContain("dist/ holds");
    expect(status).toBe(0);
  }, 60_000);
});
