/**
 * DB-2: AUDIT_DATABASE_URL is required and supplied as
 * a secret, with no fallback default: the judgement of DB-1 (database-url-required-secret.ts).
 */
import type { StackRule } from "../rule";
import { judgeDatabaseUrl } from "./database-url-required-secret";
import { APP_BUILD_TYPES } from "../types";

export const auditDatabaseUrlRequiredSecret: StackRule = {
  id: "DB-2",
  policy: "audit-database-url-required-secret",
  category: "database-safety",
  severity: "high",
  title: "AUDIT_DATABASE_URL optional or not secret",
  description: "AUDIT_DATABASE_URL is required (no fallback default) and supplied as a secret.",
  impact: "Audit records go to the wrong database or nowhere, and the password can leak.",
  fix: 'Read it with `require_env("AUDIT_DATABASE_URL")` and supply it from a Pulumi secret.',
  verify: "env -u AUDIT_DATABASE_URL python manage.py check   # fails naming AUDIT_DATABASE_URL",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) => judgeDatabaseUrl("AUDIT_DATABASE_URL", deployment),
};
