/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // tsc type-checks the whole tree once (npm test); jest only transpiles.
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  // Suites that run the compiled pack and CLI get a dist/ built from the current sources.
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  testTimeout: 60000,
};
