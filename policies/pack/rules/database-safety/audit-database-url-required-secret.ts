/**
 * DB-2 audit-database-url-required-secret (high): AUDIT_DATABASE_URL is required and supplied as
 * a secret, with no fallback default (judged in shared/database-url.ts, like DB-1).
 */
import type { StackRule } from "../rule";
import { judgeDatabaseUrl } from "../shared/database-url";

export const auditDatabaseUrlRequiredSecret: StackRule = {
  id: "DB-2",
  scope: "stack",
  check: (resources, ctx) => judgeDatabaseUrl("AUDIT_DATABASE_URL", resources, ctx),
};
