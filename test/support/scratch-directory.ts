/**
 * A fresh temporary directory for each test of a file (removed after it), and a way to fill it:
 * for tests that write the repository or app they judge inline.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ScratchDirectory {
  /** The current test's directory. */
  readonly dir: string;
  /** Write `files` (relative path -> text) under it; returns the directory. */
  write(files: Record<string, string>): string;
}

/**
 * Call at the top of a test file or describe block: it registers the hooks that make and remove
 * the directory, for each test or (`"all"`) once for the file or block.
 */
export function scratchDirectory(prefix: string, per: "each" | "all" = "each"): ScratchDirectory {
  let dir = "";
  const [before, after] = per === "each" ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    write(files) {
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      return dir;
    },
  };
}
