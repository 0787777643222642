/**
 * RC-1 app-database-outage-recovery (medium): the app recovers from a temporary outage of its
 * database (restart policies, a pg_isready healthcheck, CONN_HEALTH_CHECKS on `default`).
 * The judgement is shared with RC-2: see shared/outage-recovery.ts.
 */
import type { StackRule } from "../rule";
import { outageRecovery } from "../shared/outage-recovery";
import { APP_BUILD_TYPES, POSTGRES_TYPES } from "../types";

export const appDatabaseOutageRecovery: StackRule = {
  id: "RC-1",
  policy: "app-database-outage-recovery",
  category: "recovery",
  severity: "medium",
  severityReason:
    "Django reconnects on the next request by itself; a persistent connection (CONN_MAX_AGE) without " +
    "CONN_HEALTH_CHECKS costs one failed request per worker after a database restart, not an outage.",
  title: "App does not recover from a database outage",
  description:
    "Restart policy, database healthcheck and CONN_HEALTH_CHECKS let the app recover from a database outage.",
  impact: "After a database restart the app keeps failing until someone restarts it.",
  fix: "Set a restart policy, a pg_isready healthcheck on the database and CONN_HEALTH_CHECKS = True.",
  verify: "docker restart <db container>; curl -f https://<domain>/readyz/   # recovers within a minute",
  scope: "stack",
  types: [...APP_BUILD_TYPES, ...POSTGRES_TYPES],
  check: (resources, ctx) => outageRecovery(resources, ctx, "default"),
};
