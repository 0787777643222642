const path = require("path");
const { testdataPlan } = require("./test/support/shared-testdata");

// Suites reading ../shared/testdata skip (one line) without it, and fail under CI.
const testdata = testdataPlan({
  repoRoot: __dirname,
  testdataDir: path.resolve(__dirname, "..", "shared", "testdata"),
});
if (testdata.notice) console.log(testdata.notice);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", ...testdata.ignore],
  // tsc type-checks the whole tree once (npm test); jest only transpiles.
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  // Suites that run the compiled pack and CLI get a dist/ built from the current sources.
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  testTimeout: 60000,
  // One worker (as on 2 cores), restarted once it holds more than this between test files: each
  // file's module graph (Pulumi's runtime among it) is otherwise kept alive to the end of the run,
  // which grew a single in-band process past 11 GB.
  workerIdleMemoryLimit: "2GB",
};
