import type { Rule } from "../rule";
import { auditDatabaseRouter } from "./audit-database-router";
import { auditDatabaseUrlRequiredSecret } from "./audit-database-url-required-secret";
import { backupBeforeMigrate } from "./backup-before-migrate";
import { databaseConnectionTimeouts } from "./database-connection-timeouts";
import { databaseUrlRequiredSecret } from "./database-url-required-secret";
import { databasesNotExposed } from "./databases-not-exposed";
import { separateAuditCredentials } from "./separate-audit-credentials";
import { supportedPostgresVersion } from "./supported-postgres-version";

export const rules: Rule[] = [
  databaseUrlRequiredSecret,
  auditDatabaseUrlRequiredSecret,
  databaseConnectionTimeouts,
  auditDatabaseRouter,
  backupBeforeMigrate,
  databasesNotExposed,
  separateAuditCredentials,
  supportedPostgresVersion,
];
