/**
 * DB-1 database-url-required-secret (high): DATABASE_URL is required and supplied as a secret,
 * with no fallback default in the settings or the start scripts (judged in shared/database-url.ts).
 */
import type { StackRule } from "../rule";
import { judgeDatabaseUrl } from "../shared/database-url";

export const databaseUrlRequiredSecret: StackRule = {
  id: "DB-1",
  scope: "stack",
  check: (resources, ctx) => judgeDatabaseUrl("DATABASE_URL", resources, ctx),
};
