import * as path from "path";

/** The repository root (this file is test/support/paths.ts). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** ../shared beside the clone: design docs and public test data, read in place, never copied. */
export const SHARED_DIR = path.resolve(REPO_ROOT, "..", "shared");
export const TESTDATA_DIR = path.join(SHARED_DIR, "testdata");
export const FIXTURES_DIR = path.join(REPO_ROOT, "test", "fixtures");
