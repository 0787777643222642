/**
 * Jest globalSetup: several suites run the shipped, compiled pack and CLI (dist/), as `pulumi
 * preview --policy-pack policies` and `npx agency-deploy` do. Rebuild dist/ once, before any worker
 * starts, when a source is newer than its output, so no suite judges stale code and no two suites
 * rewrite dist/ while another reads it. After `npm ci` (which builds) this is a no-op.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
// The directories tsconfig.build.json compiles.
const SOURCE_DIRS = ["components", "policies", "stacks"];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(file);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

function staleOutputs(): string[] {
  return SOURCE_DIRS.flatMap((dir) => sources(path.join(REPO_ROOT, dir))).filter((source) => {
    const compiled = path.join(REPO_ROOT, "dist", path.relative(REPO_ROOT, source)).replace(/\.ts$/, ".js");
    return !fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(source).mtimeMs;
  });
}

export default function buildDistWhenStale(): void {
  if (staleOutputs().length === 0) return;
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
      cwd: REPO_ROOT,
      stdio: "pipe",
    });
  } catch (error) {
    // tsc still emits when a module has a type error (npm test's typecheck reports it); only a
    // missing output matters here.
    const stale = staleOutputs();
    if (stale.length > 0)
      throw new Error(`npm run build did not compile ${stale.join(", ")}:\n${String(error)}`);
  }
}
