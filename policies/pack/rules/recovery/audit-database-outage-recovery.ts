/**
 * RC-2 audit-database-outage-recovery (high): likewise for the audit database (`audit` alias).
 * The judgement is shared with RC-1: see shared/outage-recovery.ts.
 */
import type { StackRule } from "../rule";
import { outageRecovery } from "../shared/outage-recovery";

export const auditDatabaseOutageRecovery: StackRule = {
  id: "RC-2",
  scope: "stack",
  check: (resources, ctx) => outageRecovery(resources, ctx, "audit"),
};
