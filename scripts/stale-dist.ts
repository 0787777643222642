/**
 * `npm pack`'s prepack check: dist/ must hold no compiled file whose source is gone. tsc writes
 * outputs but never removes one whose .ts was deleted or renamed, and `files` ships all of dist/,
 * so a local dist/ would put modules no source has into the tarball. The check only refuses:
 * rebuilding here would rewrite dist/ while the test suites run the CLI from it.
 */
import * as fs from "fs";
import * as path from "path";

/** What cleans dist/ and compiles it again from the sources. */
export const CLEAN_COMMAND = "rm -rf dist && npm run build";

/**
 * The compiled files under `root`/dist whose source (`dist/x/y.js` -> `x/y.ts`, as tsconfig's
 * rootDir "." lays them out) does not exist, relative to `root`, sorted. Source maps are left
 * out: `files` does not pack them.
 */
export function orphanedOutputs(root: string): string[] {
  const dist = path.join(root, "dist");
  if (!fs.existsSync(dist)) return [];
  return fs
    .readdirSync(dist, { recursive: true, encoding: "utf8" })
    .map((file) => file.split(path.sep).join("/"))
    .filter((file) => /\.(d\.ts|js)$/.test(file))
    .filter((file) => !fs.existsSync(path.join(root, file.replace(/(\.d\.ts|\.js)$/, ".ts"))))
    .map((file) => `dist/${file}`)
    .sort();
}

/** The refusal, naming each orphaned file and the command that cleans them. */
export function orphansMessage(orphans: readonly string[]): string {
  return [
    `dist/ holds ${orphans.length} compiled file(s) whose source no longer exists; npm pack would ship them:`,
    ...orphans.map((file) => `  ${file}`),
    `Clean and rebuild dist/, then pack again: ${CLEAN_COMMAND}`,
  ].join("\n");
}

if (require.main === module) {
  const orphans = orphanedOutputs(process.cwd());
  if (orphans.length > 0) {
    process.stderr.write(`${orphansMessage(orphans)}\n`);
    process.exitCode = 1;
  }
}
