import type { Rule } from "../rule";
import { appDatabaseOutageRecovery } from "./app-database-outage-recovery";
import { auditDatabaseOutageRecovery } from "./audit-database-outage-recovery";
import { dataSurvivesDestroy } from "./data-survives-destroy";
import { gracefulShutdown } from "./graceful-shutdown";
import { idempotentSeeds } from "./idempotent-seeds";
import { orderedRelease } from "./ordered-release";
import { scheduledBackups } from "./scheduled-backups";

export const rules: Rule[] = [
  appDatabaseOutageRecovery,
  auditDatabaseOutageRecovery,
  idempotentSeeds,
  orderedRelease,
  scheduledBackups,
  dataSurvivesDestroy,
  gracefulShutdown,
];
