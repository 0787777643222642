/**
 * RC-1 app-database-outage-recovery (high): the app recovers from a temporary outage of its
 * database (restart policies, a pg_isready healthcheck, CONN_HEALTH_CHECKS on `default`).
 * The judgement is shared with RC-2: see shared/outage-recovery.ts.
 */
import type { StackRule } from "../rule";
import { outageRecovery } from "../shared/outage-recovery";

export const appDatabaseOutageRecovery: StackRule = {
  id: "RC-1",
  scope: "stack",
  check: (resources, ctx) => outageRecovery(resources, ctx, "default"),
};
