/**
 * RC-2: likewise for the audit database (`audit` alias).
 * The judgement is shared with RC-1: see app-database-outage-recovery.ts (RC-1).
 */
import type { StackRule } from "../rule";
import { outageRecovery } from "./app-database-outage-recovery";
import { APP_BUILD_TYPES, POSTGRES_TYPES } from "../types";

export const auditDatabaseOutageRecovery: StackRule = {
  id: "RC-2",
  policy: "audit-database-outage-recovery",
  category: "recovery",
  severity: "medium",
  severityReason:
    "Django reconnects on the next request by itself; a persistent connection (CONN_MAX_AGE) without " +
    "CONN_HEALTH_CHECKS costs one failed request per worker after a database restart, not an outage.",
  title: "App does not recover from an audit database outage",
  description: "Likewise for the audit database.",
  impact: "Audited actions fail until someone restarts the app.",
  fix: "Give the audit database a restart policy and pg_isready healthcheck; CONN_HEALTH_CHECKS covers both aliases.",
  verify: "docker restart <audit db container>; curl -f https://<domain>/readyz/",
  scope: "stack",
  types: [...APP_BUILD_TYPES, ...POSTGRES_TYPES],
  check: (deployment) => outageRecovery(deployment, "audit"),
};
