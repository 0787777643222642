/**
 * A fresh directory for each test of a `describe`, removed after it, for readers that must walk a
 * real tree (discovery, the --context checks). Call at the top of the `describe` or file.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ScratchDirectory {
  /** The current test's directory. */
  readonly root: string;
  /** Writes `files` (relative path -> text) into it and returns its path. */
  write(files: Record<string, string>): string;
}

export function scratchDirectoryPerTest(prefix: string): ScratchDirectory {
  let root = "";
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), `agency-deploy-${prefix}-`));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  return {
    get root() {
      return root;
    },
    write(files) {
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
      }
      return root;
    },
  };
}
