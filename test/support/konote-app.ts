/**
 * The KoNote-style fixture app: the sample app (stacks/sample-app) with the files of
 * test/fixtures/apps/konote laid over it (its settings written the way KoNote writes them, and two
 * seed commands of its own). Kept as an overlay so the fixture holds only what differs; assembled
 * once per test process in a temporary directory.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES_DIR, REPO_ROOT } from "./paths";

const SAMPLE_APP_DIR = path.join(REPO_ROOT, "stacks", "sample-app");
const OVERLAY_DIR = path.join(FIXTURES_DIR, "apps", "konote");
const GENERATED = new Set(["__pycache__", ".pytest_cache", "staticfiles", "node_modules"]);

let assembled: string | undefined;

export function konoteApp(): string {
  if (assembled !== undefined) return assembled;
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "konote-")), "konote");
  fs.cpSync(SAMPLE_APP_DIR, dir, {
    recursive: true,
    filter: (source) => !GENERATED.has(path.basename(source)),
  });
  fs.cpSync(OVERLAY_DIR, dir, { recursive: true });
  assembled = dir;
  return dir;
}
