import { releaseCommandsExist } from "./release-commands-exist";
import type { Rule } from "../rule";
import { auditDatabaseMigrated } from "./audit-database-migrated";
import { migrationFailureBlocksRelease } from "./migration-failure-blocks-release";
import { migrationsBeforeServing } from "./migrations-before-serving";
import { securityCheckBlocksProduction } from "./security-check-blocks-production";
import { securityCheckWarnsInDemo } from "./security-check-warns-in-demo";
import { seedFailureWarns } from "./seed-failure-warns";
import { singleMigrationRunner } from "./single-migration-runner";
import { startupSelfContained } from "./startup-self-contained";

export const rules: Rule[] = [
  migrationsBeforeServing,
  migrationFailureBlocksRelease,
  auditDatabaseMigrated,
  seedFailureWarns,
  securityCheckBlocksProduction,
  securityCheckWarnsInDemo,
  startupSelfContained,
  singleMigrationRunner,
  releaseCommandsExist,
];
