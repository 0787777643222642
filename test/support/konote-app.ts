/**
 * The KoNote-style fixture app: the sample app (stacks/sample-app) with test/fixtures/apps/konote
 * laid over it: two seed commands of its own, and its settings written the way KoNote writes them,
 * kept as a patch over the sample's (settings.patch), so the fixture holds only what differs. A
 * patch that no longer applies (the sample's settings changed under it) fails loudly, naming the file.
 */
import * as fs from "fs";
import * as path from "path";
import { applyPatch, parsePatch } from "diff";
import { assemble } from "./overlay";
import { FIXTURES_DIR, REPO_ROOT } from "./paths";

const OVERLAY_DIR = path.join(FIXTURES_DIR, "apps", "konote");
const SETTINGS_PATCH = "settings.patch";

/** Apply a unified diff (paths `a/<file>` relative to `dir`) in place, file by file. */
function applyUnifiedDiff(dir: string, patchFile: string): void {
  for (const patch of parsePatch(fs.readFileSync(patchFile, "utf8"))) {
    const file = path.join(dir, (patch.oldFileName ?? "").replace(/^a\//, ""));
    const patched = applyPatch(fs.readFileSync(file, "utf8"), patch);
    if (patched === false) {
      throw new Error(`${path.basename(patchFile)} no longer applies to ${path.relative(dir, file)}`);
    }
    fs.writeFileSync(file, patched);
  }
}

export function konoteApp(): string {
  return assemble({
    name: "konote",
    base: path.join(REPO_ROOT, "stacks", "sample-app"),
    overlay: OVERLAY_DIR,
    edit: (dir) => {
      applyUnifiedDiff(dir, path.join(OVERLAY_DIR, SETTINGS_PATCH));
      fs.rmSync(path.join(dir, SETTINGS_PATCH));
    },
  });
}
