/**
 * DB-1 database-url-required-secret (high): DATABASE_URL is required and supplied as a secret,
 * with no fallback default in the settings or the start scripts (judged in shared/database-url.ts).
 */
import type { StackRule } from "../rule";
import { judgeDatabaseUrl } from "../shared/database-url";
import { APP_BUILD_TYPES } from "../types";

export const databaseUrlRequiredSecret: StackRule = {
  id: "DB-1",
  policy: "database-url-required-secret",
  category: "database-safety",
  severity: "high",
  title: "DATABASE_URL optional or not secret",
  description: "DATABASE_URL is required (no fallback default) and supplied as a secret.",
  impact:
    "A missing variable silently connects to a default database, or the password leaks into state and logs.",
  fix: 'Read it with `require_env("DATABASE_URL")` and supply it from a Pulumi secret.',
  verify: "env -u DATABASE_URL python manage.py check   # fails naming DATABASE_URL",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (resources, ctx) => judgeDatabaseUrl("DATABASE_URL", resources, ctx),
};
