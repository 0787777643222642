/**
 * Suites that read the public test corpus in ../shared/testdata (beside the clone, read in place,
 * never copied into it): every test file that imports TESTDATA_DIR from ./paths.ts. A fresh clone
 * without the corpus still passes `npm test`: jest skips those suites and says so in one line.
 * CI never skips them: there a missing corpus fails the run before any test starts.
 *
 * CommonJS, because jest.config.js loads it before any TypeScript transform exists.
 */
const fs = require("fs");
const path = require("path");

/** What marks a suite as reading the corpus: importing the constant that names its directory. */
const MARKER = /^import\s*\{[^}]*\bTESTDATA_DIR\b[^}]*\}\s*from\s*["'][^"']*support\/paths["']/m;

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "fixtures" ? [] : testFiles(file);
    return entry.name.endsWith(".test.ts") ? [file] : [];
  });
}

/** The test files under `testDir` that read the corpus, sorted. */
function suitesNeedingTestdata(testDir) {
  return testFiles(testDir)
    .filter((file) => MARKER.test(fs.readFileSync(file, "utf8")))
    .sort();
}

/** CI=true (or 1), as GitHub Actions and most CI services set it. */
function isCI(env) {
  return ["1", "true"].includes(String(env.CI ?? "").toLowerCase());
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * What jest does about the corpus: nothing when it is there; otherwise skip the suites that need
 * it (`ignore`: testPathIgnorePatterns) with one `notice` line, or, under CI, throw.
 */
function testdataPlan({ repoRoot, testdataDir, env = process.env }) {
  if (fs.existsSync(testdataDir)) return { ignore: [] };
  const suites = suitesNeedingTestdata(path.join(repoRoot, "test"));
  const names = suites.map((file) => path.relative(repoRoot, file).split(path.sep).join("/"));
  if (isCI(env)) {
    throw new Error(
      `../shared/testdata is missing; CI runs every suite, and ${names.length} need it: ${names.join(", ")}`,
    );
  }
  return {
    ignore: suites.map((file) => `^${escapeRegExp(file)}$`),
    notice: `agency-deploy: skipped ${names.length} suites that read ../shared/testdata (not found beside the clone): ${names.join(", ")}`,
  };
}

module.exports = { suitesNeedingTestdata, testdataPlan, isCI };
